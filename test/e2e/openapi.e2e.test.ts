/**
 * `--openapi` end to end: projects generated from real documents (pinned npm packages), built, and
 * spawned over stdio as a client would, call a real mock server that validates every request
 * against the document and checks credentials (Prism, on loopback). Parameters in every location
 * and style, JSON bodies, every kind of credential, and error statuses as tool errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
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
        expect(readFileSync(join(dir, 'src/openapi/data/operations.json'), 'utf8')).toContain('"style": "deepObject"');
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
        // `|` percent-encoded, as RFC 3986 wants it in a query (the OpenAPI 3.1.1 table writes %7C).
        ['query_pipeDelimited_nonExploded', '/anything/query/pipeDelimited?array=three%7Cfour&object=role%7Cadmin%7Cfirst%7CAlex'],
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
        // form style: values percent-encoded, the `,` between them as it is.
        expect(seen.at(-1)!.headers.cookie).toBe('primitive=five; array=three,four; object=role,admin,first,Alex');
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

/**
 * A payments API described the way Stripe describes its own (form bodies with deepObject
 * encodings, basic authentication with the key as user name and no password), plus multipart
 * uploads, cookies, a query key and a JSON answer with a schema: one project, checked against
 * Prism (an independent reading of the document) and byte for byte by a recording server.
 */
const PAYMENTS = `openapi: 3.0.3
info: { title: Payments, version: 1.0.0 }
servers: [{ url: 'https://api.payments.example' }]
security: [{ basicAuth: [] }]
components:
  securitySchemes:
    basicAuth: { type: http, scheme: basic }
    queryKey: { type: apiKey, in: query, name: api_key }
  schemas:
    Customer:
      type: object
      required: [id, object]
      properties:
        id: { type: string }
        object: { type: string, enum: [customer] }
        name: { type: string, nullable: true }
paths:
  /v1/customers:
    post:
      operationId: PostCustomers
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              additionalProperties: false
              required: [name]
              properties:
                name: { type: string }
                address: { type: object, properties: { city: { type: string }, line1: { type: string } } }
                metadata: { type: object, additionalProperties: { type: string } }
                items: { type: array, items: { type: object, properties: { price: { type: string }, quantity: { type: integer } } } }
                expand: { type: array, items: { type: string } }
                preferred_locales: { type: array, items: { type: string } }
            encoding:
              address: { style: deepObject, explode: true }
              metadata: { style: deepObject, explode: true }
              items: { style: deepObject, explode: true }
              expand: { style: deepObject, explode: true }
              preferred_locales: { style: form, explode: false }
      responses:
        '200': { description: The customer, content: { application/json: { schema: { $ref: '#/components/schemas/Customer' } } } }
  /v1/customers/{customer}:
    get:
      operationId: GetCustomer
      parameters:
        - { name: customer, in: path, required: true, schema: { type: string, maxLength: 5000 } }
        - { name: expand, in: query, style: deepObject, explode: true, schema: { type: array, items: { type: string } } }
      responses:
        '200': { description: The customer, content: { application/json: { schema: { $ref: '#/components/schemas/Customer' } } } }
  /v1/files:
    post:
      operationId: PostFiles
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [purpose, file]
              properties:
                purpose: { type: string }
                file: { type: string, format: binary }
                file_link_data: { type: object, properties: { create: { type: boolean } } }
                attachments: { type: array, items: { type: string, format: binary } }
                notes: { type: array, items: { type: string } }
            encoding:
              file: { contentType: application/pdf }
      responses: { '200': { description: stored } }
  /v1/search:
    get:
      operationId: Search
      security: [{ queryKey: [] }]
      parameters:
        - { name: q, in: query, allowReserved: true, schema: { type: string } }
        - { name: filter, in: query, content: { application/json: { schema: { type: object, properties: { status: { type: string } } } } } }
        - { name: session, in: cookie, schema: { type: string } }
        - { name: prefs, in: cookie, explode: false, schema: { type: array, items: { type: string } } }
        - { name: flags, in: cookie, schema: { type: array, items: { type: string } } }
      responses: { '200': { description: found } }
`;

