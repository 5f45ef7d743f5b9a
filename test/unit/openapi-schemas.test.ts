/**
 * The schemas OpenAPI tools give the SDK: every input and output schema of the documents this
 * repository tests with compiles in the SDK's own validator (so no tool fails on every call), and
 * is valid JSON Schema 2020-12; what the validator would refuse is translated (patterns written for
 * regular expressions without Unicode mode) or left out with a note; output schemas describe the
 * JSON answers of 2xx responses, outlined when large.
 */
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { type JsonObject, documentVersion, loadDocument } from '../../src/integrations/openapi/load.js';
import { type Api, readApi } from '../../src/integrations/openapi/model.js';
import { unicodePattern } from '../../src/integrations/openapi/regex.js';
import { convertSchema, outlineSchema, schemaContext } from '../../src/integrations/openapi/schema.js';
import { type Filters, buildToolTable, wholeInputSchema } from '../../src/integrations/openapi/tools.js';
import { DEFAULT_INPUT_POLICY, type PrepareIo } from '../../src/integrations/types.js';
import { prepareIo } from '../../src/steps/input.js';

const require = createRequire(import.meta.url);
const examples = dirname(require.resolve('@readme/oas-examples/package.json'));
const githubFile = join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');
const figmaFile = join(dirname(require.resolve('@figma/rest-api-spec/package.json')), 'openapi/openapi.yaml');
const io: PrepareIo = prepareIo(dirname(fileURLToPath(import.meta.url)), DEFAULT_INPUT_POLICY, new Set(['document']));
const NO_FILTERS: Filters = { tags: [], include: [], exclude: [], readOnly: false };

async function api(file: string): Promise<Api> {
    const { document } = await loadDocument(file, io);
    return readApi(document, documentVersion(document, file));
}

/**
 * The validator the generated server gives the SDK (the SDK's ajv provider: JSON Schema 2020-12,
 * regular expressions in Unicode mode, ajv-formats), from the SDK's client package of the same
 * version. `getValidator` compiles at once: it throws where a tool would fail on every call.
 */
const sdk = new AjvJsonSchemaValidator();
const accepts = (schema: object, input: unknown) => sdk.getValidator(schema)(input).valid;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
/** The 2020-12 meta-schema check, as strict clients may run it on a tool list. */
const meta = addFormats(new Ajv2020({ strict: false, validateSchema: true }));

/** A 3.0 document with one POST operation whose JSON body is `schema`, answering `response`. */
function oneOperation(schema: JsonObject, response: JsonObject = { type: 'object' }, version = '3.0.3'): Api {
    const document = {
        openapi: version,
        info: { title: 'T', version: '1' },
        paths: {
            '/things': {
                post: {
                    operationId: 'make',
                    requestBody: { content: { 'application/json': { schema } } },
                    responses: { 201: { description: 'made', content: { 'application/json': { schema: response } } } },
                },
            },
        },
    };
    return readApi(document, version.startsWith('3.1') ? '3.1' : '3.0');
}

describe('every schema compiles', () => {
    it('gives the SDK input and output schemas it compiles, for GitHub, Figma and every readme example, each valid JSON Schema', async () => {
        const files = [githubFile, figmaFile];
        for (const version of ['2.0', '3.0', '3.1']) {
            for (const name of await readdir(join(examples, version, 'json'))) if (name.endsWith('.json')) files.push(join(examples, version, 'json', name));
        }
        const failures: string[] = [];
        let schemas = 0;
        for (const file of files) {
            const table = buildToolTable(await api(file), { filters: NO_FILTERS });
            for (const tool of table.tools) {
                for (const [kind, schema] of [
                    // The whole input: the tool's own schema and the shared schemas it reaches.
                    ['input', wholeInputSchema(table, tool)],
                    ['output', tool.outputSchema],
                ] as const) {
                    if (!schema) continue;
                    schemas++;
                    try {
                        sdk.getValidator(schema);
                        if (!meta.validateSchema(schema)) failures.push(`${file} ${tool.name} ${kind}: ${meta.errorsText(meta.errors)}`);
                    } catch (error) {
                        failures.push(`${file} ${tool.name} ${kind}: ${(error as Error).message}`);
                    }
                }
            }
        }
        expect(failures).toEqual([]);
        expect(schemas).toBeGreaterThan(2500);
    }, 180_000);
});

