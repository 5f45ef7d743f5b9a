import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpecText, specToYaml } from '../../src/core/spec-file.js';
import { SpecError, validateSpec } from '../../src/core/spec.js';

const defaults = { name: 'my-server', description: 'A server' };
const contractSpec = readFileSync(new URL('../fixtures/orders.yaml', import.meta.url), 'utf8');

/** The first problem's message for a spec, as the user sees it. */
function problem(raw: unknown): string {
    try {
        validateSpec(raw, defaults, 'spec.yaml');
    } catch (error) {
        if (error instanceof SpecError) return error.message;
        throw error;
    }
    throw new Error('expected the spec to be refused');
}

const tool = (input: Record<string, unknown>) => ({
    tools: [
        { name: 'a', description: 'A' },
        { name: 'b', description: 'B', input },
    ],
});

describe('validateSpec', () => {
    it('accepts the contract example and normalizes it', () => {
        const spec = validateSpec(parseSpecText(contractSpec, 'orders.yaml'), defaults);
        expect(spec.name).toBe('acme-orders');
        expect(spec.transports).toEqual(['stdio', 'http']);
        expect(spec.tools[0]!.input.limit).toEqual({ type: 'integer', description: 'Max rows', default: 20, minimum: 1, maximum: 500, required: false });
        expect(spec.tools[0]!.rateLimit).toBe('30/minute');
        expect(spec.tools[0]!.input.email!.required).toBe(true);
        expect(spec.tools[0]!.input.status!.required).toBe(false);
        expect(spec.resources.map((r) => r.uri)).toEqual(['docs://shipping-policy', 'orders://{id}']);
        expect(spec.prompts[0]!.arguments).toEqual([{ name: 'period', description: 'For example last week', required: true }]);
    });

    it('fills name, description, version and transports from defaults', () => {
        expect(validateSpec({}, defaults)).toMatchObject({ name: 'my-server', description: 'A server', version: '0.1.0', transports: ['stdio', 'http'] });
    });

    it('names the exact field of an unknown parameter type, the file, and what is allowed', () => {
        expect(problem(tool({ when: { type: 'datetimez' } }))).toBe(
            'spec.yaml: tools[1].input.when.type: unknown type "datetimez"; expected string, number, integer, boolean or array',
        );
    });

    it.each([
        [
            { nme: 'x' },
            'nme: unknown field; expected name, description, version, icon, websiteUrl, transports, systems, tools, resources, prompts, examples, registryName, features, template or auth',
        ],
        [
            { registryName: 'weather' },
            'registryName: invalid registry name "weather"; expected reverse-DNS namespace/name, e.g. io.github.your-user/weather (A-Z a-z 0-9 . - before the slash, A-Z a-z 0-9 . _ - after it)',
        ],
        [{ features: { dockr: false } }, 'features.dockr: unknown field; expected clientConfigs, registry, docker, ci or agentsMd'],
        [{ features: { docker: 'no' } }, 'features.docker: expected true or false, got "no"'],
        [{ features: [] }, 'features: expected a mapping, got a list'],
        [{ name: 'Bad Name' }, 'name: invalid package name "Bad Name": must be lower case'],
        [{ version: 'one' }, 'version: invalid version "one"; expected semver like 0.1.0'],
        [{ transports: ['ws'] }, 'transports[0]: unknown transport "ws"; expected stdio or http'],
        [{ transports: [] }, 'transports: must list at least one of stdio or http'],
        [{ systems: ['mongo'] }, 'systems[0]: unknown system "mongo"; expected postgres, mysql, sqlite, filesystem, openapi, redis, telemetry or kubernetes'],
        [{ systems: [{ type: 'postgres', port: 1 }] }, 'systems[0].port: unknown field; expected type, maxRows, maxResultBytes or statementTimeoutMs'],
        [{ systems: [{ type: 'postgres', maxRows: 0 }] }, 'systems[0].maxRows: expected a whole number from 1 to 10000, got 0'],
        [{ tools: {} }, 'tools: expected a list, got a mapping'],
        [{ tools: [{ name: 'has space', description: 'x' }] }, 'tools[0].name: invalid name "has space"; expected 1-128 characters of A-Z a-z 0-9 _ - .'],
        [{ tools: [{ name: 'x' }] }, 'tools[0].description: is required'],
        [
            { tools: [{ name: 'x', description: 'x', inputs: {} }] },
            'tools[0].inputs: unknown field; expected name, title, description, annotations, input, output, scopes, confirm, icon, ui, visibility or rateLimit',
        ],
        [
            { tools: [{ name: 'x', description: 'x', rateLimit: '30 per minute' }] },
            'tools[0].rateLimit: "30 per minute" is not a rate limit; expected a count from 1 to 1000000, a slash and second, minute or hour, such as 30/minute',
        ],
        [
            { tools: [{ name: 'x', description: 'x', rateLimit: '0/minute' }] },
            'tools[0].rateLimit: "0/minute" is not a rate limit; expected a count from 1 to 1000000, a slash and second, minute or hour, such as 30/minute',
        ],
        [
            { tools: [{ name: 'x', description: 'x', rateLimit: '10/day' }] },
            'tools[0].rateLimit: "10/day" is not a rate limit; expected a count from 1 to 1000000, a slash and second, minute or hour, such as 30/minute',
        ],
        [{ tools: [{ name: 'x', description: 'x', rateLimit: 30 }] }, 'tools[0].rateLimit: expected text, got 30'],
        [
            { transports: ['stdio'], tools: [{ name: 'x', description: 'x', rateLimit: '30/minute' }] },
            'tools[0].rateLimit: a rate limit requires the http transport',
        ],
        [{ transports: ['stdio'], systems: ['redis'] }, 'systems[0]: Redis requires the http transport'],
        [{ transports: ['stdio'], systems: ['telemetry'] }, 'systems[0]: OpenTelemetry requires the http transport'],
        [{ systems: ['kubernetes'], features: { docker: false } }, 'systems[0]: Kubernetes requires Dockerfile'],
        [
            { tools: [{ name: 'x', description: 'x', scopes: ['orders read'] }] },
            'tools[0].scopes[0]: "orders read" is not an OAuth scope; expected printable characters without spaces, quotes or backslashes',
        ],
        [{ tools: [{ name: 'x', description: 'x', scopes: 'admin' }] }, 'tools[0].scopes: expected a list, got "admin"'],
        [{ auth: 'oauth' }, 'auth: expected none, token, jwt or introspection, got "oauth"'],
        [
            { tools: [{ name: 'x', description: 'x', annotations: { readOnly: true } }] },
            'tools[0].annotations.readOnly: unknown field; expected readOnlyHint, destructiveHint, idempotentHint or openWorldHint',
        ],
        [tool({ n: { type: 'array' } }), 'tools[1].input.n.items: is required'],
        [tool({ n: { type: 'array', items: 'object' } }), 'tools[1].input.n.items: unknown item type "object"; expected string, number, integer or boolean'],
        [tool({ n: { type: 'string', minimum: 1 } }), 'tools[1].input.n.minimum: applies to number and integer parameters; this one is string'],
        [tool({ n: { type: 'integer', minimum: 5, maximum: 1 } }), 'tools[1].input.n.minimum: is greater than maximum (5 > 1)'],
        [tool({ n: { type: 'integer', default: 1.5 } }), 'tools[1].input.n.default: expected integer, got 1.5'],
        [tool({ n: { type: 'string', enum: ['a'], default: 'b' } }), 'tools[1].input.n.default: "b" is not one of the enum values'],
        [tool({ n: { type: 'number', default: 0, minimum: 1 } }), 'tools[1].input.n.default: 0 is below minimum 1'],
        [tool({ n: { type: 'string', enum: [1] } }), 'tools[1].input.n.enum[0]: expected string, got 1'],
        [tool({ n: { type: 'string', default: 'x', required: true } }), 'tools[1].input.n.required: a parameter with a default cannot be required'],
        [
            tool({ '1st': { type: 'string' } }),
            'tools[1].input."1st": invalid parameter name: must be a letter, _ or $ followed by up to 63 of A-Z a-z 0-9 _ $ - .',
        ],
        [
            tool({ constructor: { type: 'string' } }),
            'tools[1].input.constructor: invalid parameter name: "constructor" is reserved by JavaScript objects; choose another name',
        ],
        [
            { resources: [{ name: 'r', uri: 'no scheme' }] },
            'resources[0].uri: invalid URI "no scheme"; expected scheme:rest without spaces, e.g. docs://policy or orders://{id}',
        ],
        [{ resources: [{ name: 'r', uri: 'x://{a-b}' }] }, 'resources[0].uri: invalid template variable "{a-b}"; expected {name} with letters, digits and _'],
        [{ resources: [{ name: 'r', uri: 'x://{a}/{a}' }] }, 'resources[0].uri: uses a template variable twice'],
        [{ prompts: [{ name: 'p', arguments: [{ name: 'a' }, { name: 'a' }] }] }, 'prompts[0].arguments[1].name: duplicate argument "a"'],
        // The protocol's further features: each bad value is one line naming the field.
        [
            { tools: [{ name: 'x', description: 'x', output: { n: { type: 'date' } } }] },
            'tools[0].output.n.type: unknown type "date"; expected string, number, integer, boolean or array',
        ],
        [
            { tools: [{ name: 'x', description: 'x', output: {} }] },
            'tools[0].output: must list at least one field; leave output out for a tool without structured results',
        ],
        [{ tools: [{ name: 'x', description: 'x', output: ['n'] }] }, 'tools[0].output: expected a mapping of parameter name to schema, got a list'],
        [{ tools: [{ name: 'x', description: 'x', confirm: 'yes' }] }, 'tools[0].confirm: expected true, false or optional, got "yes"'],
        [
            { tools: [{ name: 'x', description: 'x', task: true }] },
            'tools[0].task: not supported yet: the SDK (2.4) serves no tasks (its server side has no task store or tasks/* handlers)',
        ],
        [{ icon: 'http://example.com/a.png' }, 'icon: "http://example.com/a.png": expected an https URL, got http:'],
        [{ icon: 'logo.png' }, 'icon: "logo.png": expected an https URL or, in a spec file, an image file path relative to it'],
        [{ icon: 'data:text/html;base64,PGI+' }, 'icon: "data:text/html;base64,PGI+": a data: URI of type text/html; expected PNG, JPEG, GIF, WebP or SVG'],
        [{ icon: 'data:image/png,raw' }, 'icon: "data:image/png,raw": a data: URI that is not a base64 image (data:image/png;base64,...)'],
        [{ tools: [{ name: 'x', description: 'x', icon: 3 }] }, 'tools[0].icon: expected text, got 3'],
        [{ websiteUrl: 'example.com' }, 'websiteUrl: "example.com" is not a web address; expected https://…'],
        [{ resources: [{ name: 'r', uri: 'x://a', subscribe: 'yes' }] }, 'resources[0].subscribe: expected true or false, got "yes"'],
        [
            { resources: [{ name: 'r', uri: 'x://a', ttl: -1 }] },
            'resources[0].ttl: expected whole seconds from 0 to 86400 (24 hours, the most clients keep a result), got -1',
        ],
        [
            { resources: [{ name: 'r', uri: 'x://a', ttl: 1.5 }] },
            'resources[0].ttl: expected whole seconds from 0 to 86400 (24 hours, the most clients keep a result), got 1.5',
        ],
        [{ resources: [{ name: 'r', uri: 'x://a', cacheScope: 'public' }] }, 'resources[0].cacheScope: applies to a cached resource; give it a ttl too'],
        [
            { resources: [{ name: 'r', uri: 'x://a', ttl: 5, cacheScope: 'shared' }] },
            'resources[0].cacheScope: unknown scope "shared"; expected private or public',
        ],
        [
            { resources: [{ name: 'r', uri: 'x://a', complete: { a: ['1'] } }] },
            'resources[0].complete: applies to a resource template; this URI has no {variable}',
        ],
        [{ resources: [{ name: 'r', uri: 'x://{id}', complete: { ids: ['1'] } }] }, 'resources[0].complete.ids: unknown field; expected id'],
        [{ resources: [{ name: 'r', uri: 'x://{id}', complete: { id: [] } }] }, 'resources[0].complete.id: must list at least one value'],
        [{ prompts: [{ name: 'p', arguments: [{ name: 'a', complete: 'x' }] }] }, 'prompts[0].arguments[0].complete: expected a list, got "x"'],
        [{ prompts: [{ name: 'p', arguments: [{ name: 'a', complete: ['x', 'x'] }] }] }, 'prompts[0].arguments[0].complete: lists a value twice'],
    ])('refuses %j with a message naming the field', (raw, message) => {
        expect(problem(raw)).toBe(`spec.yaml: ${message}`);
    });

    it('refuses names that collide on the wire, as files, or as identifiers', () => {
        const two = (a: string, b: string) => ({
            tools: [
                { name: a, description: 'x' },
                { name: b, description: 'y' },
            ],
        });
        expect(problem(two('x', 'x'))).toBe('spec.yaml: tools[1].name: tool "x" is already defined at "x" (tools[0].name); rename one');
        expect(problem(two('Find', 'find'))).toContain('would share a file name (ignoring case)');
        expect(problem(two('search_orders', 'search-orders'))).toContain('would share the identifier SearchOrders');
    });

    it('refuses a spec item that takes the name of a system item', () => {
        expect(problem({ systems: ['postgres'], tools: [{ name: 'query', description: 'x' }] })).toBe(
            'spec.yaml: tools[0].name: tool "query" is already defined at "query" (systems (postgres)); rename one',
        );
    });

    it('counts every problem, not only the first', () => {
        expect(problem({ tools: [{ name: '', description: '' }], version: 'x' })).toMatch(/\(and 2 more problems\)$/);
    });
});

