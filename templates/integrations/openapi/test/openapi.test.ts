/**
 * The OpenAPI tools against local HTTP servers the test starts (nothing leaves the machine): every
 * operation is listed, calls reach the right method and path with credentials, invalid input and
 * path values that would change the endpoint never reach the API, a redirect to another origin
 * carries no credential, a long answer is cut without being downloaded, and an error status is a
 * tool error.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API } from '../src/openapi/api.js';
import { inputSchema, operation } from '../src/openapi/store.js';
import type { JsonSchema, Operation } from '../src/openapi/types.js';
import type { Connection } from './connect.js';

interface Received {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
}

const received: Received[] = [];
let status = 200;
/** How the API answers the next requests, when not with a small JSON body. */
let answer: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
let api: Server;

/** A value the schema accepts, or undefined when this simple sampler cannot be sure of one. */
function sample(schema: JsonSchema, root: JsonSchema, depth = 0): unknown {
    if (depth > 8) return undefined;
    if (typeof schema.$ref === 'string') {
        const name = schema.$ref.replace('#/$defs/', '');
        const target = (root.$defs as Record<string, JsonSchema> | undefined)?.[name];
        return target ? sample(target, root, depth + 1) : undefined;
    }
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return schema.enum[0];
    if (Array.isArray(schema.examples) && schema.examples.length > 0 && schema.type === undefined) return undefined;
    for (const key of ['anyOf', 'oneOf', 'allOf', 'not', 'if', 'patternProperties', 'pattern', 'prefixItems'] as const)
        if (key in schema) return undefined;
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    switch (type) {
        case 'string': {
            if (schema.contentEncoding === 'base64') return 'aGVsbG8=';
            const formats: Record<string, string> = {
                date: '2024-01-02',
                'date-time': '2024-01-02T03:04:05Z',
                email: 'someone@example.com',
                uri: 'https://example.com/x',
                url: 'https://example.com/x',
                uuid: '123e4567-e89b-12d3-a456-426614174000',
                ipv4: '127.0.0.1',
            };
            if (
                typeof schema.format === 'string' &&
                !(schema.format in formats) &&
                !['int32', 'int64', 'password', 'byte'].includes(schema.format)
            )
                return undefined;
            const text = formats[schema.format as string] ?? 'sample';
            return typeof schema.minLength === 'number' && text.length < schema.minLength ? text.padEnd(schema.minLength, 'x') : text;
        }
        case 'integer':
        case 'number':
            return typeof schema.minimum === 'number'
                ? Math.ceil(schema.minimum)
                : typeof schema.exclusiveMinimum === 'number'
                  ? Math.floor(schema.exclusiveMinimum) + 1
                  : 1;
        case 'boolean':
            return true;
        case 'array': {
            if (!schema.items) return [];
            const item = sample(schema.items as JsonSchema, root, depth + 1);
            return item === undefined ? undefined : Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => item);
        }
        case 'object':
        case undefined: {
            if (type === undefined && !schema.properties) return undefined;
            const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
            // The input's required properties; a nested object also gets one property, never empty.
            const names = (schema.required ?? []) as string[];
            const first = Object.keys(properties)[0];
            if (depth > 0 && names.length === 0 && first !== undefined) names.push(first);
            const value: Record<string, unknown> = {};
            for (const name of names) {
                const property = properties[name];
                const v = property ? sample(property, root, depth + 1) : undefined;
                if (v === undefined) return undefined;
                value[name] = v;
            }
            return value;
        }
        default:
            return undefined;
    }
}

/** Every operation, read from the generated data (at most 500, spread over the table, for a very large API). */
const OPERATIONS = API.operations
    .filter((_, i, all) => all.length <= 500 || i % Math.ceil(all.length / 500) === 0)
    .map((op) => operation(op.name));