describe('patterns', () => {
    it.each([
        // Identity escapes outside Unicode mode: the character itself.
        ['^arn\\:aws\\:iam\\:\\:\\d{12}$', '^arn:aws:iam::\\d{12}$'],
        ['[\\+0-9\\#\\,]+', '[\\+0-9#,]+'],
        ['^\\"[^\\"]*\\"$', '^"[^"]*"$'],
        ['a\\-b[\\-x]', 'a-b[\\-x]'],
        // Lone braces and brackets are literal; quantifiers stay.
        ['^{id}$', '^\\{id\\}$'],
        ['x{2,3}]', 'x{2,3}\\]'],
        // `-` after a class escape is literal; legacy octal and `\x` without digits.
        ['[\\w-.]+', '[\\w\\-.]+'],
        ['\\101\\x', '\\x41x'],
        // Unicode properties as other dialects name them.
        ['^[A-Za-z \\p{Han}\\p{Hangul}-]*\\:$', '^[A-Za-z \\p{Script=Han}\\p{Script=Hangul}\\-]*:$'],
        ['([\\-\\w]|\\p{IsLetter})*\\#', '([\\-\\w]|\\p{Letter})*#'],
        // Valid in Unicode mode already: unchanged.
        ['^\\p{L}+$', '^\\p{L}+$'],
        ['^[a-z]{3}\\/\\d+$', '^[a-z]{3}\\/\\d+$'],
    ])('%s becomes %s', (source, expected) => {
        expect(unicodePattern(source)).toBe(expected);
        // Same meaning: what the original matches without the flag, the translation matches with it.
        new RegExp(expected, 'u');
    });

    it.each(['^abc\\Z', '\\Aabc', '(?i)abc', '[[:alpha:]]+\\h', 'a++'])('leaves %s out: it has no faithful Unicode-mode form', (source) => {
        expect(unicodePattern(source)).toBeUndefined();
    });

    it('checks translated patterns, and notes the ones left out, so the tool can always be called', () => {
        const tool = buildToolTable(
            oneOperation({
                type: 'object',
                properties: {
                    role: { type: 'string', pattern: '^arn\\:aws\\:iam\\:\\:\\d{12}\\:role/[\\w+=,.@-]+$' },
                    phone: { type: 'string', pattern: '^[\\+0-9\\#\\,]+$', description: 'Phone' },
                    code: { type: 'string', pattern: '^[A-Z]{3}\\Z' },
                    labels: { type: 'object', patternProperties: { '^x\\-': { type: 'string' }, '(?i)^y': { type: 'string' } }, additionalProperties: false },
                },
            }),
            { filters: NO_FILTERS },
        ).tools[0]!;
        const properties = tool.inputSchema.properties as Record<string, { description?: string }>;
        expect(accepts(tool.inputSchema, { role: 'arn:aws:iam::123456789012:role/deploy' })).toBe(true);
        expect(accepts(tool.inputSchema, { role: 'arn-aws-iam::123456789012:role/deploy' })).toBe(false);
        expect(accepts(tool.inputSchema, { phone: '+1#2,3' })).toBe(true);
        expect(accepts(tool.inputSchema, { phone: 'call me' })).toBe(false);
        // Left out, and said: any code is taken rather than none.
        expect(accepts(tool.inputSchema, { code: 'ABC' })).toBe(true);
        expect(properties.code!.description).toBe('Not checked by this server (the validator cannot take it): pattern "^[A-Z]{3}\\\\Z".');
        expect(properties.phone!.description).toBe('Phone');
        // A property pattern that cannot be kept takes additionalProperties: false with it (else its properties would be refused).
        expect(accepts(tool.inputSchema, { labels: { 'x-a': 'ok', yes: 'ok' } })).toBe(true);
        expect(accepts(tool.inputSchema, { labels: { 'x-a': 3 } })).toBe(false);
        expect(properties.labels!.description).toMatch(/patternProperties "\(\?i\)\^y"/);
    });
});

