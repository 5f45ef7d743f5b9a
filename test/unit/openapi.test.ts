/**
 * The OpenAPI pipeline on real documents (from pinned npm packages) and a split fixture: loading
 * and bundling, reading the three versions, naming, schema conversion, filtering, and the files
 * and lines the integration adds to a project.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { DEFAULT_INPUT_POLICY, type PrepareIo } from '../../src/integrations/types.js';
import { prepareIo } from '../../src/steps/input.js';
import { type JsonObject, documentVersion, loadDocument } from '../../src/integrations/openapi/load.js';
import { type Api, readApi } from '../../src/integrations/openapi/model.js';
import { MAX_TOOL_NAME, nameOperations, shortHash } from '../../src/integrations/openapi/names.js';
import {
    dataText,
    entriesText,
    LISTED_SCHEMA_CHARS,
    listedTools,
    openApiEnv,
    openApiNotes,
    outlinedTools,
    previousTable,
    requiredCredentials,
    tableFiles,
    toolsMarkdown,
    writtenEntry,
} from '../../src/integrations/openapi/project.js';
import { htmlToMarkdown } from '../../src/integrations/openapi/text.js';
import { buildToolTable, envPrefix, type Filters, keepOperation, wholeInputSchema } from '../../src/integrations/openapi/tools.js';
import { finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { validateSpec } from '../../src/core/spec.js';
import { runWizard } from '../../src/wizard/index.js';
import { ENTER, createScriptedPrompter } from '../support/scripted-prompter.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const examples = dirname(require.resolve('@readme/oas-examples/package.json'));
const githubFile = join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');
const figmaFile = join(dirname(require.resolve('@figma/rest-api-spec/package.json')), 'openapi/openapi.yaml');
const splitFile = resolve(here, '../fixtures/openapi/main.yaml');

/** The CLI's own I/O, the document typed as a flag would be. */
const io: PrepareIo = prepareIo(here, DEFAULT_INPUT_POLICY, new Set(['document']));
const NO_FILTERS: Filters = { tags: [], include: [], exclude: [], readOnly: false };

