/**
 * The OpenAPI tools against a local HTTP server the test starts (nothing leaves the machine): every
 * operation is listed, calls reach the right method and path with credentials, invalid input never
 * reaches the API, and an error status is a tool error.
 */
import { type IncomingMessage, type Server, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API } from '../src/openapi/api.js';
import { OPERATIONS } from '../src/openapi/operations.js';
import type { JsonSchema, Operation } from '../src/openapi/types.js';
import { type Connection, connectInMemory } from './connect.js';

interface Received {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
}

const received: Received[] = [];
let status = 200;
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
            const value: Record<string, unknown> = {};
            for (const name of (schema.required ?? []) as string[]) {
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

/** Operations with arguments the sampler is sure of, spread over the table (at most 25). */
const callable = OPERATIONS.map((operation) => ({
    operation,
    args: sample(operation.inputSchema, operation.inputSchema) as Record<string, unknown> | undefined,
}))
    .filter((c): c is { operation: Operation; args: Record<string, unknown> } => c.args !== undefined)
    .filter((_, i, all) => all.length <= 25 || i % Math.ceil(all.length / 25) === 0);
/** One call the sampler is sure of, for the tests of answers. */
const sampleCall = callable[0];
const withRequired = OPERATIONS.find((o) => ((o.inputSchema.required as string[] | undefined) ?? []).length > 0);

/** The request path an operation's template allows (any value in place of each parameter). */
function pathPattern(path: string): RegExp {
    const literal = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^/base${literal.join('[^/?]*')}(\\?|$)`);
}

beforeAll(async () => {
    api = createHttpServer((req, res) => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        req.resume();
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 400 ? { ok: true } : { message: 'simulated failure' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    process.env[`${API.prefix}_BASE_URL`] = `http://127.0.0.1:${(api.address() as AddressInfo).port}/base`;
    // Every credential set, so every operation can be called.
    for (const scheme of API.schemes) for (const name of Object.values(scheme.env)) process.env[name] = 'test-credential';
});

afterAll(async () => {
    await new Promise((resolve) => api.close(resolve));
});

describe('OpenAPI tools', () => {
    let connection: Connection;

    beforeAll(async () => {
        connection = await connectInMemory();
    });

    afterAll(async () => {
        await connection.close();
    });

    it('lists one tool per operation, with its input schema', async () => {
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
        process.env[`${API.prefix}_TOOLS`] = names.join(',');
        // The tools are registered when the server module loads: load it again with the variable set.
        vi.resetModules();
        const fresh = (await import('./connect.js')) as typeof import('./connect.js');
        const narrowed = await fresh.connectInMemory();
        try {
            const listed = (await narrowed.client.listTools()).tools.map((t) => t.name);
            expect(listed.filter((name) => OPERATIONS.some((o) => o.name === name)).sort()).toEqual(names.sort());
        } finally {
            delete process.env[`${API.prefix}_TOOLS`];
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
                { type: 'text', text: expect.stringMatching(/^\{"ok"\n\n\[truncated: 5 of 11 characters shown/) },
            ]);
        } finally {
            delete process.env[`${API.prefix}_MAX_RESPONSE_CHARS`];
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