describe('the protocol features of a spec', () => {
    const everything = {
        name: 'everything',
        icon: 'https://example.com/icon.svg',
        websiteUrl: 'https://example.com',
        tools: [
            {
                name: 'delete_order',
                description: 'Delete',
                confirm: true,
                icon: 'data:image/png;base64,iVBORw0KGgo=',
                input: { id: { type: 'string' } },
                output: { deleted: { type: 'boolean' }, note: { type: 'string', required: false } },
            },
            { name: 'refresh', description: 'Refresh', confirm: 'optional' },
            { name: 'plain', description: 'Plain', confirm: false },
        ],
        resources: [
            { name: 'status', uri: 'status://now', subscribe: true, ttl: 60, cacheScope: 'public' },
            { name: 'order', uri: 'orders://{id}', subscribe: true, complete: { id: ['1001', '1002'] } },
        ],
        prompts: [{ name: 'p', icon: 'https://example.com/p.png', arguments: [{ name: 'style', complete: ['bullet', 'tweet'] }] }],
    };

    it('normalizes them (confirm: false is no confirmation)', () => {
        const spec = validateSpec(everything, defaults);
        expect(spec.icon).toBe('https://example.com/icon.svg');
        expect(spec.websiteUrl).toBe('https://example.com');
        expect(spec.tools.map((t) => t.confirm)).toEqual([true, 'optional', undefined]);
        expect(spec.tools[0]?.output).toEqual({ deleted: { type: 'boolean', required: true }, note: { type: 'string', required: false } });
        expect(spec.resources[0]).toMatchObject({ subscribe: true, ttl: 60, cacheScope: 'public' });
        expect(spec.resources[1]?.complete).toEqual({ id: ['1001', '1002'] });
        expect(spec.prompts[0]?.arguments[0]?.complete).toEqual(['bullet', 'tweet']);
    });

    it('round-trips through mcp-server.yaml', () => {
        const spec = validateSpec(everything, defaults);
        expect(validateSpec(parseSpecText(specToYaml(spec), 'mcp-server.yaml'), defaults)).toEqual(spec);
        expect(specToYaml(spec)).toContain('confirm: optional');
    });
});

