/**
 * Property test: random specs full of hostile strings and unusual names are rendered, typechecked
 * and compiled together against one shared install, and every string a client sees in
 * tools/list, resources/list, resources/templates/list and prompts/list equals the spec's.
 *
 * The seed is printed; rerun a failure with PROPERTY_SEED=<seed>. PROPERTY_RUNS sets the count.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { PARAM_NAME } from '../../src/shared/names.js';
import { type RawSpec, type Spec, SpecError, validateSpec } from '../../src/core/spec.js';
import { tempDir } from '../cli/run.js';
import { generateProject } from './harness.js';

const exec = promisify(execFile);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);

/** Text that breaks naive generators, mixed with arbitrary valid Unicode. */
const hostileText = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.string({
        unit: fc.constantFrom(
            "'",
            '"',
            '`',
            '${',
            '}',
            '*/',
            '/*',
            '{{',
            '}}',
            '\\',
            '\n',
            '\r\n',
            '\t',
            '\u2028',
            '🚀',
            'שלום',
            'مرحبا',
            ' ',
            'a',
            '<',
            '>',
            '&',
        ),
        minLength: 1,
        maxLength: 12,
    }),
);
/** Non-blank text, for fields that must say something. */
const someText = hostileText.filter((s) => s.trim() !== '');

const mcpName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,24}$/);
const paramName = fc
    .stringMatching(/^[A-Za-z_$][A-Za-z0-9_$.-]{0,12}$/)
    .filter((n) => PARAM_NAME.test(n) && !['__proto__', 'constructor', 'prototype'].includes(n));

const param = fc.oneof(
    fc.record({
        type: fc.constant('string'),
        description: fc.option(hostileText, { nil: undefined }),
        enum: fc.option(fc.uniqueArray(someText, { minLength: 1, maxLength: 3 }), { nil: undefined }),
        required: fc.boolean(),
    }),
    fc.record({
        type: fc.constantFrom('number', 'integer'),
        description: fc.option(hostileText, { nil: undefined }),
        minimum: fc.option(fc.integer({ min: -5, max: 0 }), { nil: undefined }),
        maximum: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    }),
    fc.record({ type: fc.constant('boolean'), default: fc.option(fc.boolean(), { nil: undefined }) }),
    fc.record({ type: fc.constant('array'), items: fc.constantFrom('string', 'number', 'integer', 'boolean'), required: fc.boolean() }),
);

const rawSpec: fc.Arbitrary<RawSpec> = fc
    .record({
        description: someText,
        transports: fc.constantFrom(['stdio'], ['http'], ['stdio', 'http']),
        tools: fc.array(
            fc.record({
                name: mcpName,
                title: fc.option(hostileText, { nil: undefined }),
                description: someText,
                annotations: fc.option(fc.record({ readOnlyHint: fc.boolean() }), { nil: undefined }),
                input: fc.dictionary(paramName, param, { maxKeys: 4 }),
                output: fc.option(fc.dictionary(paramName, param, { minKeys: 1, maxKeys: 3 }), { nil: undefined }),
                confirm: fc.constantFrom(undefined, true, 'optional'),
            }),
            { maxLength: 4 },
        ),
        resources: fc.array(
            fc.record({
                name: mcpName,
                uri: fc
                    .tuple(fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/), fc.stringMatching(/^[A-Za-z0-9_./-]{0,12}$/), fc.boolean())
                    .map(([scheme, path, template]) => `${scheme}://${path}${template ? '{id}' : ''}`),
                description: fc.option(hostileText, { nil: undefined }),
                mimeType: fc.option(someText, { nil: undefined }),
                subscribe: fc.option(fc.boolean(), { nil: undefined }),
                ttl: fc.option(fc.integer({ min: 0, max: 86_400 }), { nil: undefined }),
                // Completions of {id}, kept only for a template URI (below).
                complete: fc.option(fc.uniqueArray(someText, { minLength: 1, maxLength: 3 }), { nil: undefined }),
            }),
            { maxLength: 3 },
        ),
        prompts: fc.array(
            fc.record({
                name: mcpName,
                description: fc.option(hostileText, { nil: undefined }),
                arguments: fc.uniqueArray(
                    fc.record({
                        name: paramName,
                        description: fc.option(hostileText, { nil: undefined }),
                        required: fc.boolean(),
                        complete: fc.option(fc.uniqueArray(someText, { minLength: 1, maxLength: 3 }), { nil: undefined }),
                    }),
                    { selector: (a) => a.name, maxLength: 3 },
                ),
            }),
            { maxLength: 3 },
        ),
    })
    .map((r) => ({
        ...r,
        resources: r.resources.map(({ complete, ...resource }) => ({
            ...resource,
            ...(complete && resource.uri.includes('{id}') && { complete: { id: complete } }),
        })),
    }))
    .map((r) => JSON.parse(JSON.stringify(r)) as RawSpec); // drops the undefined options

