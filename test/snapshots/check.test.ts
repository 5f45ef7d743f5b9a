/**
 * Every rendered combination passes the generated project's own `npm run check` (Biome, with the
 * project's biome.json), so a template leftover (a stray blank line, a line the formatter would
 * wrap, an unused import) fails here; so does a warning, which the project's script only prints.
 * Biome comes from this repository's devDependencies, at the version generated projects pin.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { type CliFlags, finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { embedIconFiles } from '../../src/core/icons.js';
import { parseSpecText } from '../../src/core/spec-file.js';
import { versions } from '../../src/shared/versions.js';

const environment = { cwd: '/projects', env: {}, isTTY: false };
const biomePackage = new URL('../../node_modules/@biomejs/biome/', import.meta.url);
const biome = fileURLToPath(new URL('bin/biome', biomePackage));
const root = mkdtempSync(join(tmpdir(), 'cms-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fixture = (name: string) => parseSpecText(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'), name);
const withIcons = (name: string) => embedIconFiles(fixture(name), name, (path) => readFile(new URL(`../fixtures/${path}`, import.meta.url)));
const long = (text: string) => `${text} ${'and more words that make it long '.repeat(6).trim()}`;

/** Long values everywhere a spec value reaches code, and the shapes that make the formatter break lines. */
const wide = {
    name: '@acme/wide-server',
    description: long('A server whose strings are long'),
    tools: [
        {
            name: 'search_everything_with_a_rather_long_name',
            description: long('Searches'),
            confirm: true,
            // An embedded icon near the size limit: one very long line the formatter cannot break.
            icon: `data:image/png;base64,${'A'.repeat(80_000)}`,
            input: {
                query: { type: 'string', description: long('What to look for') },
                mode: { type: 'string', enum: ['first-mode-with-a-long-name', 'second-mode-with-a-long-name', 'third-mode-with-a-long-name', 'fourth'] },
                limit: { type: 'integer', minimum: 1, maximum: 500, default: 20, description: 'Most rows' },
                ratio: { type: 'number', description: long('A ratio') },
                tags: { type: 'array', items: 'string', required: false, description: long('Tags') },
            },
            output: {
                matches: { type: 'array', items: 'string', description: long('What matched') },
                mode: { type: 'string', enum: ['first-mode-with-a-long-name', 'second-mode-with-a-long-name', 'third-mode-with-a-long-name', 'fourth'] },
            },
        },
        { name: 'ping', description: 'No input at all' },
        // Names as long as MCP allows make long function names, registrations and signatures (and view URIs).
        {
            name: `t${'x'.repeat(127)}`,
            description: 'A tool with the longest name there is',
            rateLimit: '1000000/second',
            ui: {
                title: long('A view'),
                csp: { connectDomains: ['https://a-rather-long-host-name.example.com', 'https://*.another-long-host-name.example.org'] },
            },
        },
    ],
    resources: [
        {
            name: 'cell',
            uri: 'sheets://{sheetIdentifier}/{rowIdentifier}/{columnIdentifier}',
            description: long('One cell'),
            subscribe: true,
            ttl: 86_400,
            cacheScope: 'public',
            icon: `https://example.com/${'icons/'.repeat(20)}cell.png`,
            complete: { sheetIdentifier: [long('first sheet'), long('second sheet')], rowIdentifier: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] },
        },
        { name: 'readme', uri: 'docs://readme', description: long('The readme'), mimeType: 'text/markdown' },
        { name: `r${'x'.repeat(100)}`, uri: `docs://${'x'.repeat(100)}` },
    ],
    prompts: [
        { name: 'plain', description: long('No arguments') },
        { name: `p${'x'.repeat(120)}`, description: 'A prompt with a long name', arguments: [{ name: `a${'x'.repeat(63)}`, required: true }] },
        {
            name: 'review',
            description: long('Review'),
            arguments: [
                { name: 'code', description: long('The code'), required: true },
                { name: 'focus', complete: [long('performance'), long('readability'), long('security')] },
            ],
        },
    ],
};

const combinations: [string, unknown, Partial<CliFlags>][] = [
    ['default', {}, {}],
    ['everything', await withIcons('everything.yaml'), {}],
    ['orders', fixture('orders.yaml'), {}],
    ['hostile', fixture('hostile.yaml'), {}],
    ['postgres-options', { systems: [{ type: 'postgres', maxRows: 250, statementTimeoutMs: 2000 }] }, {}],
    ['http-only', { transports: ['http'] }, {}],
    // Token mode adds an HTTP entry that sends the token to the client configurations.
    ['token-auth', { auth: 'token' }, {}],
    ['http-only-token-auth', { transports: ['http'], auth: 'token' }, {}],
    ['stdio-only', { transports: ['stdio'] }, {}],
    ['wide', wide, {}],
    ['mysql', { systems: [{ type: 'mysql' }] }, {}],
    ['sqlite', { systems: [{ type: 'sqlite' }] }, {}],
    ['filesystem', { systems: [{ type: 'filesystem' }] }, {}],
    // Several SQL systems prefix every item name with the system's id.
    [
        'sql-systems',
        { systems: [{ type: 'postgres' }, { type: 'mysql' }, { type: 'sqlite', maxRows: 10000, maxResultBytes: 100000000, statementTimeoutMs: 600000 }] },
        {},
    ],
    // Views (MCP Apps): their pages, scripts, server module and browser test, over each transport.
    ['apps', fixture('apps.yaml'), {}],
    ['apps-http-only', { ...(fixture('apps.yaml') as object), transports: ['http'] }, {}],
    ['apps-stdio-only', { ...(fixture('apps.yaml') as object), transports: ['stdio'] }, {}],
    // Every service a deployment depends on, shared state across instances, telemetry, manifests.
    [
        'production',
        {
            systems: ['postgres', 'mysql', 'sqlite', 'filesystem', 'redis', 'telemetry', 'kubernetes'],
            tools: [{ name: 'report.build', description: 'Build a report', rateLimit: '5/minute' }],
        },
        {},
    ],
    ['production-http-only', { transports: ['http'], systems: ['redis', 'telemetry', 'kubernetes'] }, {}],
];