describe('keywords the validator refuses', () => {
    it('keeps what it can read (numbers written as text, "true"), leaves the rest out with a note, and compiles', () => {
        const tool = buildToolTable(
            oneOperation({
                type: 'object',
                properties: {
                    day: { type: 'date' },
                    kind: { type: 'string', enum: [] },
                    count: { type: 'integer', minimum: '5', maximum: 'many' },
                    name: { type: 'string', maxLength: -1, minLength: 1.5 },
                    tags: { type: 'array', items: { type: 'string' }, uniqueItems: 'true' },
                    size: { type: 'number', multipleOf: 0, exclusiveMinimum: true, minimum: 0 },
                    legacy: { type: 'string', required: true },
                },
            }),
            { filters: NO_FILTERS },
        ).tools[0]!;
        expect(() => sdk.getValidator(tool.inputSchema)).not.toThrow();
        expect(meta.validateSchema(tool.inputSchema)).toBe(true);
        const properties = tool.inputSchema.properties as Record<string, Record<string, unknown>>;
        expect(properties.day).toEqual({ description: 'Not checked by this server (the validator cannot take it): type "date".' });
        expect(properties.kind).toMatchObject({ type: 'string', description: expect.stringContaining('enum []') });
        expect(properties.count).toMatchObject({ type: 'integer', minimum: 5, description: expect.stringContaining('maximum "many"') });
        expect(properties.name!.description).toMatch(/maxLength -1, minLength 1.5/);
        expect(properties.tags).toMatchObject({ uniqueItems: true });
        expect(properties.size).toMatchObject({ exclusiveMinimum: 0, description: expect.stringContaining('multipleOf 0') });
        expect(properties.legacy).toEqual({ type: 'string' });
        expect(accepts(tool.inputSchema, { count: 5, tags: ['a', 'b'], size: 0.5 })).toBe(true);
        expect(accepts(tool.inputSchema, { count: 4 })).toBe(false);
        expect(accepts(tool.inputSchema, { tags: ['a', 'a'] })).toBe(false);
    });
});

