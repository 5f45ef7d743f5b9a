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
        expect(planFor({ systems: [{ type: 'postgres', maxRows: 500 }] }).view.system).toEqual({ postgres: { maxRows: 500, statementTimeoutMs: 5000 } });
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

    it('renames stored dot-files and drops the .hbs suffix', () => {
        const files = paths({});
        expect(files).toContain('.gitignore');
        expect(files).toContain('README.md');
        expect(files.some((f) => f.endsWith('.hbs') || f.includes('/_'))).toBe(false);
    });
});