/** Random specs: valid ones, and the names of the fields the invalid ones were refused for. */
function sampleSpecs(): { valid: Spec[]; refused: string[] } {
    const valid: Spec[] = [];
    const refused: string[] = [];
    for (const raw of fc.sample(rawSpec, { numRuns: RUNS * 2, seed: SEED })) {
        if (valid.length === RUNS) break;
        try {
            // The built-in examples are covered elsewhere; here every item comes from the random spec.
            valid.push(validateSpec({ ...raw, name: `p${valid.length}`, examples: false }, { name: 'x', description: 'x' }));
        } catch (error) {
            // Random names may clash (as files or identifiers) or defaults may not fit: refused, never crashed.
            expect(error).toBeInstanceOf(SpecError);
            refused.push((error as SpecError).problems[0]!.path);
        }
    }
    return { valid, refused };
}

describe(`${RUNS} random specs (seed ${SEED})`, () => {
    const root = tempDir('cms-prop-');
    let specs: Spec[];

    beforeAll(async () => {
        const sampled = sampleSpecs();
        specs = sampled.valid;
        console.log(
            `property test: seed ${SEED}, ${specs.length} valid specs, ${sampled.refused.length} refused (${[...new Set(sampled.refused.map((p) => p.replace(/\[\d+\]/g, '[]')))].join(', ')})`,
        );
        // One shared install for every project.
        const installed = await generateProject('shared', []);
        symlinkSync(join(installed, 'node_modules'), join(root, 'node_modules'), 'dir');
        writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
        for (const [i, spec] of specs.entries()) {
            for (const file of await renderProject(spec, undefined)) {
                if (!file.path.startsWith('src/')) continue;
                mkdirSync(join(root, `p${i}`, file.path, '..'), { recursive: true });
                writeFileSync(join(root, `p${i}`, file.path), file.contents);
            }
        }
        writeFileSync(
            join(root, 'tsconfig.json'),
            JSON.stringify({
                compilerOptions: {
                    target: 'ES2022',
                    module: 'NodeNext',
                    moduleResolution: 'NodeNext',
                    types: ['node'],
                    strict: true,
                    skipLibCheck: true,
                    outDir: 'dist',
                    rootDir: '.',
                },
                include: ['p*/src'],
            }),
        );
    }, 300_000);

    it('every project typechecks under --strict and compiles', async () => {
        const tsc = join(root, 'node_modules/typescript/bin/tsc');
        await exec(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch(
            (error: { stdout: string }) => {
                throw new Error(`tsc failed (seed ${SEED}):\n${error.stdout.slice(0, 4000)}`);
            },
        );
    }, 300_000);

    it('every string reaches the client unchanged', async () => {
        for (const [i, spec] of specs.entries()) {
            const { createServer } = (await import(pathToFileURL(join(root, 'dist', `p${i}`, 'src/server.js')).href)) as {
                createServer: () => { connect: (t: unknown) => Promise<void>; close: () => Promise<void> };
            };
            const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
            const server = createServer();
            await server.connect(serverTransport);
            const client = new Client({ name: 'property', version: '1.0.0' });
            await client.connect(clientTransport);
            const where = `seed ${SEED}, spec ${i}`;

            // Order is not compared: the SDK lists integer-like names ("0") first, as JavaScript objects do.
            const { tools } = await client.listTools();
            expect(tools.map((t) => t.name).sort(), where).toEqual(spec.tools.map((t) => t.name).sort());
            for (const tool of spec.tools) {
                const listed = tools.find((t) => t.name === tool.name)!;
                expect(listed.description, where).toBe(tool.description);
                if (tool.title !== undefined) expect(listed.title, where).toBe(tool.title);
                const properties = listed.inputSchema.properties as Record<string, { description?: string; enum?: unknown[] }>;
                expect(Object.keys(properties ?? {}), where).toEqual(Object.keys(tool.input));
                for (const [key, p] of Object.entries(tool.input)) {
                    expect(properties[key]!.description, where).toBe(p.description);
                    if (p.enum) expect(properties[key]!.enum, where).toEqual(p.enum);
                }
            }
            const statics = spec.resources.filter((r) => !r.uri.includes('{'));
            const { resources } = await client.listResources();
            for (const r of statics) {
                const listed = resources.find((l) => l.uri === r.uri);
                expect(listed?.description, where).toBe(r.description);
                expect(listed?.mimeType, where).toBe(r.mimeType ?? 'text/plain');
            }
            const { resourceTemplates } = await client.listResourceTemplates();
            for (const r of spec.resources.filter((r) => r.uri.includes('{'))) {
                const listed = resourceTemplates.find((t) => t.uriTemplate === r.uri);
                expect(listed?.description, where).toBe(r.description);
                expect(listed?.mimeType, where).toBe(r.mimeType ?? 'text/plain');
            }
            expect(resourceTemplates, where).toHaveLength(spec.resources.length - statics.length);
            const { prompts } = await client.listPrompts();
            expect(prompts.map((p) => p.name).sort(), where).toEqual(spec.prompts.map((p) => p.name).sort());
            for (const prompt of spec.prompts) {
                const listed = prompts.find((p) => p.name === prompt.name)!;
                expect(listed.description, where).toBe(prompt.description);
                expect(listed.arguments?.map((a) => a.description) ?? [], where).toEqual(prompt.arguments.map((a) => a.description));
            }
            await client.close();
            await server.close();
        }
    }, 300_000);
});