async function api(file: string): Promise<Api> {
    const { document } = await loadDocument(file, io);
    return readApi(document, documentVersion(document, file));
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
/** ajv for JSON Schema 2020-12 with ajv-formats, checking schemas against the meta-schema (as strict clients may). */
function compiler(): Ajv2020 {
    return addFormats(new Ajv2020({ strict: false, validateSchema: true, allErrors: true }));
}

describe('loading', () => {
    it('bundles a document split over files, with a cycle across them, keeping references', async () => {
        const { document } = await loadDocument(splitFile, io);
        const text = JSON.stringify(document);
        expect(text).not.toMatch(/"\$ref":"[^#]/);
        expect(Object.keys(document['x-bundled'] as object).sort()).toEqual(['owner', 'parameters', 'schemas']);
        const table = buildToolTable(readApi(document, '3.0'), { filters: NO_FILTERS });
        // x-mcp: false leaves getNode out; the id parameter comes from the other file.
        expect(table.tools.map((t) => t.name)).toEqual(['replace_node']);
        const [tool] = table.tools;
        expect(tool!.params).toEqual([{ key: 'id', in: 'path', name: 'id', style: 'simple', explode: false }]);
        // The body is flattened; readOnly `id` of the body left out, so the path parameter keeps its name.
        expect(Object.keys(tool!.inputSchema.properties as object)).toEqual(['id', 'name', 'children', 'owner']);
        const validate = compiler().compile(wholeInputSchema(table, tool!));
        expect(validate({ id: 3, name: null, children: [{ name: 'leaf', children: [] }], owner: { login: 'a', manager: { name: 'b' } } })).toBe(true);
        expect(validate({ id: 3, children: [] })).toBe(false);
        expect(validate({ id: 0, name: 'x' })).toBe(false);
        expect(table.warnings).toEqual(['operation "replace node!" (PUT /nodes/{id}) is the tool replace_node: characters outside A-Z a-z 0-9 _ -']);
    });

    it('reads a document from a URL, its references relative to it, and a relative server against it', async () => {
        const served: Record<string, string> = {
            'https://api.example.com/spec/main.yaml': [
                'openapi: 3.1.0',
                'info: { title: Remote, version: "1" }',
                'servers: [{ url: /v1 }]',
                'paths:',
                '  /things:',
                '    post:',
                '      operationId: addThing',
                '      requestBody: { content: { application/json: { schema: { $ref: "../shared/schemas.yaml#/Thing" } } } }',
                '      responses: { "201": { description: ok } }',
            ].join('\n'),
            'https://api.example.com/shared/schemas.yaml': 'Thing: { type: object, properties: { label: { type: string } } }',
        };
        const web: PrepareIo = {
            ...io,
            readFile: () => Promise.reject(new Error('no files')),
            fetchText: async (url) => served[url] ?? Promise.reject(new Error(`404 ${url}`)),
        };
        const loaded = await loadDocument('https://api.example.com/spec/main.yaml', web);
        const table = buildToolTable(readApi(loaded.document, '3.1'), { filters: NO_FILTERS, documentUrl: loaded.url });
        expect(table.baseUrl).toBe('https://api.example.com/v1');
        expect(Object.keys(table.tools[0]!.inputSchema.properties as object)).toEqual(['label']);
    });

    it('names the flag and the problem for a missing file or a document that is not OpenAPI', async () => {
        await expect(loadDocument(join(here, 'nope.yaml'), io)).rejects.toThrow(/nope\.yaml: no such file$/);
        await expect(loadDocument(resolve(here, '../fixtures/orders.yaml'), io)).rejects.toThrow(
            /no "openapi" or "swagger" field; expected Swagger 2.0 or OpenAPI 3.0 or 3.1/,
        );
    });

    it('reads Swagger 2.0, OpenAPI 3.0 and 3.1 petstores alike', async () => {
        for (const version of ['2.0', '3.0', '3.1']) {
            const read = await api(join(examples, version, 'json/petstore.json'));
            expect(read.version).toBe(version);
            const names = buildToolTable(read, { filters: NO_FILTERS }).tools.map((t) => t.name);
            expect(names).toEqual(expect.arrayContaining(['addPet', 'getPetById', 'deletePet']));
        }
        const swagger = buildToolTable(await api(join(examples, '2.0/json/petstore.json')), { filters: NO_FILTERS });
        expect(swagger.baseUrl).toBe('http://petstore.swagger.io/v2');
        // formData with a file: a multipart body whose file part is base64 text.
        const upload = swagger.tools.find((t) => t.name === 'uploadFile')!;
        expect(upload.body).toMatchObject({ mediaType: 'multipart/form-data', encoding: { file: { binary: true } } });
        expect((upload.inputSchema.properties as Record<string, object>).file).toMatchObject({ type: 'string', contentEncoding: 'base64' });
    });
});

describe('the tools of real documents', () => {
    it("turns every one of GitHub's 1223 operations into a valid, uniquely named tool", async () => {
        const table = buildToolTable(await api(githubFile), { filters: NO_FILTERS });
        expect(table.tools).toHaveLength(1223);
        expect(table.prefix).toBe('GITHUB');
        const names = table.tools.map((t) => t.name);
        expect(new Set(names).size).toBe(1223);
        for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
        // 25 operation ids are longer than 64 characters: cut, with a hash.
        const read = await api(githubFile);
        const renamed = nameOperations(read.operations).flatMap((n) => (n.renamed ? [n.renamed] : []));
        expect(renamed.filter((w) => w.endsWith(`longer than ${MAX_TOOL_NAME} characters`))).toHaveLength(25);
        // The CLI names 20 renames, and counts the rest.
        expect(table.warnings.filter((w) => w.startsWith('operation '))).toHaveLength(Math.min(20, renamed.length));
        if (renamed.length > 20)
            expect(table.warnings).toContain(`OpenAPI: ${renamed.length - 20} more operations are renamed the same ways (the README says how names are made)`);
        // `nullable` without `type` never produces an invalid schema, and no 3.0 keyword survives.
        expect(JSON.stringify(table.tools)).not.toMatch(/"nullable"|"discriminator"|"x-github/);
        // The data files read back entry for entry (a re-run compares against them).
        const files = tableFiles(table);
        const back = previousTable(files.operations, files.schemas, undefined)!;
        expect(Object.keys(back.tools)).toEqual(names);
        for (const tool of table.tools) expect(back.tools[tool.name]).toBe(JSON.stringify(writtenEntry(tool)));
        expect(Object.keys(back.schemas)).toEqual(Object.keys(table.schemas));
    });

    it('converts Figma (3.1) and the circular, security and parameter-style examples into tools', async () => {
        for (const file of [
            figmaFile,
            join(examples, '3.0/json/schema-circular.json'),
            join(examples, '2.0/json/schema-circular.json'),
            join(examples, '3.0/json/circular.json'),
            join(examples, '3.0/json/parameters-style.json'),
            join(examples, '3.1/json/parameters-style.json'),
            join(examples, '3.0/json/file-uploads.json'),
            join(examples, '3.0/json/security.json'),
            join(examples, '3.0/json/schema-types.json'),
        ]) {
            const table = buildToolTable(await api(file), { filters: NO_FILTERS });
            expect(table.tools.length, file).toBeGreaterThan(0);
        }
    });

    it('keeps recursive schemas as references in $defs', async () => {
        const table = buildToolTable(await api(join(examples, '3.0/json/schema-circular.json')), { filters: NO_FILTERS });
        const recursive = table.tools.find((t) => JSON.stringify(wholeInputSchema(table, t).$defs ?? {}).includes('"$ref":"#/$defs/'));
        expect(recursive).toBeDefined();
    });

    it('reads every kind of security scheme, with its environment variables', async () => {
        const table = buildToolTable(await api(join(examples, '3.0/json/security.json')), { filters: NO_FILTERS, prefix: 'sec' });
        const byName = Object.fromEntries(table.schemes.map((s) => [s.name, s]));
        expect(byName.apiKey_cookie).toMatchObject({ type: 'apiKey', in: 'cookie', param: 'api_key', env: { value: 'SEC_APIKEY_COOKIE' } });
        expect(byName.apiKey_header).toMatchObject({ type: 'apiKey', in: 'header', param: 'X-API-KEY' });
        expect(byName.apiKey_query).toMatchObject({ type: 'apiKey', in: 'query', param: 'apiKey' });
        expect(byName.basic).toMatchObject({ type: 'basic', env: { username: 'SEC_BASIC_USERNAME', password: 'SEC_BASIC_PASSWORD' } });
        expect(byName.bearer).toMatchObject({ type: 'bearer', env: { token: 'SEC_BEARER_TOKEN' } });
        expect(table.schemes.some((s) => s.type === 'oauth2')).toBe(true);
    });

    it('keeps the styles of parameters and disambiguates a name used in two places', async () => {
        const table = buildToolTable(await api(join(examples, '3.0/json/parameters-style.json')), { filters: NO_FILTERS });
        const styles = new Set(table.tools.flatMap((t) => t.params.map((p) => `${p.in}:${p.style}:${p.explode}`)));
        expect([...styles]).toEqual(
            expect.arrayContaining([
                'path:label:false',
                'path:matrix:true',
                'query:deepObject:true',
                'query:pipeDelimited:false',
                'query:spaceDelimited:false',
            ]),
        );
        const read = await api(join(examples, '3.0/json/petstore.json'));
        const op = { ...read.operations.find((o) => o.operationId === 'getPetById')! };
        op.parameters = [...op.parameters, { ...op.parameters[0]!, in: 'query', required: false }];
        const tool = buildToolTable({ ...read, operations: [op] }, { filters: NO_FILTERS }).tools[0]!;
        expect(tool.params.map((p) => p.key)).toEqual(['path_petId', 'query_petId']);
    });
});

describe('inputs', () => {
    it('puts a body whose property names collide with a parameter under `body`, and keeps nullable and read-only rules', () => {
        const document = {
            openapi: '3.0.3',
            info: { title: 'Collide', version: '1' },
            paths: {
                '/users/{id}': {
                    patch: {
                        operationId: 'patchUser',
                        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
                        requestBody: {
                            required: true,
                            content: {
                                'application/json': {
                                    schema: {
                                        type: 'object',
                                        properties: {
                                            id: { type: 'integer' },
                                            nick: { type: 'string', nullable: true },
                                            created: { type: 'string', readOnly: true },
                                        },
                                    },
                                },
                            },
                        },
                        responses: { 200: { description: 'ok' } },
                    },
                },
            },
        };
        const tool = buildToolTable(readApi(document, '3.0'), { filters: NO_FILTERS }).tools[0]!;
        expect(Object.keys(tool.inputSchema.properties as object)).toEqual(['id', 'body']);
        expect(tool.inputSchema.required).toEqual(['id', 'body']);
        expect(tool.body).toEqual({ mediaType: 'application/json', key: 'body' });
        expect((tool.inputSchema.properties as Record<string, unknown>).body).toMatchObject({
            type: 'object',
            properties: { id: { type: 'integer' }, nick: { type: ['string', 'null'] } },
        });
        expect(JSON.stringify(tool.inputSchema)).not.toContain('created');
        expect(tool.annotations).toEqual({ openWorldHint: true });
        expect(tool.description).toBe('PATCH /users/{id}');
    });
});

describe('request encoding', () => {
    const document: JsonObject = {
        openapi: '3.0.3',
        info: { title: 'Payments', version: '1' },
        paths: {
            '/v1/customers': {
                post: {
                    operationId: 'PostCustomers',
                    requestBody: {
                        content: {
                            'application/x-www-form-urlencoded': {
                                schema: {
                                    type: 'object',
                                    additionalProperties: false,
                                    properties: {
                                        name: { type: 'string' },
                                        address: { type: 'object', properties: { city: { type: 'string' } } },
                                        expand: { type: 'array', items: { type: 'string' } },
                                        tags: { type: 'array', items: { type: 'string' } },
                                    },
                                },
                                encoding: {
                                    address: { style: 'deepObject', explode: true },
                                    expand: { style: 'deepObject', explode: true },
                                    tags: { $ref: '#/components/x-encodings/csv' },
                                },
                            },
                        },
                    },
                    responses: { 200: { description: 'ok' } },
                },
            },
            '/v1/files': {
                post: {
                    operationId: 'upload',
                    parameters: [
                        { name: 'q', in: 'query', allowReserved: true, schema: { type: 'string' } },
                        { name: 'filter', in: 'query', content: { 'application/json': { schema: { type: 'object' } } } },
                    ],
                    requestBody: {
                        content: {
                            'multipart/form-data': {
                                schema: {
                                    type: 'object',
                                    properties: {
                                        meta: { type: 'object' },
                                        avatar: { type: 'string', format: 'binary' },
                                        scans: { type: 'array', items: { type: 'string', format: 'binary' } },
                                        note: { type: 'string' },
                                    },
                                },
                                encoding: { meta: { contentType: 'application/json' }, avatar: { contentType: 'image/png, image/jpeg' } },
                            },
                        },
                    },
                    responses: { 200: { description: 'ok' } },
                },
            },
        },
        components: { 'x-encodings': { csv: { style: 'form', explode: false } } },
    };

    it('records how each form property is serialized (deepObject, form without explode), allowReserved and JSON (content) queries', () => {
        const [customers, upload] = buildToolTable(readApi(document, '3.0'), { filters: NO_FILTERS }).tools;
        expect(customers!.body).toEqual({
            mediaType: 'application/x-www-form-urlencoded',
            fields: { name: 'name', address: 'address', expand: 'expand', tags: 'tags' },
            encoding: {
                address: { style: 'deepObject', explode: true },
                expand: { style: 'deepObject', explode: true },
                tags: { style: 'form', explode: false },
            },
        });
        expect(upload!.params).toEqual([
            { key: 'q', in: 'query', name: 'q', style: 'form', explode: true, allowReserved: true },
            { key: 'filter', in: 'query', name: 'filter', style: 'form', explode: true, contentType: 'application/json' },
        ]);
    });

    it('marks multipart files (and arrays of files) as base64 input, with the content types the document gives its parts', () => {
        const upload = buildToolTable(readApi(document, '3.0'), { filters: NO_FILTERS }).tools[1]!;
        expect(upload.body!.encoding).toEqual({
            meta: { contentType: 'application/json' },
            avatar: { contentType: 'image/png', binary: true },
            scans: { binary: true },
        });
        const properties = upload.inputSchema.properties as Record<string, object>;
        expect(properties.scans).toEqual({ type: 'array', items: { type: 'string', contentEncoding: 'base64' }, description: '(files, base64-encoded)' });
        expect(properties.avatar).toEqual({ type: 'string', contentEncoding: 'base64', description: '(a file, base64-encoded)' });
    });

    it('reads a 3.1 part with a binary content type and no type as a file, and Swagger 2.0 collectionFormat as the encoding', async () => {
        const multi: JsonObject = {
            ...document,
            openapi: '3.1.0',
            paths: {
                '/v1/files': {
                    post: {
                        operationId: 'upload',
                        requestBody: {
                            content: {
                                'multipart/form-data': {
                                    schema: {
                                        type: 'object',
                                        properties: {
                                            photo: {},
                                            scan: { contentMediaType: 'application/pdf' },
                                            text: { type: 'string', contentEncoding: 'base64' },
                                        },
                                    },
                                    encoding: { photo: { contentType: 'image/*' } },
                                },
                            },
                        },
                        responses: { 200: { description: 'ok' } },
                    },
                },
            },
        };
        const tool = buildToolTable(readApi(multi, '3.1'), { filters: NO_FILTERS }).tools[0]!;
        // Base64 text the document asks for is sent as it is: not a file.
        expect(tool.body!.encoding).toEqual({ photo: { contentType: 'image/*', binary: true }, scan: { binary: true } });
        const swagger: JsonObject = {
            swagger: '2.0',
            info: { title: 'S', version: '1' },
            paths: {
                '/x': {
                    post: {
                        operationId: 'x',
                        consumes: ['application/x-www-form-urlencoded'],
                        parameters: [
                            { name: 'ids', in: 'formData', type: 'array', items: { type: 'string' }, collectionFormat: 'multi' },
                            { name: 'names', in: 'formData', type: 'array', items: { type: 'string' } },
                        ],
                        responses: { 200: { description: 'ok' } },
                    },
                },
            },
        };
        expect(buildToolTable(readApi(swagger, '2.0'), { filters: NO_FILTERS }).tools[0]!.body!.encoding).toEqual({
            ids: { style: 'form', explode: true },
            names: { style: 'form', explode: false },
        });
    });
});

describe('names', () => {
    it('cuts long names to 64 characters with a stable hash, and resolves collisions the same way', () => {
        const long = 'x'.repeat(80);
        const [a, b, c] = nameOperations([
            { operationId: long, method: 'get', path: '/a' },
            { operationId: 'same', method: 'get', path: '/b' },
            { operationId: 'same', method: 'post', path: '/b' },
        ]);
        expect(a!.name).toHaveLength(64);
        expect(a!.name.endsWith(`_${shortHash('GET /a')}`)).toBe(true);
        expect(b!.name).toBe('same');
        expect(c!.name).toBe(`same_${shortHash('POST /b')}`);
        expect(c!.renamed).toMatch(/already taken/);
        // The same input gives the same names.
        expect(nameOperations([{ operationId: long, method: 'get', path: '/a' }])[0]!.name).toBe(a!.name);
    });

    it('names an operation without an id after its method and path, avoiding the project own tools', () => {
        const [n] = nameOperations([{ method: 'get', path: '/pets/{petId}/photos' }], ['get_pets_petId_photos']);
        expect(n!.name).toMatch(/^get_pets_petId_photos_[0-9a-f]{6}$/);
    });

    it('derives the environment prefix from the title', () => {
        expect(envPrefix("GitHub's official OpenAPI spec")).toBe('GITHUB');
        expect(envPrefix('Swagger Petstore')).toBe('PETSTORE');
        expect(envPrefix('3D printing API')).toBe('API_3D_PRINTING');
        expect(envPrefix('whatever', 'my-api')).toBe('MY_API');
    });
});

describe('filters', () => {
    it('select by tag, glob, read-only and x-mcp', async () => {
        const read = await api(join(examples, '3.0/json/petstore.json'));
        const names = (filters: Partial<Filters>) => read.operations.filter((o) => keepOperation(o, { ...NO_FILTERS, ...filters })).map((o) => o.operationId);
        expect(names({ tags: ['store'] })).toEqual(['getInventory', 'placeOrder', 'getOrderById', 'deleteOrder']);
        expect(names({ include: ['*Order*'] })).toEqual(['placeOrder', 'getOrderById', 'deleteOrder']);
        expect(names({ include: ['/user/*'], exclude: ['logout*', '*createWith*'] })).toEqual(['loginUser', 'getUserByName', 'updateUser', 'deleteUser']);
        expect(names({ readOnly: true, tags: ['pet'] })).toEqual(['findPetsByStatus', 'findPetsByTags', 'getPetById']);
        expect(keepOperation({ ...read.operations[0]!, hidden: true }, NO_FILTERS)).toBe(false);
    });
});

describe('the project', () => {
    it('says above 40 tools how many there are, the client limits and the filter flags; and what appears, changes or goes', async () => {
        const table = buildToolTable(await api(join(examples, '3.0/json/petstore.json')), { filters: NO_FILTERS });
        const files = tableFiles({ ...table, tools: table.tools.slice(1).map((t, i) => (i === 0 ? { ...t, title: 'old' } : t)) });
        const previous = previousTable(files.operations, files.schemas, undefined)!;
        const notes = openApiNotes({ ...table, tools: table.tools.slice(0, -1) }, { ...previous, tools: { ...previous.tools, gone_tool: '{}' } });
        expect(notes).toEqual([
            `OpenAPI: 1 tool appear: ${table.tools[0]!.name}`,
            `OpenAPI: 1 tool change: ${table.tools[1]!.name}`,
            `OpenAPI: 2 tools go: ${table.tools[table.tools.length - 1]!.name}, gone_tool`,
        ]);
        const many = openApiNotes({ ...table, tools: Array.from({ length: 41 }, () => table.tools[0]!) }, undefined);
        expect(many.at(-1)).toMatch(
            /41 tools.*Cursor 40, Windsurf 100, VS Code 128.*--openapi-tags, --openapi-include, --openapi-exclude or --openapi-read-only.*PETSTORE_TOOLS/,
        );
    });

    it('copies the document, records the copy in mcp-server.yaml and lists every tool for the generated tests', async () => {
        const spec = validateSpec(
            { name: 'pets', systems: [{ type: 'openapi', document: 'petstore.json', tags: ['store'] }] },
            { name: 'pets', description: 'd' },
        );
        const notes: string[] = [];
        const files = await renderProject(spec, undefined, join(examples, '3.0/json'), { note: (line) => notes.push(line) });
        const byPath = new Map(files.map((f) => [f.path, f.contents]));
        expect(JSON.parse(byPath.get('openapi.json')!).info.title).toBe('Swagger Petstore');
        expect(byPath.get('mcp-server.yaml')).toMatch(/- type: openapi\n\s+document: openapi.json\n\s+tags:\n\s+- store\n/);
        expect(byPath.get('src/server.ts')).toContain("import { registerOpenApiTools } from './openapi/tools.js';");
        expect(byPath.get('test/server.test.ts')).toContain("['getInventory', 'placeOrder', 'getOrderById', 'deleteOrder']");
        expect(byPath.get('.env.example')).toContain('PETSTORE_API_KEY=');
        expect(notes).toEqual(['OpenAPI: 4 of 20 operations kept by the filters']);
    });
});

describe('the wizard', () => {
    it('asks for the document, shows its operations and tags, then offers the filters', async () => {
        const environment = { cwd: join(examples, '3.0/json'), env: {}, isTTY: true };
        const partial = resolveOptions('pets', { install: false, git: false }, environment, undefined);
        const prompter = createScriptedPrompter(
            [
                ['name', ENTER],
                ['description', ENTER],
                ['transports', ENTER],
                ['systems', ['openapi']],
                ['system.openapi.document', 'missing.json'],
                ['system.openapi.document', 'petstore.json'],
                ['system.openapi.tags', 'store'],
            ],
            { thenEnter: true },
        );
        const options = finalizeOptions(await runWizard(partial, environment, prompter), environment);
        expect(prompter.rejected).toEqual([{ id: 'system.openapi.document', answer: 'missing.json', reason: 'missing.json: no such file' }]);
        expect(prompter.notes).toContain('Swagger Petstore: 20 operations; tags: pet (8), store (4), user (8)');
        expect(prompter.asked.map((q) => q.id)).toEqual(
            expect.arrayContaining(['system.openapi.include', 'system.openapi.exclude', 'system.openapi.readOnly']),
        );
        expect(options.spec.systems).toEqual([{ type: 'openapi', options: { document: 'petstore.json', tags: ['store'] } }]);
        // The summary counts and names the document's tools the filters keep.
        expect(prompter.notes.at(-1)).toMatch(
            /Tools \(4\) +getInventory \(openapi\), placeOrder \(openapi\), getOrderById \(openapi\), deleteOrder \(openapi\)\n/,
        );
    });
});

describe('a table for any size', () => {
    it('converts a schema many operations reach once, into the shared schemas the tools refer to', async () => {
        const table = buildToolTable(await api(githubFile), { filters: NO_FILTERS });
        const text = JSON.stringify(table.tools.map((t) => t.inputSchema));
        expect(text).not.toContain('"$defs"');
        const referenced = new Set([...text.matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)].map((m) => m[1]));
        for (const name of referenced) expect(table.schemas[name!], name).toBeDefined();
        // Written as data, one property per line, and read back entry for entry.
        const files = tableFiles(table);
        expect(files.schemas.split('\n').length).toBeGreaterThan(Object.keys(table.schemas).length);
        expect(JSON.parse(files.operations)[table.tools[0]!.name]).toEqual(JSON.parse(JSON.stringify(writtenEntry(table.tools[0]!))));
    });

    it('marks the tools whose whole input schema is larger than a listing takes', () => {
        const big = {
            type: 'object',
            properties: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(60) }])),
        };
        const document = {
            openapi: '3.0.3',
            info: { title: 'T', version: '1' },
            paths: {
                '/small': {
                    post: { operationId: 'small', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Small' } } } } },
                },
                '/big': {
                    post: {
                        operationId: 'big',
                        requestBody: {
                            content: { 'application/json': { schema: { type: 'object', properties: { a: { $ref: '#/components/schemas/Big' } } } } },
                        },
                    },
                },
            },
            components: { schemas: { Small: { type: 'object', properties: { a: { type: 'string' } } }, Big: big } },
        };
        const table = buildToolTable(readApi(document, '3.0'), { filters: NO_FILTERS });
        expect([...outlinedTools(table)]).toEqual(['big']);
        expect(JSON.stringify(wholeInputSchema(table, table.tools[1]!)).length).toBeGreaterThan(LISTED_SCHEMA_CHARS);
        expect(listedTools(table)).toEqual(['small', 'big', 'describe_operation']);
        expect(listedTools({ ...table, mode: 'search' })).toEqual(['search_operations', 'describe_operation', 'call_operation']);
        expect(JSON.parse(tableFiles(table).api).operations).toEqual([
            { name: 'small', method: 'POST', path: '/small', title: 'small', tags: [] },
            { name: 'big', method: 'POST', path: '/big', title: 'big', tags: [], outlined: true },
        ]);
    });
});