/** Operations with arguments the sampler is sure of, spread over the table (at most 25). */
const callable = OPERATIONS.map((operation) => {
    const schema = inputSchema(operation);
    return { operation, args: sample(schema, schema) as Record<string, unknown> | undefined };
})
    .filter((c): c is { operation: Operation; args: Record<string, unknown> } => c.args !== undefined)
    .filter((_, i, all) => all.length <= 25 || i % Math.ceil(all.length / 25) === 0);
/** One call the sampler is sure of, for the tests of answers. */
const sampleCall = callable[0];
const withRequired = OPERATIONS.find((o) => ((o.inputSchema.required as string[] | undefined) ?? []).length > 0);
/** A call with a plain text path parameter (any string allowed), for values that would change the endpoint. */
const withPathText = callable.find(({ operation }) =>
    operation.params.some((p) => {
        const schema = (operation.inputSchema.properties as Record<string, JsonSchema>)[p.key];
        return (
            p.in === 'path' &&
            p.style === 'simple' &&
            schema?.type === 'string' &&
            !['pattern', 'enum', 'format', 'minLength'].some((k) => k in schema)
        );
    }),
);
/** A call that sends credentials, for redirects to another origin. */
const withCredentials = callable.find(({ operation }) => operation.security.some((alternative) => alternative.length > 0));
/** A call whose answer has a body (not HEAD). */
const withBody = callable.find(({ operation }) => operation.method !== 'HEAD');
/** Every credential is set to this (user names and passwords too): a request carries it as it is or base64-encoded. */
const CREDENTIAL = 'test-credential';
const carriesCredential = (request: Received) =>
    [CREDENTIAL, Buffer.from(`${CREDENTIAL}:${CREDENTIAL}`).toString('base64')].some((text) => JSON.stringify(request).includes(text));

/** The request path an operation's template allows (any value in place of each parameter). */
function pathPattern(path: string): RegExp {
    const literal = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^/base${literal.join('[^/?]*')}(\\?|$)`);
}

beforeAll(async () => {
    api = createHttpServer((req, res) => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        req.resume();
        if (answer) {
            answer(req, res);
            return;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 400 ? { ok: true } : { message: 'simulated failure' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    process.env[`${API.prefix}_BASE_URL`] = `http://127.0.0.1:${(api.address() as AddressInfo).port}/base`;
    // Every credential set, so every operation can be called.
    for (const scheme of API.schemes) for (const name of Object.values(scheme.env)) process.env[name] = CREDENTIAL;
});

afterAll(async () => {
    await new Promise((resolve) => api.close(resolve));
});

const MODE = `${API.prefix}_TOOL_MODE`;

/** A server loaded with these variables set (it registers its tools when its module loads), connected in memory. */
async function connectWith(env: Record<string, string>): Promise<Connection> {
    Object.assign(process.env, env);
    vi.resetModules();
    try {
        const fresh = (await import('./connect.js')) as typeof import('./connect.js');
        return await fresh.connectInMemory();
    } finally {
        for (const name of Object.keys(env)) delete process.env[name];
    }
}

