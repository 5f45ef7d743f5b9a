import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
    INTEGRATIONS,
    type Integration,
    type IntegrationOption,
    OPTION_FLAGS,
    SWITCHABLE,
    activeIds,
    activeIntegrations,
    itemsOf,
    optionDefaultText,
    optionProblem,
    optionValues,
    parseOptionText,
    unmetRequirement,
} from '../../src/integrations/index.js';
import { kubernetesName } from '../../src/integrations/kubernetes.js';
import { plan } from '../../src/core/plan.js';
import { BUILT_IN_TEMPLATES, loadTemplates } from '../../src/render/templates.js';
import { validateSpec } from '../../src/core/spec.js';

const spec = (raw: Record<string, unknown>) => validateSpec(raw, { name: 'demo', description: 'A demo' });
const templateNames = [...(await loadTemplates()).files.keys()];
/** Every system, each with a value for its required options. */
const allSystems = () =>
    INTEGRATIONS.filter((i) => i.kind === 'system').map((i) => ({
        type: i.id,
        ...Object.fromEntries(Object.entries(i.options ?? {}).flatMap(([key, o]) => (o.required ? [[key, 'x']] : []))),
    }));

describe('the registry', () => {
    it('declares every integration once, with flags that do not collide', () => {
        const ids = INTEGRATIONS.map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        const flags = [...SWITCHABLE.map((f) => f.switchFlag!), ...OPTION_FLAGS.map((o) => o.option.flag)];
        expect(new Set(flags).size).toBe(flags.length);
        // The CLI's own flags stay the CLI's.
        const own = [
            'name',
            'description',
            'transport',
            'tool',
            'resource',
            'prompt',
            'with',
            'spec',
            'template',
            'pm',
            'install',
            'git',
            'yes',
            'force',
            'dry-run',
            'json',
        ];
        expect(flags.filter((f) => own.includes(f))).toEqual([]);
    });

    it('points only at templates that exist', () => {
        for (const integration of INTEGRATIONS) {
            for (const file of Object.values(integration.readme ?? {})) {
                // In its own folder, or in the folder it shares with its family (the SQL systems).
                const own = existsSync(join(BUILT_IN_TEMPLATES, 'integrations', integration.id, file));
                const shared = integration.sharedTemplates !== undefined && existsSync(join(BUILT_IN_TEMPLATES, integration.sharedTemplates, file));
                expect(own || shared, `${integration.id}: ${file}`).toBe(true);
            }
        }
        const everything = spec({ systems: allSystems(), examples: true });
        for (const { integration, ctx } of activeIntegrations(everything)) {
            for (const item of itemsOf(integration, ctx)) {
                if ('template' in item && item.template) expect(existsSync(join(BUILT_IN_TEMPLATES, item.template)), item.template).toBe(true);
            }
        }
    });

    it('names environment variables as shells expect them', () => {
        const everything = spec({ systems: allSystems() });
        for (const { integration, ctx } of activeIntegrations(everything)) {
            const env = typeof integration.env === 'function' ? integration.env(ctx) : (integration.env ?? []);
            for (const v of env) expect(v.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
        }
    });
});

describe('activation', () => {
    it('switches on the examples for an empty spec, and the parts by default', () => {
        const on = activeIds(spec({}));
        expect([...on]).toEqual(expect.arrayContaining(['http', 'examples', 'clientConfigs', 'registry', 'docker', 'ci', 'agentsMd']));
        expect(on.has('postgres')).toBe(false);
    });

    it('leaves a default-on part off where its requirement is unmet, and a switched-off part off', () => {
        expect(activeIds(spec({ transports: ['stdio'] })).has('docker')).toBe(false);
        expect(activeIds(spec({ transports: ['stdio'], features: { docker: true } })).has('docker')).toBe(false);
        expect(activeIds(spec({ features: { ci: false } })).has('ci')).toBe(false);
    });

    it('switches on a system listed in the spec, with its options and their defaults', () => {
        const found = activeIntegrations(spec({ systems: [{ type: 'postgres', maxRows: 250 }] })).find((a) => a.integration.id === 'postgres');
        expect(found?.ctx.options).toEqual({ maxRows: 250, maxResultBytes: 1_000_000, statementTimeoutMs: 5000 });
    });

    it('names what an integration needs: a transport, another integration', () => {
        const needy: Integration = {
            id: 'needy',
            kind: 'feature',
            label: 'Needy',
            description: '',
            requires: { transports: ['http'], integrations: ['postgres'] },
        };
        expect(unmetRequirement(needy, ['stdio'], new Set())).toBe('the http transport');
        expect(unmetRequirement(needy, ['http'], new Set())).toBe('PostgreSQL');
        expect(unmetRequirement(needy, ['http'], new Set(['postgres']))).toBeUndefined();
    });
});

describe('typed options', () => {
    const cases: { option: IntegrationOption; good: unknown[]; bad: unknown[] }[] = [
        { option: { type: 'integer', description: 'n', min: 1, max: 10 }, good: [1, 10], bad: [0, 11, 1.5, '3', null] },
        { option: { type: 'string', description: 's' }, good: ['x'], bad: ['', ' ', 3, []] },
        { option: { type: 'path', description: 'p' }, good: ['api.yaml', '/abs/x.json'], bad: ['', 1] },
        { option: { type: 'url', description: 'u' }, good: ['https://example.test/x', 'http://127.0.0.1:3000'], bad: ['ftp://x', 'not a url', 3] },
        { option: { type: 'enum', description: 'e', values: ['a', 'b'] }, good: ['a', 'b'], bad: ['c', '', 1] },
        { option: { type: 'list', description: 'l', values: ['x', 'y'] }, good: [[], ['x', 'y']], bad: [['z'], 'x', [1], ['']] },
        { option: { type: 'list', description: 'l' }, good: [['anything']], bad: [[''], 'x'] },
        { option: { type: 'boolean', description: 'b' }, good: [true, false], bad: ['true', 0] },
    ];
    for (const { option, good, bad } of cases) {
        it(`${option.type}${'values' in option && option.values ? ' with values' : ''}: accepts what it should and names what it expects`, () => {
            for (const value of good) expect(optionProblem(option, value), JSON.stringify(value)).toBeUndefined();
            for (const value of bad) expect(optionProblem(option, value), JSON.stringify(value)).toMatch(/^(expected|unknown value)/);
        });
    }

    it('reads flag and answer text into values of the option type', () => {
        expect(parseOptionText({ type: 'integer', description: '', min: 0, max: 9 }, ' 7 ')).toBe(7);
        expect(parseOptionText({ type: 'integer', description: '', min: 0, max: 9 }, '')).toBeNaN();
        expect(parseOptionText({ type: 'boolean', description: '' }, 'false')).toBe(false);
        expect(parseOptionText({ type: 'list', description: '' }, 'a, b,,c')).toEqual(['a', 'b', 'c']);
        expect(parseOptionText({ type: 'url', description: '' }, ' https://x.test ')).toBe('https://x.test');
    });

    it('fills defaults and shows them as text', () => {
        const options: Record<string, IntegrationOption> = {
            rows: { type: 'integer', description: '', min: 1, max: 9, default: 5 },
            tags: { type: 'list', description: '', default: ['a', 'b'] },
            url: { type: 'url', description: '' },
        };
        expect(optionValues(options, { rows: 7 })).toEqual({ rows: 7, tags: ['a', 'b'] });
        expect(optionDefaultText(options.tags!)).toBe('a,b');
        expect(optionDefaultText(options.url!)).toBe('');
    });
});

describe('spec validation through the registry', () => {
    it('names a bad system option with the rule of its type', () => {
        expect(() => spec({ systems: [{ type: 'postgres', maxRows: 0 }] })).toThrow('systems[0].maxRows: expected a whole number from 1 to 10000, got 0');
        expect(() => spec({ systems: [{ type: 'postgres', rows: 5 }] })).toThrow(
            'systems[0].rows: unknown field; expected type, maxRows, maxResultBytes or statementTimeoutMs',
        );
    });

    it('lists the switchable parts in the features message', () => {
        expect(() => spec({ features: { kubernetes: false } })).toThrow(
            'features.kubernetes: unknown field; expected clientConfigs, registry, docker, ci or agentsMd',
        );
    });

    it('refuses a spec item that takes the name of an item an integration brings', () => {
        expect(() => spec({ systems: ['postgres'], tools: [{ name: 'query', description: 'mine' }] })).toThrow(
            'tools[0].name: tool "query" is already defined at "query" (systems (postgres))',
        );
        expect(() => spec({ examples: true, tools: [{ name: 'add', description: 'mine' }] })).toThrow('tool "add" is already defined at "add" (examples)');
    });
});

describe('the Kubernetes manifests', () => {
    const viewOf = (raw: Record<string, unknown>) => {
        const { views } = plan(spec(raw), templateNames).view;
        return views.kubernetes as { name: string; config: { name: string }[]; optional: { name: string }[]; secrets: { name: string; value: string }[] };
    };

    it('puts every variable flagged secret in the Secret, empty, and none of them in the ConfigMap', () => {
        const view = viewOf({ systems: ['postgres', 'redis', 'telemetry', 'kubernetes'], auth: 'introspection' });
        const secrets = view.secrets.map((v) => v.name);
        expect(secrets).toEqual(
            expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'MCP_AUTH_TOKEN', 'MCP_AUTH_CLIENT_SECRET', 'OTEL_EXPORTER_OTLP_HEADERS']),
        );
        expect(view.secrets.every((v) => v.value === '""')).toBe(true);
        const config = [...view.config, ...view.optional].map((v) => v.name);
        expect(config.filter((name) => secrets.includes(name))).toEqual([]);
        expect(config).toEqual(expect.arrayContaining(['HOST', 'PORT', 'ALLOWED_HOSTS', 'MCP_AUTH', 'SHUTDOWN_TIMEOUT_MS', 'RATE_LIMIT', 'PG_MAX_ROWS']));
    });

    it('names objects as Kubernetes allows, whatever the package is called', () => {
        expect(kubernetesName('orders')).toBe('orders');
        expect(kubernetesName('my_server.v2')).toBe('my-server-v2');
        expect(kubernetesName('1password-mcp')).toBe('password-mcp');
        expect(kubernetesName('x'.repeat(80))).toHaveLength(63);
        expect(kubernetesName('___')).toBe('mcp-server');
        expect(viewOf({ name: '@acme/orders_api', systems: ['kubernetes'] }).name).toBe('orders-api');
    });
});