describe('rendered projects pass their own `npm run check`', () => {
    it('with the Biome version generated projects pin', () => {
        const installed = JSON.parse(readFileSync(new URL('package.json', biomePackage), 'utf8')) as { version: string };
        expect(versions['@biomejs/biome']).toBe(installed.version);
    });

    it.each(combinations)('%s', async (name, data, flags) => {
        const output = await checkRendered(name, data, flags);
        expect(output).toMatch(/Checked \d+ files/);
    });

    it('random specs with hostile strings', async () => {
        const specs = fc.sample(randomSpec, 12);
        for (const [index, spec] of specs.entries()) await checkRendered(`random-${index}`, spec, {});
    }, 120_000);
});

/** Renders a spec into `root/name` and runs the project's check there; fails with Biome's output. */
async function checkRendered(name: string, data: unknown, flags: Partial<CliFlags>): Promise<string> {
    const partial = resolveOptions(name, { install: false, git: false, ...flags }, environment, { file: 'spec.yaml', data });
    const files = await renderProject(finalizeOptions(partial, environment).spec, undefined);
    const dir = join(root, name);
    for (const file of files) {
        mkdirSync(dirname(join(dir, file.path)), { recursive: true });
        writeFileSync(join(dir, file.path), file.contents);
    }
    expect(JSON.parse(files.find((f) => f.path === 'package.json')!.contents).scripts.check).toBe('biome check');
    const run = spawnSync(process.execPath, [biome, 'check', '--error-on-warnings', '--max-diagnostics=50', '.'], { cwd: dir, encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, `${JSON.stringify(data)}\n${output}`).toBe(0);
    return output;
}

const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '`', '${x}', '*/', '{{y}}', '\n', '\\', '😀', 'مرحبا'), maxLength: 80 }),
);
/** Text that says something (completion values may not be blank). */
const someText = text.filter((t) => t.trim() !== '');
// No underscores: `a_b` and `a__b` would make the same identifier, which the spec refuses.
const name = fc.stringMatching(/^[a-z][a-z0-9]{0,40}$/);
const param = fc
    .oneof(
        fc.record({
            type: fc.constant('string'),
            description: text,
            enum: fc.option(fc.uniqueArray(text, { minLength: 1, maxLength: 5 }), { nil: undefined }),
        }),
        fc.record({
            type: fc.constantFrom('number', 'integer'),
            description: text,
            minimum: fc.option(fc.integer({ min: -1000, max: 0 }), { nil: undefined }),
            maximum: fc.option(fc.integer({ min: 1, max: 10 ** 9 }), { nil: undefined }),
        }),
        fc.record({
            type: fc.constantFrom('number', 'integer'),
            enum: fc.uniqueArray(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), { minLength: 1, maxLength: 30 }),
        }),
        fc.record({ type: fc.constant('boolean'), required: fc.boolean() }),
        fc.record({ type: fc.constant('array'), items: fc.constantFrom('string', 'integer', 'number', 'boolean'), required: fc.boolean() }),
    )
    .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
const randomSpec = fc.record({
    description: text.filter((t) => t.trim() !== ''),
    transports: fc.constantFrom(['stdio'], ['http'], ['stdio', 'http']),
    tools: fc.uniqueArray(
        fc.record(
            {
                name,
                description: text.filter((t) => t.trim() !== ''),
                input: fc.dictionary(name, param, { maxKeys: 5 }),
                output: fc.dictionary(name, param, { minKeys: 1, maxKeys: 4 }),
                confirm: fc.constantFrom(true, 'optional', false),
                ui: fc.oneof(fc.constant(false), fc.record({ title: text.filter((t) => t.trim() !== '') })),
            },
            { requiredKeys: ['name', 'description', 'input'] },
        ),
        { minLength: 1, maxLength: 3, selector: (t) => t.name },
    ),
    resources: fc.uniqueArray(
        fc.record(
            {
                name,
                uri: name.map((n) => `res://${n}/{id}`),
                description: text,
                subscribe: fc.boolean(),
                ttl: fc.integer({ min: 0, max: 86_400 }),
                complete: fc.record({ id: fc.uniqueArray(someText, { minLength: 1, maxLength: 4 }) }),
            },
            { requiredKeys: ['name', 'uri', 'description'] },
        ),
        { maxLength: 2, selector: (r) => r.name },
    ),
    prompts: fc.uniqueArray(
        fc.record({
            name,
            description: text,
            arguments: fc.uniqueArray(
                fc.record(
                    { name, description: text, required: fc.boolean(), complete: fc.uniqueArray(someText, { minLength: 1, maxLength: 4 }) },
                    { requiredKeys: ['name', 'description', 'required'] },
                ),
                { maxLength: 3, selector: (a) => a.name },
            ),
        }),
        { maxLength: 2, selector: (p) => p.name },
    ),
});
