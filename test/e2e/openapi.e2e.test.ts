/**
 * `--openapi` end to end: projects generated from real documents (pinned npm packages), built, and
 * spawned over stdio as a client would, call a real mock server that validates every request
 * against the document and checks credentials (Prism, on loopback). Parameters in every location
 * and style, JSON bodies, every kind of credential, and error statuses as tool errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type IncomingHttpHeaders, createServer as createHttpServer } from 'node:http';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/run.js';
import { connectStdio, freePort, generateProject, npmRun } from './harness.js';

const require = createRequire(import.meta.url);
const examples = join(dirname(require.resolve('@readme/oas-examples/package.json')), '3.0/json');
const PRISM = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');

type Result = Awaited<ReturnType<Client['callTool']>>;
const text = (result: Result) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

interface Prism {
    url: string;
    process: ChildProcess;
}

/** Starts `prism mock` on the document and waits until it listens. */
async function startPrism(document: string): Promise<Prism> {
    const port = await freePort();
    const child = spawn(process.execPath, [PRISM, 'mock', '-h', '127.0.0.1', '-p', String(port), document], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Prism did not start:\n${output}`)), 60_000);
        const onData = (chunk: Buffer) => {
            output += chunk;
            if (output.includes('Prism is listening')) {
                clearTimeout(timer);
                resolve();
            }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`Prism exited with ${code}:\n${output}`)));
    });
    return { url: `http://127.0.0.1:${port}`, process: child };
}

/** A built project from the document, its server connected over stdio with `env`. */
async function project(name: string, document: string, args: string[], install: string | undefined, env: (prism: Prism) => Record<string, string>) {
    const dir = await generateProject(name, ['--openapi', document, '--transport', 'stdio', ...args, ...(install ? ['--no-install'] : [])]);
    // The projects share one install: same dependencies.
    if (install) symlinkSync(join(install, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await npmRun(dir, 'build');
    const prism = await startPrism(document);
    const client = await connectStdio(dir, 'auto', env(prism));
    return { dir, prism, client };
}

let installed: string | undefined;
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('parameters in every location and style, against Prism', () => {
    let client: Client;
    let dir: string;

    beforeAll(async () => {
        const made = await project('styles', join(examples, 'parameters-style.json'), ['--openapi-env-prefix', 'httpbin'], undefined, (prism) => ({
            HTTPBIN_BASE_URL: prism.url,
        }));
        ({ client, dir } = made);
        installed = dir;
        cleanups.push(
            () => client.close(),
            () => void made.prism.process.kill(),
        );
    }, 600_000);

    it("passes the project's own check and tests, offline", async () => {
        const check = await npmRun(dir, 'check');
        expect(check).toMatch(/Checked \d+ files/);
        expect(check).not.toMatch(/Found \d+ (errors?|warnings?)/);
        const output = await npmRun(dir, 'test');
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/failed/);
    }, 300_000);

    const values = { primitive: 'five', array: ['three', 'four'], object: { role: 'admin', first: 'Alex' } };
    it.each([
        'query_standard',
        'query_form_nonExploded',
        'query_form_exploded',
        'headers_standard',
        'headers_simple_exploded',
        'cookies_standard',
        'cookies_form_nonExploded',
    ])('%s: Prism accepts the request', async (name) => {
        const tool = (await client.listTools()).tools.find((t) => t.name === name)!;
        const args = Object.fromEntries(Object.keys(tool.inputSchema.properties ?? {}).map((key) => [key, values[key as keyof typeof values]]));
        const result = await client.callTool({ name, arguments: args });
        expect(result.isError, text(result)).toBeFalsy();
    });

    it('deepObject queries reach Prism as it expects them', async () => {
        // Delimited and path arrays are left to the recorder below: Prism 5.14.2 crashes on them.
        const result = await client.callTool({ name: 'query_deepObject_nonExploded', arguments: { object: values.object } });
        expect(result.isError, text(result)).toBeFalsy();
    });

    it('lists the tools with the styles written down and no rename needed', () => {
        expect(readFileSync(join(dir, 'src/openapi/operations.ts'), 'utf8')).toContain('"style":"deepObject"');
        expect(existsSync(join(dir, 'openapi.json'))).toBe(true);
    });
});

describe('every style serialized as OpenAPI specifies, seen by a recording server', () => {
    let client: Client;
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

    beforeAll(async () => {
        const recorder = createHttpServer((req, res) => {
            seen.push({ url: req.url!, headers: req.headers });
            res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
        await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
        cleanups.push(() => new Promise((resolve) => recorder.close(resolve)));
        client = await connectStdio(installed!, 'auto', { HTTPBIN_BASE_URL: `http://127.0.0.1:${(recorder.address() as { port: number }).port}` });
        cleanups.push(() => client.close());
    }, 60_000);

    const args = { primitive: 'five', array: ['three', 'four'], object: { role: 'admin', first: 'Alex' } };
    it.each([
        ['paths_standard', '/anything/path/five/three,four/role,admin,first,Alex'],
        ['paths_simple_exploded', '/anything/path/simple/five/three,four/role=admin,first=Alex'],
        ['paths_label_nonExploded', '/anything/path/label/.five/.three,four/.role,admin,first,Alex'],
        ['paths_label_exploded', '/anything/path/label/.five/.three.four/.role=admin.first=Alex'],
        ['paths_matrix_nonExploded', '/anything/path/matrix/;primitive=five/;array=three,four/;object=role,admin,first,Alex'],
        ['paths_matrix_exploded', '/anything/path/matrix/;primitive=five/;array=three;array=four/;role=admin;first=Alex'],
        ['query_standard', '/anything/query?primitive=five&array=three&array=four&role=admin&first=Alex'],
        ['query_form_nonExploded', '/anything/query/form?primitive=five&array=three,four&object=role,admin,first,Alex'],
        ['query_spaceDelimited_nonExploded', '/anything/query/spaceDelimited?array=three%20four&object=role%20admin%20first%20Alex'],
        ['query_pipeDelimited_nonExploded', '/anything/query/pipeDelimited?array=three|four&object=role|admin|first|Alex'],
        ['query_deepObject_nonExploded', '/anything/query/deepObject?object%5Brole%5D=admin&object%5Bfirst%5D=Alex'],
    ])('%s: %s', async (name, url) => {
        const tool = (await client.listTools()).tools.find((t) => t.name === name)!;
        const given = Object.fromEntries(Object.keys(tool.inputSchema.properties ?? {}).map((key) => [key, args[key as keyof typeof args]]));
        const result = await client.callTool({ name, arguments: given });
        expect(result.isError, text(result)).toBeFalsy();
        expect(seen.at(-1)!.url).toBe(url);
    });

    it('puts header and cookie parameters in headers', async () => {
        await client.callTool({ name: 'headers_simple_nonExploded', arguments: args });
        expect(seen.at(-1)!.headers).toMatchObject({ primitive: 'five', array: 'three,four', object: 'role,admin,first,Alex' });
        await client.callTool({ name: 'headers_simple_exploded', arguments: args });
        expect(seen.at(-1)!.headers.object).toBe('role=admin,first=Alex');
        await client.callTool({ name: 'cookies_form_nonExploded', arguments: args });
        expect(seen.at(-1)!.headers.cookie).toBe('primitive=five; array=three%2Cfour; object=role%2Cadmin%2Cfirst%2CAlex');
    });
});

describe('credentials of every kind, and error statuses, against Prism', () => {
    let client: Client;

    beforeAll(async () => {
        const made = await project('secure', join(examples, 'security.json'), ['--openapi-env-prefix', 'httpbin'], installed, (prism) => ({
            HTTPBIN_BASE_URL: prism.url,
            HTTPBIN_APIKEY_QUERY: 'query-key',
            HTTPBIN_APIKEY_COOKIE: 'cookie-key',
            HTTPBIN_APIKEY_HEADER: 'header-key',
            HTTPBIN_BASIC_USERNAME: 'user',
            HTTPBIN_BASIC_PASSWORD: 'secret',
            HTTPBIN_BEARER_TOKEN: 'a-token',
            HTTPBIN_OAUTH2_CLIENTCREDENTIALS_TOKEN: 'cc-token',
        }));
        client = made.client;
        cleanups.push(
            () => client.close(),
            () => void made.prism.process.kill(),
        );
    }, 600_000);

    it.each([
        'get_anything_apiKey',
        'post_anything_apiKey',
        'put_anything_apiKey',
        'post_anything_basic',
        'post_anything_bearer',
        'put_anything_oauth2',
        'get_anything_optional-auth',
    ])('%s: Prism accepts the credentials', async (name) => {
        const result = await client.callTool({ name, arguments: {} });
        expect(result.isError, text(result)).toBeFalsy();
    });

    it('names the variable to set when a credential is missing, without calling the API', async () => {
        const result = await client.callTool({ name: 'post_anything_openIdConnect', arguments: {} });
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(/needs credentials: set HTTPBIN_OPENIDCONNECT_TOKEN/);
    });

    it('reports an error status as a tool error with the status', async () => {
        const result = await client.callTool({ name: 'post_status_401', arguments: {} });
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(/^HTTP 401 Unauthorized/);
    });
});

// The same API described in Swagger 2.0 (a `body` parameter, a csv array) and in OpenAPI 3.0.
describe.each([
    { version: 'OpenAPI 3.0', name: 'pets30', file: join(examples, 'petstore-expanded.json') },
    { version: 'Swagger 2.0', name: 'pets20', file: join(examples, '../../2.0/json/petstore-expanded.json') },
])('JSON bodies and results ($version), against Prism', ({ name, file }) => {
    let client: Client;
    let generated: string;

    beforeAll(async () => {
        const made = await project(name, file, [], installed, (prism) => ({ PETSTORE_BASE_URL: prism.url }));
        client = made.client;
        generated = made.dir;
        cleanups.push(
            () => client.close(),
            () => void made.prism.process.kill(),
        );
    }, 600_000);

    it('sends a flattened JSON body Prism validates, and returns the JSON answer', async () => {
        const result = await client.callTool({ name: 'addPet', arguments: { name: 'Rex', tag: 'dog' } });
        expect(result.isError, text(result)).toBeFalsy();
        expect(JSON.parse(text(result))).toHaveProperty('id');
    });

    it('refuses invalid input before the API sees it', async () => {
        const result = await client.callTool({ name: 'addPet', arguments: { tag: 'dog' } });
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(/validation/i);
    });

    it('sends path and query parameters (an array among them), and renames what it must', async () => {
        expect(readFileSync(join(generated, 'mcp-server.yaml'), 'utf8')).toMatch(/document: openapi.json/);
        for (const [name, args] of [
            ['findPets', { tags: ['dog', 'cat'], limit: 5 }],
            ['find_pet_by_id', { id: 7 }],
        ] as const) {
            const result = await client.callTool({ name, arguments: args });
            expect(result.isError, `${name}: ${text(result)}`).toBeFalsy();
            expect(text(result)).toMatch(/^[[{]/);
        }
    });

    it('answers 204 with its status line', async () => {
        const result = await client.callTool({ name: 'deletePet', arguments: { id: 7 } });
        expect(result.isError, text(result)).toBeFalsy();
        expect(text(result)).toBe('HTTP 204 No Content');
    });
});

describe('status lines and error statuses, against Prism', () => {
    let client: Client;

    beforeAll(async () => {
        const made = await project(
            'statuses',
            join(examples, 'http-status-codes.json'),
            ['--openapi-include', '/status/204,/status/404,/status/500', '--openapi-env-prefix', 'httpbin'],
            installed,
            (prism) => ({
                HTTPBIN_BASE_URL: prism.url,
            }),
        );
        client = made.client;
        cleanups.push(
            () => client.close(),
            () => void made.prism.process.kill(),
        );
    }, 600_000);

    it('lists only the included operations', async () => {
        expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['get_status_204', 'get_status_404', 'get_status_500']);
    });

    it('answers 204 with its status line', async () => {
        const result = await client.callTool({ name: 'get_status_204', arguments: {} });
        expect(result.isError).toBeFalsy();
        expect(text(result)).toBe('HTTP 204 No Content');
    });

    it.each([
        ['get_status_404', /^HTTP 404 Not Found/],
        ['get_status_500', /^HTTP 500 Internal Server Error/],
    ])('reports %s as a tool error', async (name, pattern) => {
        const result = await client.callTool({ name, arguments: {} });
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(pattern);
    });
});

describe('multipart and binary bodies, and images back, seen by a recording server', () => {
    let client: Client;

    beforeAll(async () => {
        // Answers with what it received: the multipart fields as JSON, a PNG body as a PNG.
        const server = createHttpServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (chunk) => chunks.push(chunk));
            req.on('end', async () => {
                const body = Buffer.concat(chunks);
                if (req.headers['content-type'] === 'image/png') {
                    res.writeHead(200, { 'content-type': 'image/png' }).end(body);
                    return;
                }
                const form = await new Response(body, { headers: { 'content-type': req.headers['content-type']! } }).formData();
                const fields: Record<string, string> = {};
                for (const [name, value] of form)
                    fields[name] = typeof value === 'string' ? value : `${value.name}:${Buffer.from(await value.arrayBuffer()).toString()}`;
                res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fields));
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        cleanups.push(() => new Promise((resolve) => server.close(resolve)));
        const dir = await generateProject('uploads', [
            '--openapi',
            join(examples, 'file-uploads.json'),
            '--openapi-env-prefix',
            'httpbin',
            '--transport',
            'stdio',
            '--no-install',
        ]);
        symlinkSync(join(installed!, 'node_modules'), join(dir, 'node_modules'), 'dir');
        await npmRun(dir, 'build');
        client = await connectStdio(dir, 'auto', { HTTPBIN_BASE_URL: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
        cleanups.push(() => client.close());
    }, 600_000);

    it('sends multipart fields, a base64 file part as the file', async () => {
        const result = await client.callTool({
            name: 'post_anything_multipart-formdata',
            arguments: { orderId: 7, userId: 9, documentFile: Buffer.from('hello file').toString('base64') },
        });
        expect(result.isError, text(result)).toBeFalsy();
        expect(JSON.parse(text(result))).toEqual({ orderId: '7', userId: '9', documentFile: 'documentFile:hello file' });
    });

    it('sends a binary body decoded from base64, and returns an image as image content', async () => {
        const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString('base64');
        const result = await client.callTool({ name: 'post_anything_image-png', arguments: { body: png } });
        expect(result.isError).toBeFalsy();
        expect(result.content).toEqual([{ type: 'image', data: png, mimeType: 'image/png' }]);
    });
});

describe('OAuth2 client credentials and a server URL with variables, against a local API', () => {
    let client: Client;
    const tokenRequests: { authorization?: string; body: string }[] = [];
    const apiRequests: { url: string; authorization?: string; body: string }[] = [];

    beforeAll(async () => {
        // The API and its token endpoint, on one loopback server.
        const server = createHttpServer((req, res) => {
            let body = '';
            req.on('data', (chunk) => (body += chunk));
            req.on('end', () => {
                if (req.url === '/oauth/token') {
                    tokenRequests.push({ authorization: req.headers.authorization, body });
                    res.writeHead(200, { 'content-type': 'application/json' }).end(
                        JSON.stringify({ access_token: `token-${tokenRequests.length}`, expires_in: 3600 }),
                    );
                    return;
                }
                apiRequests.push({ url: req.url!, authorization: req.headers.authorization, body });
                res.writeHead(201, { 'content-type': 'application/json' }).end(body);
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        cleanups.push(() => new Promise((resolve) => server.close(resolve)));
        const port = (server.address() as { port: number }).port;

        // A 3.1 document written here: nobody has seen it before.
        const document = join(tempDir('cms-openapi-'), 'inventory.yaml');
        writeFileSync(
            document,
            [
                'openapi: 3.1.0',
                'info: { title: Inventory, version: 1.0.0 }',
                'servers:',
                "  - url: 'http://127.0.0.1:{port}/{version}'",
                `    variables: { port: { default: '${port}' }, version: { default: v2, enum: [v1, v2] } }`,
                'components:',
                '  securitySchemes:',
                '    machine:',
                '      type: oauth2',
                `      flows: { clientCredentials: { tokenUrl: 'http://127.0.0.1:${port}/oauth/token', scopes: { 'items:write': Write items } } }`,
                'security: [{ machine: [items:write] }]',
                'paths:',
                '  /items/{sku}:',
                '    put:',
                '      operationId: putItem',
                '      parameters: [{ name: sku, in: path, required: true, schema: { type: string, pattern: "^[A-Z]{3}-[0-9]+$" } }]',
                '      requestBody:',
                '        required: true',
                '        content:',
                '          application/json:',
                '            schema:',
                '              type: object',
                '              required: [count]',
                '              properties:',
                '                count: { type: integer, minimum: 0 }',
                '                note: { type: [string, "null"] }',
                "      responses: { '201': { description: stored } }",
            ].join('\n'),
        );
        const dir = await generateProject('inventory', ['--openapi', document, '--transport', 'stdio', '--no-install']);
        symlinkSync(join(installed!, 'node_modules'), join(dir, 'node_modules'), 'dir');
        await npmRun(dir, 'build');
        client = await connectStdio(dir, 'auto', { INVENTORY_MACHINE_CLIENT_ID: 'app', INVENTORY_MACHINE_CLIENT_SECRET: 's3cret' });
        cleanups.push(() => client.close());
    }, 600_000);

    it("fetches a token once with the client's credentials, sends it, and uses the server variables' defaults", async () => {
        for (const count of [3, 4]) {
            const result = await client.callTool({ name: 'putItem', arguments: { sku: 'ABC-1', count, note: null } });
            expect(result.isError, text(result)).toBeFalsy();
        }
        expect(tokenRequests).toEqual([
            { authorization: `Basic ${Buffer.from('app:s3cret').toString('base64')}`, body: 'grant_type=client_credentials&scope=items%3Awrite' },
        ]);
        expect(apiRequests.map((r) => [r.url, r.authorization, r.body])).toEqual([
            ['/v2/items/ABC-1', 'Bearer token-1', '{"count":3,"note":null}'],
            ['/v2/items/ABC-1', 'Bearer token-1', '{"count":4,"note":null}'],
        ]);
    });

    it('refuses input outside the schema (pattern, minimum) before any request', async () => {
        const before = apiRequests.length;
        for (const args of [
            { sku: 'abc', count: 1 },
            { sku: 'ABC-1', count: -1 },
        ]) {
            const result = await client.callTool({ name: 'putItem', arguments: args });
            expect(result.isError).toBe(true);
        }
        expect(apiRequests).toHaveLength(before);
    });
});