describe('OpenAPI tools, one per operation', () => {
    let connection: Connection;

    beforeAll(async () => {
        connection = await connectWith({ [MODE]: 'operations' });
    });

    afterAll(async () => {
        await connection.close();
    });

    it('lists one tool per operation, with its input schema', async () => {
        // The client walks every page of tools/list.
        const { tools } = await connection.client.listTools();
        for (const operation of OPERATIONS) {
            const tool = tools.find((t) => t.name === operation.name);
            expect(tool?.name, operation.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
            expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(
                Object.keys((operation.inputSchema.properties ?? {}) as object),
            );
        }
    });

    it(`exposes only the tools ${API.prefix}_TOOLS names`, async () => {
        const names = [...new Set(OPERATIONS.slice(0, 2).map((o) => o.name))];
        const narrowed = await connectWith({ [MODE]: 'operations', [`${API.prefix}_TOOLS`]: names.join(',') });
        try {
            const listed = (await narrowed.client.listTools()).tools.map((t) => t.name);
            expect(listed.filter((name) => OPERATIONS.some((o) => o.name === name)).sort()).toEqual(names.sort());
        } finally {
            await narrowed.close();
        }
    });

    it.runIf(callable.length > 0).each(callable)('calls $operation.name with the right method and path', async ({ operation, args }) => {
        const before = received.length;
        const result = await connection.client.callTool({ name: operation.name, arguments: args });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        expect(received).toHaveLength(before + 1);
        const request = received.at(-1);
        expect(request?.method).toBe(operation.method);
        expect(request?.url).toMatch(pathPattern(operation.path));
    });

    it.runIf(withRequired !== undefined)('refuses input its schema does not allow, without calling the API', async () => {
        const before = received.length;
        const result = await connection.client.callTool({ name: withRequired?.name ?? '', arguments: {} });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toMatch(/validation/i);
        expect(received).toHaveLength(before);
    });

    it.runIf(sampleCall !== undefined)(`cuts an answer longer than ${API.prefix}_MAX_RESPONSE_CHARS, saying so`, async () => {
        if (!sampleCall) return;
        const { operation, args } = sampleCall;
        process.env[`${API.prefix}_MAX_RESPONSE_CHARS`] = '5';
        try {
            const result = await connection.client.callTool({ name: operation.name, arguments: args });
            expect(result.content).toEqual([
                { type: 'text', text: expect.stringMatching(/^\{"ok"\n\n\[truncated: the first 5 characters shown/) },
            ]);
        } finally {
            delete process.env[`${API.prefix}_MAX_RESPONSE_CHARS`];
        }
    });

    it.runIf(withBody !== undefined)('stops reading an endless answer at the cap, and closes the connection', async () => {
        if (!withBody) return;
        const { operation, args } = withBody;
        // The API writes until the client hangs up.
        let closed!: () => void;
        const hungUp = new Promise<void>((resolve) => {
            closed = resolve;
        });
        answer = (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            const chunk = 'é'.repeat(8192);
            const pump = () => {
                while (!res.destroyed && res.write(chunk));
            };
            res.on('drain', pump);
            res.on('close', closed);
            pump();
        };
        process.env[`${API.prefix}_MAX_RESPONSE_CHARS`] = '1000';
        try {
            const result = await connection.client.callTool({ name: operation.name, arguments: args });
            const text = (result.content as { text: string }[])[0]?.text ?? '';
            expect(text.startsWith('é'.repeat(1000))).toBe(true);
            expect(text).toContain('[truncated: the first 1000 characters shown');
            await hungUp;
        } finally {
            answer = undefined;
            delete process.env[`${API.prefix}_MAX_RESPONSE_CHARS`];
        }
    });

    it.runIf(withPathText !== undefined)('refuses a path value that would change the endpoint, naming the parameter', async () => {
        if (!withPathText) return;
        const { operation, args } = withPathText;
        const param = operation.params.find((p) => p.in === 'path' && p.style === 'simple');
        if (!param) return;
        const before = received.length;
        // As they are, percent-encoded (servers that decode once or twice), or empty.
        for (const value of ['..', '.', '%2e%2E', '.%2E', '../x', '']) {
            const result = await connection.client.callTool({ name: operation.name, arguments: { ...args, [param.key]: value } });
            expect(result.isError, value).toBe(true);
            expect(JSON.stringify(result.content)).toContain(`path parameter \\"${param.name}\\"`);
        }
        expect(received.length).toBe(before);
    });

    it.runIf(withCredentials !== undefined)('follows a redirect to another origin without the credentials', async () => {
        if (!withCredentials) return;
        const { operation, args } = withCredentials;
        const elsewhere: Received[] = [];
        const other = createHttpServer((req, res) => {
            elsewhere.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
            res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
        await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
        // Another port is another origin; the query string goes along, as many servers redirect.
        const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/landed`;
        answer = (req, res) => res.writeHead(302, { location: `${target}${new URL(req.url ?? '/', 'http://x').search}` }).end();
        try {
            const result = await connection.client.callTool({ name: operation.name, arguments: args });
            expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
            const first = received.at(-1);
            expect(first && carriesCredential(first)).toBe(true);
            const [landed] = elsewhere;
            expect(elsewhere).toHaveLength(1);
            expect(landed?.url).toMatch(/^\/landed/);
            expect(landed && carriesCredential(landed)).toBe(false);
        } finally {
            answer = undefined;
            await new Promise((resolve) => other.close(resolve));
        }
    });

    it.runIf(sampleCall !== undefined)('reports an error status as a tool error with the status and the body', async () => {
        if (!sampleCall) return;
        const { operation, args } = sampleCall;
        status = 503;
        try {
            const result = await connection.client.callTool({ name: operation.name, arguments: args });
            expect(result.isError).toBe(true);
            expect(JSON.stringify(result.content)).toContain('503');
            expect(JSON.stringify(result.content)).toContain('simulated failure');
        } finally {
            status = 200;
        }
    });
});

describe(`search mode (${MODE}=search)`, () => {
    let connection: Connection;

    beforeAll(async () => {
        connection = await connectWith({ [MODE]: 'search' });
    });

    afterAll(async () => {
        await connection.close();
    });

    it('lists three tools that search, describe and call the operations', async () => {
        const listed = (await connection.client.listTools()).tools.map((t) => t.name);
        expect(listed).toEqual(expect.arrayContaining(['search_operations', 'describe_operation', 'call_operation']));
        expect(listed.filter((name) => OPERATIONS.some((o) => o.name === name))).toEqual([]);
    });

    const target = OPERATIONS[0];
    it.runIf(target !== undefined)('finds an operation by its name and method, and describes its whole input', async () => {
        if (!target) return;
        const found = await connection.client.callTool({
            name: 'search_operations',
            arguments: { query: target.name, method: target.method, limit: 100 },
        });
        expect(JSON.stringify(found.content)).toContain(`${target.name}: ${target.method}`);
        const described = await connection.client.callTool({ name: 'describe_operation', arguments: { name: target.name } });
        expect(described.isError).toBeFalsy();
        const text = (described.content as { text: string }[])[0]?.text ?? '';
        expect(JSON.parse(text.slice(text.indexOf('Input (JSON Schema):\n') + 'Input (JSON Schema):\n'.length))).toEqual(
            inputSchema(target),
        );
    });

    it.runIf(target !== undefined)('finds operations by path, * standing for any characters, and answers any pattern at once', async () => {
        if (!target) return;
        const search = async (path: string) =>
            JSON.stringify((await connection.client.callTool({ name: 'search_operations', arguments: { path, limit: 100 } })).content);
        // The path with every other character a star still finds the operation.
        const starred = [...target.path].map((c, i) => (i % 2 === 0 ? c : '*')).join('');
        expect(await search(starred)).toContain(`${target.name}: ${target.method}`);
        expect(await search(`${target.path}*/no-such-segment`)).toContain('No operation matches');
        // Stars a backtracking matcher would try in every combination (hours for a regular expression).
        expect(await search(`${'*'.repeat(100)}no-such-segment`)).toContain('No operation matches');
    });

    it.runIf(sampleCall !== undefined)('calls an operation with call_operation', async () => {
        if (!sampleCall) return;
        const before = received.length;
        const result = await connection.client.callTool({
            name: 'call_operation',
            arguments: { name: sampleCall.operation.name, arguments: sampleCall.args },
        });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        expect(received).toHaveLength(before + 1);
        expect(received.at(-1)?.method).toBe(sampleCall.operation.method);
    });

    it.runIf(withRequired !== undefined)('refuses arguments the operation does not allow, without calling the API', async () => {
        const before = received.length;
        const result = await connection.client.callTool({
            name: 'call_operation',
            arguments: { name: withRequired?.name ?? '', arguments: {} },
        });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toMatch(/Invalid arguments/);
        expect(received).toHaveLength(before);
    });
});
