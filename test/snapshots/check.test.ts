/**
 * Every rendered combination passes the generated project's own `npm run check` (Biome, with the
 * project's biome.json), so a template leftover (a stray blank line, a line the formatter would
 * wrap, an unused import) fails here. Biome comes from this repository's devDependencies, at the
 * version generated projects pin.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/generate.js';
import { type CliFlags, finalizeOptions, resolveOptions } from '../../src/options.js';
import { parseSpecText } from '../../src/spec-file.js';
import { versions } from '../../src/versions.js';

const environment = { cwd: '/projects', env: {}, isTTY: false };
const biomePackage = new URL('../../node_modules/@biomejs/biome/', import.meta.url);
const biome = fileURLToPath(new URL('bin/biome', biomePackage));
const root = mkdtempSync(join(tmpdir(), 'cms-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fixture = (name: string) => parseSpecText(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'), name);
const long = (text: string) => `${text} ${'and more words that make it long '.repeat(6).trim()}`;

/** Long values everywhere a spec value reaches code, and the shapes that make the formatter break lines. */
const wide = {
    name: '@acme/wide-server',
    description: long('A server whose strings are long'),
    tools: [
        {
            name: 'search_everything_with_a_rather_long_name',
            description: long('Searches'),
            input: {
                query: { type: 'string', description: long('What to look for') },
                mode: { type: 'string', enum: ['first-mode-with-a-long-name', 'second-mode-with-a-long-name', 'third-mode-with-a-long-name', 'fourth'] },
                limit: { type: 'integer', minimum: 1, maximum: 500, default: 20, description: 'Most rows' },
                ratio: { type: 'number', description: long('A ratio') },
                tags: { type: 'array', items: 'string', required: false, description: long('Tags') },
            },
        },
        { name: 'ping', description: 'No input at all' },
        // Names as long as MCP allows make long function names, registrations and signatures.
        { name: `t${'x'.repeat(127)}`, description: 'A tool with the longest name there is' },
    ],
    resources: [
        { name: 'cell', uri: 'sheets://{sheetIdentifier}/{rowIdentifier}/{columnIdentifier}', description: long('One cell') },
        { name: 'readme', uri: 'docs://readme', description: long('The readme'), mimeType: 'text/markdown' },
        { name: `r${'x'.repeat(100)}`, uri: `docs://${'x'.repeat(100)}` },
    ],
    prompts: [
        { name: 'plain', description: long('No arguments') },
        { name: `p${'x'.repeat(120)}`, description: 'A prompt with a long name', arguments: [{ name: `a${'x'.repeat(63)}`, required: true }] },
        { name: 'review', description: long('Review'), arguments: [{ name: 'code', description: long('The code'), required: true }, { name: 'focus' }] },
    ],
};

const combinations: [string, unknown, Partial<CliFlags>][] = [
    ['default', {}, {}],
    ['orders', fixture('orders.yaml'), {}],
    ['hostile', fixture('hostile.yaml'), {}],
    ['postgres-options', { systems: [{ type: 'postgres', maxRows: 250, statementTimeoutMs: 2000 }] }, {}],
    ['http-only', { transports: ['http'] }, {}],
    ['stdio-only', { transports: ['stdio'] }, {}],
    ['wide', wide, {}],
];

describe('rendered projects pass their own `npm run check`', () => {
    it('with the Biome version generated projects pin', () => {
        const installed = JSON.parse(readFileSync(new URL('package.json', biomePackage), 'utf8')) as { version: string };
        expect(versions['@biomejs/biome']).toBe(installed.version);
    });

    it.each(combinations)('%s', async (name, data, flags) => {
        const partial = resolveOptions(name, { install: false, git: false, ...flags }, environment, { file: 'spec.yaml', data });
        const files = await renderProject(finalizeOptions(partial, environment).spec, undefined);
        const dir = join(root, name);
        for (const file of files) {
            mkdirSync(dirname(join(dir, file.path)), { recursive: true });
            writeFileSync(join(dir, file.path), file.contents);
        }
        expect(JSON.parse(files.find((f) => f.path === 'package.json')!.contents).scripts.check).toBe('biome check');
        const run = spawnSync(process.execPath, [biome, 'check', '--max-diagnostics=50', '.'], { cwd: dir, encoding: 'utf8' });
        const output = `${run.stdout}${run.stderr}`;
        expect(run.status, output).toBe(0);
        expect(output).toMatch(/Checked \d+ files/);
    });
});
