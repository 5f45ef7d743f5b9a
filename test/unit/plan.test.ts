import { describe, expect, it } from 'vitest';
import { plan } from '../../src/core/plan.js';
import { type RawSpec, validateSpec } from '../../src/core/spec.js';
import { loadTemplates } from '../../src/render/templates.js';

const templateNames = [...(await loadTemplates()).files.keys()];
const planFor = (raw: RawSpec) => plan(validateSpec(raw, { name: 'demo', description: 'Demo' }), templateNames);
const paths = (raw: RawSpec) => planFor(raw).files.map((f) => f.path);
const packageJson = (raw: RawSpec) => {
    const file = planFor(raw).files.find((f) => f.path === 'package.json')!;
    return JSON.parse('text' in file ? file.text : '') as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
};

describe('plan', () => {
    it('gives an empty spec one example of each kind', () => {
        const files = paths({});
        expect(files).toEqual(expect.arrayContaining(['src/tools/add.ts', 'src/resources/about.ts', 'src/prompts/summarize.ts']));
        expect(planFor({}).view.examples).toBe(true);
    });

    it('writes one file per item and no examples when the spec has items', () => {
        const files = paths({ tools: [{ name: 'search_orders', description: 'x' }], resources: [{ name: 'order', uri: 'orders://{id}' }] });
        expect(files.filter((f) => f.startsWith('src/') && f.split('/').length === 3)).toEqual(['src/resources/order.ts', 'src/tools/search_orders.ts']);
    });

    it('leaves HTTP code and the node adapter out of a stdio-only project', () => {
        const files = paths({ transports: ['stdio'] });
        expect(files).not.toContain('src/http.ts');
        expect(files).not.toContain('test/http.test.ts');
        expect(Object.keys(packageJson({ transports: ['stdio'] }).dependencies)).toEqual(['@modelcontextprotocol/server', 'zod']);
    });

    it('depends on the SDK server, its node adapter, jose (JWT verification) and zod, nothing else, with HTTP', () => {
        expect(Object.keys(packageJson({}).dependencies)).toEqual(['@modelcontextprotocol/node', '@modelcontextprotocol/server', 'jose', 'zod']);
    });

    it("adds a system's files, dependencies and registrations", () => {
        const raw = { systems: ['postgres'] };
        const { view } = planFor(raw);
        expect(view.examples).toBe(false);
        expect(view.registrations.map((r) => r.name)).toEqual(['query', 'list_tables', 'describe_table', 'table_schema', 'explore_table', 'question_to_sql']);
        expect(packageJson(raw).dependencies).toHaveProperty('pg');
        expect(paths(raw)).toContain('.env.example');
    });

    it("builds a system's options into its code, defaults filled in", () => {
        expect(planFor({ systems: [{ type: 'postgres', maxRows: 500 }] }).view.system).toEqual({
            postgres: { maxRows: 500, maxResultBytes: 1_000_000, statementTimeoutMs: 5000 },
        });
    });

    it('reads MCP_REQUEST_STATE_SECRET only where a tool asks the user first', () => {
        const names = (raw: RawSpec) => planFor(raw).view.env.map((v) => v.name);
        expect(names({ tools: [{ name: 'a', description: 'A' }] })).not.toContain('MCP_REQUEST_STATE_SECRET');
        expect(names({ tools: [{ name: 'a', description: 'A', confirm: 'optional' }] })).toContain('MCP_REQUEST_STATE_SECRET');
        expect(planFor({ tools: [{ name: 'a', description: 'A', confirm: true }] }).view.on.confirmations).toBe(true);
    });

    it('gives a template the instances its completions name, and their URIs encoded as the SDK expands them', () => {
        const { view } = planFor({ resources: [{ name: 'city', uri: 'weather://{city}/{unit}', complete: { city: ['New York', 'Zürich', 'Oslo'] } }] });
        const city = view.templateResources[0]!;
        expect(city.entriesLiteral).toBe("[{ city: 'New York', unit: 'unit-1' }, { city: 'Zürich', unit: 'unit-2' }, { city: 'Oslo', unit: 'unit-3' }]");
        expect(city.firstVariableValuesLiteral).toBe("['New York', 'Zürich', 'Oslo']");
        expect(city.instanceUriLiteral).toBe("'weather://New%20York/unit-1'");
    });

    it('sends a ttl as milliseconds, private unless the spec says public', () => {
        const { view } = planFor({
            resources: [
                { name: 'a', uri: 'x://a', ttl: 60 },
                { name: 'b', uri: 'x://b', ttl: 5, cacheScope: 'public' },
            ],
        });
        expect(view.staticResources.map((r) => r.cacheHintLiteral)).toEqual([
            "{ ttlMs: 60000, cacheScope: 'private' }",
            "{ ttlMs: 5000, cacheScope: 'public' }",
        ]);
    });

    it('collects the services of the integrations for readiness and shutdown, in registry order', () => {
        const { view } = planFor({ systems: ['telemetry', 'redis', 'filesystem', 'postgres'] });
        expect(view.lifecycle).toEqual([
            { name: 'PostgreSQL', nameLiteral: "'PostgreSQL'", importPath: './systems/postgres.js', ping: 'pingPostgres', close: 'closePostgres' },
            { name: 'Filesystem', nameLiteral: "'Filesystem'", importPath: './systems/filesystem.js', ping: 'pingFilesystem' },
            { name: 'Redis', nameLiteral: "'Redis'", importPath: './systems/redis.js', ping: 'pingRedis', close: 'closeRedis' },
            { name: 'OpenTelemetry', nameLiteral: "'OpenTelemetry'", importPath: './telemetry.js', close: 'closeTelemetry' },
        ]);
        expect(planFor({}).view.lifecycle).toEqual([]);
        expect(paths({})).toEqual(expect.arrayContaining(['src/lifecycle.ts', 'src/rate-limit.ts', 'test/lifecycle.test.ts']));
        expect(paths({ transports: ['stdio'], systems: ['postgres'] })).not.toContain('src/lifecycle.ts');
    });

    it('gives the rate-limit module the limits of single tools', () => {
        const { view } = planFor({
            tools: [
                { name: 'search.orders', description: 'x', rateLimit: '30/minute' },
                { name: 'other', description: 'y' },
            ],
        });
        expect(view.toolLimits).toEqual([{ key: "'search.orders'", rateLimit: '30/minute' }]);
    });

    it('brings Redis, OpenTelemetry and the manifests with their dependencies, loaded only when configured', () => {
        const raw = { systems: ['redis', 'telemetry', 'kubernetes'] };
        const dependencies = Object.keys(packageJson(raw).dependencies);
        expect(dependencies).toContain('@redis/client');
        expect(dependencies.filter((d) => d.startsWith('@opentelemetry/'))).toHaveLength(8);
        expect(paths(raw)).toEqual(
            expect.arrayContaining([
                'src/systems/redis.ts',
                'src/telemetry.ts',
                'test/redis.test.ts',
                'test/telemetry.test.ts',
                'compose.yaml',
                'deploy/kubernetes/kustomization.yaml',
                'deploy/kubernetes/deployment.yaml',
                'deploy/kubernetes/secret.yaml',
            ]),
        );
    });

    it('renames stored dot-files and drops the .hbs suffix', () => {
        const files = paths({});
        expect(files).toContain('.gitignore');
        expect(files).toContain('README.md');
        expect(files.some((f) => f.endsWith('.hbs') || f.includes('/_'))).toBe(false);
    });
});
