/** Reading --template sources, ordering versions, and reading npm tarballs. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UsageError } from '../../src/shared/errors.js';
import { compareVersions, openTemplate, parseTemplateSource } from '../../src/steps/template-source.js';
import { readTarGz } from '../../src/steps/tar.js';
import { specToDocument, validateSpec } from '../../src/core/spec.js';

describe('parseTemplateSource', () => {
    it.each([
        ['git+file:///srv/t.git#v2', { kind: 'git', url: 'file:///srv/t.git', ref: 'v2' }],
        ['git+https://git.acme.dev/p/t.git', { kind: 'git', url: 'https://git.acme.dev/p/t.git' }],
        ['git+ssh://git@git.acme.dev/p/t.git#0a1b2c3', { kind: 'git', url: 'ssh://git@git.acme.dev/p/t.git', ref: '0a1b2c3' }],
        ['github:acme/tpl', { kind: 'git', url: 'https://github.com/acme/tpl.git' }],
        ['github:acme/tpl.git/mcp/server#release/2', { kind: 'git', url: 'https://github.com/acme/tpl.git', subdir: 'mcp/server', ref: 'release/2' }],
        ['npm:@acme/mcp-template@^1.2', { kind: 'npm', name: '@acme/mcp-template', range: '^1.2' }],
        ['npm:mcp-template', { kind: 'npm', name: 'mcp-template' }],
        ['./t-1.0.0.tgz', { kind: 'tgz', path: '/work/t-1.0.0.tgz' }],
        ['team', { kind: 'dir', path: '/work/team' }],
    ])('%s', (source, expected) => {
        expect(parseTemplateSource(source, '/work')).toEqual(expected);
    });

    it.each([['git+file:///srv/t.git#'], ['github:acme'], ['npm:'], ['svn://host/t'], ['github:acme/tpl/../../etc'], ['github:acme/tpl/mcp/./x']])(
        'refuses %s',
        (source) => {
            expect(() => parseTemplateSource(source, '/work')).toThrow();
        },
    );
});

describe('compareVersions', () => {
    it('orders as semver does', () => {
        const sorted = ['1.10.0', '1.2.0', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-alpha', '0.9.9', '2.0.0', '1.2.1'].sort(compareVersions);
        expect(sorted).toEqual(['0.9.9', '1.2.0-alpha', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0', '1.2.1', '1.10.0', '2.0.0']);
    });
});

describe('readTarGz', () => {
    it('reads what npm pack writes, long paths included', () => {
        const dir = mkdtempSync(join(tmpdir(), 'cms-tar-'));
        const deep = `template/${'a-long-folder-name/'.repeat(8)}file.hbs`;
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tar-test', version: '1.0.0' }));
        mkdirSync(join(dir, deep, '..'), { recursive: true });
        writeFileSync(join(dir, deep), 'deep ✓\n');
        const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent'], { cwd: dir, encoding: 'utf8' }).trim();
        const files = readTarGz(readFileSync(join(dir, name)));
        expect(files.find((f) => f.path === `package/${deep}`)?.contents.toString('utf8')).toBe('deep ✓\n');
        expect(files.map((f) => f.path)).toContain('package/package.json');
    });
});

describe('the spec field template', () => {
    const defaults = { name: 'x', description: 'x' };

    it('is validated and written back as given', () => {
        const template = { source: 'github:acme/tpl#v2', resolved: '0123456789abcdef0123456789abcdef01234567' };
        const spec = validateSpec({ template }, defaults);
        expect(spec.template).toEqual(template);
        expect(specToDocument(spec).template).toEqual(template);
        expect(specToDocument(validateSpec({}, defaults))).not.toHaveProperty('template');
    });

    it.each([
        [{ template: 'github:acme/tpl' }, /template: expected a mapping/],
        [{ template: { resolved: 'abc' } }, /template\.source: is required/],
        [{ template: { source: '' } }, /template\.source: must not be empty/],
        [{ template: { source: 'x', ref: 'main' } }, /template\.ref: unknown field; expected source or resolved/],
    ])('refuses %j', (raw, message) => {
        expect(() => validateSpec(raw, defaults, 'spec.yaml')).toThrow(message);
    });
});

describe('bad sources', () => {
    it('are one bounded line whatever the source holds', async () => {
        const hostile = fc.oneof(
            fc.string({ unit: 'binary', maxLength: 5_000 }),
            fc.string({ unit: fc.constantFrom('\n', '\r', '\u001b[31m', '\u2028', '\u202e', '"', 'a'), maxLength: 500 }),
        );
        await fc.assert(
            // Only sources that never reach git or npm: a missing folder or file, or a malformed form.
            fc.asyncProperty(fc.constantFrom('./', 'github:', 'npm:@/', 'ftp://'), hostile, fc.constantFrom('', '.tgz'), async (head, body, tail) => {
                const source = head + body + tail;
                if (/^github:[\w.-]+\/[\w.-]+/.test(source)) return;
                const error = await openTemplate(source, { cwd: '/nonexistent-cms-root', label: '--template', env: {} }).then(
                    () => undefined,
                    (e: Error) => e,
                );
                expect(error).toBeInstanceOf(UsageError);
                expect(error!.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
                expect(error!.message.length).toBeLessThanOrEqual(400);
            }),
            { numRuns: 100 },
        );
    });
});