describe('output schemas', () => {
    it('declare the JSON answer as an optional `result`, write-only properties left out and read-only ones kept', () => {
        const tool = buildToolTable(
            oneOperation(
                { type: 'object', properties: { name: { type: 'string' } } },
                {
                    type: 'object',
                    required: ['id'],
                    properties: { id: { type: 'integer', readOnly: true }, secret: { type: 'string', writeOnly: true }, name: { type: 'string' } },
                },
            ),
            { filters: NO_FILTERS },
        ).tools[0]!;
        expect(tool.outputSchema).toEqual({
            type: 'object',
            description: 'result: the JSON answer, present when it matches the schema the OpenAPI document gives it',
            properties: { result: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
        });
        // Every answer conforms: one that matches the document as `result`, any other without it.
        expect(accepts(tool.outputSchema!, { result: { id: 1 } })).toBe(true);
        expect(accepts(tool.outputSchema!, {})).toBe(true);
        expect(accepts(tool.outputSchema!, { result: { name: 'no id' } })).toBe(false);
    });

    it('take the schemas of every 2xx JSON response (references kept in $defs), and none for a text-only answer', async () => {
        const petstore = buildToolTable(await api(join(examples, '3.0/json/petstore.json')), { filters: NO_FILTERS });
        const getPet = petstore.tools.find((t) => t.name === 'getPetById')!;
        expect(getPet.outputSchema).toMatchObject({ properties: { result: { $ref: '#/$defs/Pet' } }, $defs: { Pet: { type: 'object' } } });
        expect(petstore.tools.find((t) => t.name === 'logoutUser')!.outputSchema).toBeUndefined();
        // Swagger 2.0: a response's schema, when the operation produces JSON.
        const swagger = buildToolTable(await api(join(examples, '2.0/json/petstore.json')), { filters: NO_FILTERS });
        expect(swagger.tools.find((t) => t.name === 'getPetById')!.outputSchema).toMatchObject({ properties: { result: { $ref: '#/$defs/Pet' } } });
        // Two answers: either; a JSON answer without a schema: anything.
        const answers = (responses: JsonObject) =>
            buildToolTable(
                readApi({ openapi: '3.0.3', info: { title: 'T', version: '1' }, paths: { '/x': { get: { operationId: 'x', responses } } } }, '3.0'),
                { filters: NO_FILTERS },
            ).tools[0]!.outputSchema;
        const json = (schema?: JsonObject): JsonObject => ({ description: 'ok', content: { 'application/json': schema ? { schema } : {} } });
        expect(
            answers({ 200: json({ type: 'string' }), 202: json({ type: 'integer' }), 204: { description: 'none' }, 400: json({ type: 'object' }) }),
        ).toMatchObject({
            properties: { result: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
        });
        expect(answers({ 200: json(), '2XX': json({ type: 'string' }) })).toMatchObject({ properties: { result: {} } });
        expect(answers({ 200: { description: 'ok', content: { 'text/csv': { schema: { type: 'string' } } } } })).toBeUndefined();
    });

    it("stay within 4 KB each, outlined when larger (GitHub's largest), accepting all the full schema accepts", async () => {
        const table = buildToolTable(await api(githubFile), { filters: NO_FILTERS });
        const outputs = table.tools.flatMap((t) => (t.outputSchema ? [t.outputSchema] : []));
        expect(outputs.length).toBeGreaterThan(900);
        for (const schema of outputs) expect(JSON.stringify(schema).length).toBeLessThanOrEqual(4096);
        expect(outputs.some((s) => String(s.description).includes('outlined'))).toBe(true);
        const defs: Record<string, JsonObject> = {
            node: { type: 'object', required: ['id'], properties: { id: { type: 'integer', description: 'd' }, child: { $ref: '#/$defs/node' } } },
        };
        const full: JsonObject = { oneOf: [{ $ref: '#/$defs/node' }, { type: 'string', not: { const: 'x' } }], $defs: defs };
        expect(outlineSchema(full, (name) => defs[name], 1)).toEqual({
            anyOf: [{ type: 'object', required: ['id'], properties: { id: { type: 'integer' }, child: {} } }, { type: 'string' }],
        });
        expect(outlineSchema(full, (name) => defs[name], 0)).toEqual({ anyOf: [{ type: 'object', required: ['id'] }, { type: 'string' }] });
    }, 60_000);
});

describe('document names in converted schemas', () => {
    it('keep a property named __proto__ as an own member, in place, and leave the prototype alone', () => {
        // JSON.parse makes `__proto__` a property, as a document read from disk has it.
        const schema = JSON.parse('{"type":"object","properties":{"a":{"type":"integer"},"__proto__":{"type":"string"},"constructor":{"type":"boolean"}}}');
        const document = JSON.parse('{"openapi":"3.0.3"}');
        const converted = convertSchema(schemaContext(document, '3.0'), schema);
        const properties = converted.properties as JsonObject;
        expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
        expect(Object.keys(properties)).toEqual(['a', '__proto__', 'constructor']);
        expect(Object.getOwnPropertyDescriptor(properties, '__proto__')?.value).toEqual({ type: 'string' });
        expect(JSON.stringify(converted)).toBe(
            '{"type":"object","properties":{"a":{"type":"integer"},"__proto__":{"type":"string"},"constructor":{"type":"boolean"}}}',
        );
    });
});