describe('what the project tells its user', () => {
    it('marks required only the credentials every operation needs, in every alternative', async () => {
        const table = buildToolTable(await api(join(examples, '3.0/json/security.json')), { filters: NO_FILTERS, prefix: 'sec' });
        expect([...requiredCredentials(table)]).toEqual([]);
        const only = (scheme: string) => ({ ...table, tools: table.tools.map((t) => ({ ...t, security: [[scheme]] })) });
        const schemes = table.schemes;
        const byType = (type: string) => schemes.find((s) => s.type === type)!;
        expect([...requiredCredentials(only(byType('apiKey').name))]).toEqual([byType('apiKey').env.value]);
        // Basic: the password may be empty (Stripe's API key as the user name).
        expect([...requiredCredentials(only(byType('basic').name))]).toEqual([byType('basic').env.username]);
        // One operation open to anyone leaves every credential optional.
        const open = only(byType('apiKey').name);
        expect([...requiredCredentials({ ...open, tools: [...open.tools, { ...open.tools[0]!, security: [] }] })]).toEqual([]);
        const env = openApiEnv(only(byType('apiKey').name));
        expect(env.find((v) => v.name === byType('apiKey').env.value)?.required).toBe(true);
        expect(env.find((v) => v.name === 'SEC_TOOL_MODE')).toMatchObject({ default: 'operations', required: false });
    });

    it('lists every operation in TOOLS.md, with its method, path and summary', async () => {
        const table = buildToolTable(await api(githubFile), { filters: NO_FILTERS });
        const tools = toolsMarkdown(table);
        expect(tools.split('\n').filter((line) => line.startsWith('- `'))).toHaveLength(1223);
        expect(tools).toContain('- `meta_root` (GET /): GitHub API Root');
    });

    it('turns descriptions written in HTML into Markdown, and leaves plain text as it is', () => {
        expect(
            htmlToMarkdown('<p>Lists the <code>repos</code> of <a href="https://example.com/u">a user</a>.</p><ul><li>one</li><li>two &amp; three</li></ul>'),
        ).toBe('Lists the `repos` of [a user](https://example.com/u).\n\n- one\n- two & three');
        expect(htmlToMarkdown('<b>Bold</b><br/>next<script>alert(1)</script> <a href="javascript:x">link</a>')).toBe('**Bold**\nnextalert(1) link');
        expect(htmlToMarkdown('a < b and List<T> stay')).toBe('a < b and List<T> stay');
        // Linear on what no tag closes.
        expect(htmlToMarkdown(`<p>${'<a '.repeat(50_000)}`).length).toBeGreaterThan(0);
    });
});

describe('generated data', () => {
    it('is JSON laid out as the formatter lays it out, numbers included', () => {
        const value = { n: 1.8508440362185578e25, small: 5e-7, list: [1e21, 'a 1e+25 string'], 'key": 1e+5': 2e30 };
        const text = dataText(value);
        expect(JSON.parse(text)).toEqual(value);
        expect(text).toBe(
            '{\n  "n": 1.8508440362185578e25,\n  "small": 5e-7,\n  "list": [\n    1e21,\n    "a 1e+25 string"\n  ],\n  "key\\": 1e+5": 2e30\n}\n',
        );
    });
});

describe('large generated data', () => {
    it('is laid out as the formatter wants while it reads the file, and one entry per line past its 1 MiB', () => {
        const small = { a: { x: 1 }, b: { y: [1, 2] } };
        expect(entriesText(small)).toBe(dataText(small));
        const large = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`op${i}`, { name: `op${i}`, description: 'x'.repeat(400) }]));
        const text = entriesText(large);
        expect(text.split('\n')).toHaveLength(3000 + 3);
        expect(text.split('\n')[1]).toBe(`  "op0": ${JSON.stringify(large.op0)},`);
        expect(JSON.parse(text)).toEqual(large);
    });
});