/** What a recording server received, byte for byte. */
interface Seen {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

/** A loopback server that records every request and answers with the next answer queued (else a customer). */
async function recorder() {
    const seen: Seen[] = [];
    const answers: ((res: ServerResponse, req: IncomingMessage) => void)[] = [];
    const server = createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
            const answer = answers.shift();
            if (answer) answer(res, req);
            else res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"cus_1","object":"customer","name":null}');
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { seen, answers, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const CREDENTIALS = { PAYMENTS_BASICAUTH_USERNAME: 'sk_test_123', PAYMENTS_QUERYKEY: 'qk_secret' };
/** Stripe's form: the key as user name, an empty password. */
const STRIPE_AUTHORIZATION = `Basic ${Buffer.from('sk_test_123:').toString('base64')}`;
const CUSTOMER = {
    name: 'Jenny Rosen',
    address: { city: 'Paris', line1: '1 Rue de Rivoli' },
    metadata: { order_id: '6735' },
    items: [{ price: 'price_1', quantity: 2 }],
    expand: ['customer', 'invoice.subscription'],
    preferred_locales: ['fr', 'en'],
};

describe('requests as the document says: a Stripe-style API, against Prism and a recording server', () => {
    let dir: string;
    let api: Awaited<ReturnType<typeof recorder>>;
    let elsewhere: Awaited<ReturnType<typeof recorder>>;
    let client: Client;

    beforeAll(async () => {
        const document = join(tempDir('cms-openapi-'), 'payments.yaml');
        writeFileSync(document, PAYMENTS);
        dir = await generateProject('payments', ['--openapi', document, '--transport', 'stdio', '--no-install']);
        symlinkSync(join(installed!, 'node_modules'), join(dir, 'node_modules'), 'dir');
        await npmRun(dir, 'build');
        api = await recorder();
        // Another port: another origin.
        elsewhere = await recorder();
        client = await connectStdio(dir, 'auto', { ...CREDENTIALS, PAYMENTS_BASE_URL: api.url });
        cleanups.push(() => client.close());
    }, 600_000);

    it("passes the project's own check and tests", async () => {
        expect(await npmRun(dir, 'check')).not.toMatch(/Found \d+ (errors?|warnings?)/);
        expect(await npmRun(dir, 'test')).toMatch(/Tests\s+\d+ passed/);
    }, 300_000);

    it('Prism accepts the deepObject form body and the key with an empty password, and the answer comes typed', async () => {
        const prism = await startPrism(join(dir, 'openapi.json'));
        cleanups.push(() => void prism.process.kill());
        const viaPrism = await connectStdio(dir, 'auto', { ...CREDENTIALS, PAYMENTS_BASE_URL: prism.url });
        cleanups.push(() => viaPrism.close());
        // Left to the recording server below, where Prism 5.14 reads differently: it refuses the `,` that joins
        // `form` values without explode (`preferred_locales=fr,en`, as RFC 6570 and the OpenAPI style table
        // write it), and expects arrays of objects in a form as JSON rather than `items[0][price]`.
        const { preferred_locales: _, items: __, ...stripeStyle } = CUSTOMER;
        const created = await viaPrism.callTool({ name: 'PostCustomers', arguments: stripeStyle });
        expect(created.isError, text(created)).toBeFalsy();
        // Prism answers an example of the Customer schema: it matches, so it is the structured result.
        expect(created.structuredContent).toMatchObject({ result: { object: 'customer' } });
        const missing = await connectStdio(dir, 'auto', { PAYMENTS_BASE_URL: prism.url });
        cleanups.push(() => missing.close());
        const refused = await missing.callTool({ name: 'PostCustomers', arguments: CUSTOMER });
        expect(text(refused)).toMatch(/needs credentials: set PAYMENTS_BASICAUTH_USERNAME/);
    }, 120_000);

    it('sends the form body Stripe expects: address[city]=Paris, items[0][price]=…, byte for byte', async () => {
        const result = await client.callTool({ name: 'PostCustomers', arguments: CUSTOMER });
        expect(result.isError, text(result)).toBeFalsy();
        const request = api.seen.at(-1)!;
        expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
        expect(request.headers.authorization).toBe(STRIPE_AUTHORIZATION);
        expect(request.body.toString()).toBe(
            'name=Jenny%20Rosen&address%5Bcity%5D=Paris&address%5Bline1%5D=1%20Rue%20de%20Rivoli&metadata%5Border_id%5D=6735' +
                '&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2&expand%5B0%5D=customer&expand%5B1%5D=invoice.subscription' +
                '&preferred_locales=fr,en',
        );
        expect([...new URLSearchParams(request.body.toString())]).toEqual([
            ['name', 'Jenny Rosen'],
            ['address[city]', 'Paris'],
            ['address[line1]', '1 Rue de Rivoli'],
            ['metadata[order_id]', '6735'],
            ['items[0][price]', 'price_1'],
            ['items[0][quantity]', '2'],
            ['expand[0]', 'customer'],
            ['expand[1]', 'invoice.subscription'],
            ['preferred_locales', 'fr,en'],
        ]);
    });

    it('sends multipart parts with their content types: a JSON part, a PDF, an array of files, repeated text parts', async () => {
        const b64 = (text: string) => Buffer.from(text).toString('base64');
        const result = await client.callTool({
            name: 'PostFiles',
            arguments: {
                purpose: 'dispute_evidence',
                file: b64('%PDF-1.4 é'),
                file_link_data: { create: true },
                attachments: [b64('one'), b64('two')],
                notes: ['a', 'b'],
            },
        });
        expect(result.isError, text(result)).toBeFalsy();
        const request = api.seen.at(-1)!;
        const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(request.headers['content-type']!)![1];
        const part = (head: string, body: string) => `--${boundary}\r\nContent-Disposition: form-data; ${head}\r\n\r\n${body}\r\n`;
        expect(request.body.toString()).toBe(
            part('name="purpose"', 'dispute_evidence') +
                part('name="file"; filename="file"\r\nContent-Type: application/pdf', '%PDF-1.4 é') +
                part('name="file_link_data"\r\nContent-Type: application/json', '{"create":true}') +
                part('name="attachments"; filename="attachments"\r\nContent-Type: application/octet-stream', 'one') +
                part('name="attachments"; filename="attachments"\r\nContent-Type: application/octet-stream', 'two') +
                part('name="notes"', 'a') +
                part('name="notes"', 'b') +
                `--${boundary}--\r\n`,
        );
        // A standard multipart parser reads the same.
        const form = await new Response(request.body, { headers: { 'content-type': request.headers['content-type']! } }).formData();
        expect((form.get('file') as File).type).toBe('application/pdf');
        expect(form.getAll('attachments')).toHaveLength(2);
    });

    it('sends cookies per style, allowReserved and JSON (content) query values, and the query key', async () => {
        const result = await client.callTool({
            name: 'Search',
            arguments: { q: 'a/b:c?d&e=f#g[h] %41%', filter: { status: 'open' }, session: 'abc;def', prefs: ['x', 'y'], flags: ['p', 'q'] },
        });
        expect(result.isError, text(result)).toBeFalsy();
        const request = api.seen.at(-1)!;
        // Reserved characters pass; `& = # [ ]`, space and a lone `%` are still encoded; `%41` is kept.
        // A parameter described by `content` is its JSON text.
        expect(request.url).toBe('/v1/search?q=a/b:c?d%26e%3Df%23g%5Bh%5D%20%41%25&filter=%7B%22status%22%3A%22open%22%7D&api_key=qk_secret');
        expect(request.headers.cookie).toBe('session=abc%3Bdef; prefs=x,y; flags=p; flags=q');
        expect(request.headers.authorization).toBeUndefined();
    });

    it('gives a JSON answer that matches the document as structured content, and one that does not as text only', async () => {
        const customer = (await client.listTools()).tools.find((t) => t.name === 'GetCustomer')!;
        expect(customer.outputSchema).toMatchObject({ type: 'object', properties: { result: { $ref: '#/$defs/Customer' } } });
        const matching = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1', expand: ['subscriptions'] } });
        expect(api.seen.at(-1)!.url).toBe('/v1/customers/cus_1?expand%5B0%5D=subscriptions');
        expect(matching.structuredContent).toEqual({ result: { id: 'cus_1', object: 'customer', name: null } });
        api.answers.push((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":7}'));
        const drifting = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        // The call still succeeds (the client validated structured content and found it conforming).
        expect(drifting.isError).toBeFalsy();
        expect(drifting.structuredContent).toEqual({});
        expect(drifting.content).toEqual([
            { type: 'text', text: '{"id":7}' },
            { type: 'text', text: expect.stringMatching(/^\(The answer does not match the schema the OpenAPI document gives it/) },
        ]);
    });

    it('refuses path values that would change the endpoint, naming the parameter, and encodes slashes', async () => {
        const before = api.seen.length;
        for (const value of ['..', '.', '%2e%2e', '.%2E', '%252e%252e', '../admin', '']) {
            const result = await client.callTool({ name: 'GetCustomer', arguments: { customer: value } });
            expect(result.isError, value).toBe(true);
            expect(text(result)).toMatch(/^GET \/v1\/customers\/\{customer\}: path parameter "customer" cannot/);
        }
        expect(api.seen).toHaveLength(before);
        await client.callTool({ name: 'GetCustomer', arguments: { customer: 'a/b?c#d' } });
        expect(api.seen.at(-1)!.url).toBe('/v1/customers/a%2Fb%3Fc%23d');
    });

    it('follows a redirect to another origin without credentials, and keeps them on the same origin', async () => {
        api.answers.push((res) => res.writeHead(302, { location: `${elsewhere.url}/download?token=signed` }).end());
        const result = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        expect(result.isError, text(result)).toBeFalsy();
        expect(api.seen.at(-1)!.headers.authorization).toBe(STRIPE_AUTHORIZATION);
        expect(elsewhere.seen.at(-1)!.url).toBe('/download?token=signed');
        expect(elsewhere.seen.at(-1)!.headers.authorization).toBeUndefined();

        api.answers.push((res) => res.writeHead(301, { location: '/v1/customers/cus_2' }).end());
        await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        expect(api.seen.at(-1)!.url).toBe('/v1/customers/cus_2');
        expect(api.seen.at(-1)!.headers.authorization).toBe(STRIPE_AUTHORIZATION);

        // A query key the API echoes into the Location is taken out; other parameters stay as they were.
        api.answers.push((res, req) => res.writeHead(307, { location: `${elsewhere.url}/landed${new URL(req.url!, api.url).search}&keep=a%20b` }).end());
        await client.callTool({ name: 'Search', arguments: { q: 'x', session: 's1' } });
        expect(api.seen.at(-1)!.url).toBe('/v1/search?q=x&api_key=qk_secret');
        const landed = elsewhere.seen.at(-1)!;
        expect(landed.url).toBe('/landed?q=x&keep=a%20b');
        expect(landed.headers.cookie).toBeUndefined();
        expect(JSON.stringify(landed)).not.toMatch(/qk_secret|sk_test/);
    });

    it('rewrites methods as browsers do (303 and 302 after POST: GET without a body; 307: the same POST), and stops at 5 hops or a non-HTTP URL', async () => {
        api.answers.push((res) => res.writeHead(303, { location: '/v1/customers/cus_1' }).end());
        await client.callTool({ name: 'PostCustomers', arguments: { name: 'Jenny' } });
        const [posted, got] = api.seen.slice(-2);
        expect([posted!.method, got!.method, got!.body.length, got!.headers['content-type']]).toEqual(['POST', 'GET', 0, undefined]);

        api.answers.push((res) => res.writeHead(307, { location: '/v1/customers?again' }).end());
        await client.callTool({ name: 'PostCustomers', arguments: { name: 'Jenny' } });
        const [first, again] = api.seen.slice(-2);
        expect([again!.method, again!.url, again!.body.toString()]).toEqual(['POST', '/v1/customers?again', first!.body.toString()]);

        const hops = api.seen.length;
        for (let i = 0; i < 6; i++) api.answers.push((res) => res.writeHead(302, { location: `/v1/customers/hop${i}` }).end());
        const looping = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        expect(text(looping)).toMatch(/more than 5 redirects/);
        expect(api.seen.length - hops).toBe(6);

        api.answers.push((res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
        const local = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        expect(local.isError).toBe(true);
        expect(text(local)).toMatch(/redirected to file: URL, which is not followed/);
    });

    it('stops reading a huge answer at the cap (the API sees the connection close), cutting multi-byte characters cleanly', async () => {
        let written = 0;
        const closed = new Promise<void>((resolve) => {
            api.answers.push((res) => {
                res.writeHead(200, { 'content-type': 'application/json' });
                // 4-byte characters (two UTF-16 units each), without end.
                const chunk = Buffer.from('😀'.repeat(16_384));
                const pump = () => {
                    while (!res.destroyed && res.write(chunk)) written += chunk.length;
                };
                res.on('drain', pump);
                res.on('close', resolve);
                pump();
            });
        });
        // Caps of this server: 1001 bytes (250 characters and one byte of the next).
        const capped = await connectStdio(dir, 'auto', { ...CREDENTIALS, PAYMENTS_BASE_URL: api.url, PAYMENTS_MAX_RESPONSE_BYTES: '1001' });
        cleanups.push(() => capped.close());
        const result = await capped.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        await closed;
        expect(result.isError).toBeFalsy();
        expect(text(result)).toBe(`${'😀'.repeat(250)}\n\n[truncated: the first 500 characters shown; narrow the request to see the rest]`);
        expect(result.structuredContent).toEqual({});
        // What the kernel's buffers took before the client hung up, not the answer.
        expect(written).toBeLessThan(64 * 1024 * 1024);
    });

    it('returns an image within the byte cap, and says so instead when it is larger', async () => {
        const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(600)]);
        api.answers.push((res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
        const small = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        expect(small.content).toEqual([{ type: 'image', data: png.toString('base64'), mimeType: 'image/png' }]);
        api.answers.push((res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(2 * 1024 * 1024)));
        const large = await client.callTool({ name: 'GetCustomer', arguments: { customer: 'cus_1' } });
        expect(text(large)).toBe('HTTP 200 OK: a image/png image larger than 1048576 bytes (PAYMENTS_MAX_RESPONSE_BYTES), not returned');
    });
});