describe('spec files', () => {
    it('points at the line and column of a YAML syntax error', () => {
        expect(() => parseSpecText('name: x\ntools: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:3:1: invalid YAML/);
    });

    it('refuses duplicate YAML keys', () => {
        expect(() => parseSpecText('name: a\nname: b\n', 'dup.yaml')).toThrow(/^dup\.yaml:2:1: invalid YAML: Map keys must be unique/);
    });

    it('parses .json files with JSON rules', () => {
        expect(() => parseSpecText('{"name": "x",}', 'spec.json')).toThrow(/^spec\.json: invalid JSON/);
    });

    it('writes a spec that reads back to the same spec', () => {
        const spec = validateSpec(parseSpecText(contractSpec, 'orders.yaml'), defaults);
        const again = validateSpec(parseSpecText(specToYaml(spec), 'mcp-server.yaml'), { name: 'other', description: 'other' });
        expect(again).toEqual(spec);
    });

    it('keeps the registry name and the parts switched off, and leaves the defaults implicit', () => {
        const spec = validateSpec({ registryName: 'io.github.acme/orders', features: { docker: false, agentsMd: false, ci: true } }, defaults);
        expect(spec.features).toEqual({ clientConfigs: true, registry: true, docker: false, ci: true, agentsMd: false });
        const yaml = specToYaml(spec);
        expect(yaml).toContain('registryName: io.github.acme/orders\nfeatures:\n  docker: false\n  agentsMd: false\n');
        expect(validateSpec(parseSpecText(yaml, 'mcp-server.yaml'), defaults)).toEqual(spec);
        expect(specToYaml(validateSpec({}, defaults))).not.toMatch(/features|registryName/);
    });

    it('keeps the authorization mode and the scopes of a tool', () => {
        const spec = validateSpec({ auth: 'jwt', tools: [{ name: 'report', description: 'x', scopes: ['reports:read', 'reports:read', 'admin'] }] }, defaults);
        expect(spec.settings).toEqual({ auth: { mode: 'jwt' } });
        expect(spec.tools[0]!.scopes).toEqual(['reports:read', 'admin']);
        const yaml = specToYaml(spec);
        expect(yaml).toContain('auth: jwt');
        expect(validateSpec(parseSpecText(yaml, 'mcp-server.yaml'), defaults)).toEqual(spec);
    });
});

describe('views (MCP Apps): tools[].ui and tools[].visibility', () => {
    const withTool = (fields: Record<string, unknown>) => ({
        tools: [
            { name: 'a', description: 'A' },
            { name: 'chart', description: 'C', ...fields },
        ],
    });

    it('takes ui: true as a view without options, and false as none', () => {
        expect(validateSpec(withTool({ ui: true }), defaults).tools[1]!.ui).toEqual({});
        expect(validateSpec(withTool({ ui: false }), defaults).tools[1]).not.toHaveProperty('ui');
        expect(validateSpec(withTool({}), defaults).tools[1]).not.toHaveProperty('ui');
    });

    it('keeps the title, the border and the CSP domains of a view', () => {
        const ui = {
            title: 'Sales chart',
            prefersBorder: false,
            csp: {
                connectDomains: ['https://api.example.com', 'wss://live.example.com:8443'],
                resourceDomains: ['https://*.cdn.example.com', 'http://[::1]:3000'],
            },
        };
        expect(validateSpec(withTool({ ui }), defaults).tools[1]!.ui).toEqual(ui);
    });

    it.each([
        [{ ui: 'yes' }, 'tools[1].ui: expected true, false or a mapping of title, prefersBorder and csp, got "yes"'],
        [{ ui: { titel: 'x' } }, 'tools[1].ui.titel: unknown field; expected title, prefersBorder or csp'],
        [{ ui: { title: '' } }, 'tools[1].ui.title: must not be empty'],
        [{ ui: { prefersBorder: 'no' } }, 'tools[1].ui.prefersBorder: expected true or false, got "no"'],
        [{ ui: { csp: { frameDomains: [] } } }, 'tools[1].ui.csp.frameDomains: unknown field; expected connectDomains or resourceDomains'],
        [{ ui: { csp: { connectDomains: 'https://a.example' } } }, 'tools[1].ui.csp.connectDomains: expected a list, got "https://a.example"'],
        [
            { ui: { csp: { connectDomains: ['api.example.com'] } } },
            'tools[1].ui.csp.connectDomains[0]: invalid origin "api.example.com"; expected scheme://host[:port] (http, https, ws or wss), e.g. https://api.example.com or https://*.example.com',
        ],
        [
            { ui: { csp: { resourceDomains: ['https://cdn.example.com/lib.js'] } } },
            'tools[1].ui.csp.resourceDomains[0]: invalid origin "https://cdn.example.com/lib.js"; expected scheme://host[:port] without a path (http, https, ws or wss), e.g. https://api.example.com or https://*.example.com',
        ],
        // Nothing that could end a CSP directive or add a source gets in.
        [{ ui: { csp: { connectDomains: ["https://a.example; script-src 'unsafe-eval'"] } } }, /^tools\[1\]\.ui\.csp\.connectDomains\[0\]: invalid origin/],
        [{ ui: { csp: { connectDomains: ['https://a.example *'] } } }, /^tools\[1\]\.ui\.csp\.connectDomains\[0\]: invalid origin/],
        [{ ui: { csp: { connectDomains: ['javascript://x'] } } }, /^tools\[1\]\.ui\.csp\.connectDomains\[0\]: invalid origin/],
        [{ ui: { csp: { connectDomains: ['https://a.example:70000'] } } }, /^tools\[1\]\.ui\.csp\.connectDomains\[0\]: invalid origin/],
        [{ ui: { csp: { connectDomains: ['https://a.example', 'https://a.example'] } } }, 'tools[1].ui.csp.connectDomains[1]: lists "https://a.example" twice'],
        [{ visibility: [] }, 'tools[1].visibility: must list at least one of model or app'],
        [{ visibility: ['agent'] }, 'tools[1].visibility[0]: unknown visibility "agent"; expected model or app'],
        [{ visibility: ['app', 'app'] }, 'tools[1].visibility[1]: lists "app" twice'],
        [
            { ui: true, visibility: ['app'] },
            'tools[1].visibility: a tool with a view (ui) is called by the model and by its view: list both model and app, or leave visibility out',
        ],
    ])('refuses %j with one line naming the field', (fields, message) => {
        const got = problem(withTool(fields)).replace(/^spec\.yaml: /, '');
        if (typeof message === 'string') expect(got).toBe(message);
        else expect(got).toMatch(message);
    });

    it('writes views back as given: ui: true, or the options; visibility as listed', () => {
        const spec = validateSpec(
            {
                tools: [
                    { name: 'chart', description: 'C', ui: true },
                    {
                        name: 'table',
                        description: 'T',
                        ui: { title: 'Table', csp: { connectDomains: ['https://api.example.com'] } },
                        visibility: ['model', 'app'],
                    },
                    { name: 'refresh', description: 'R', visibility: ['app'] },
                ],
            },
            defaults,
        );
        const yaml = specToYaml(spec);
        expect(yaml).toMatch(/- name: chart\n\s+description: C\n\s+ui: true\n/);
        expect(yaml).toMatch(/ui:\n\s+title: Table\n\s+csp:\n\s+connectDomains:\n\s+- https:\/\/api\.example\.com\n\s+visibility:\n\s+- model\n\s+- app\n/);
        expect(validateSpec(parseSpecText(yaml, 'mcp-server.yaml'), defaults)).toEqual(spec);
    });
});
