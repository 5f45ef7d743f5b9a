/** The paths create-mcp-server may write, remove or read in a project (pure rule; the disk checks are in test/cli/confinement). */
import { posix, win32 } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGitName, projectPathProblem } from '../../src/core/project-paths.js';

describe('projectPathProblem', () => {
    it.each([
        'README.md',
        'src/tools/x.ts',
        '.github/workflows/ci.yml',
        '.create-mcp-server/generated.json',
        '.gitignore',
        '.gitattributes',
        'src/.github',
        'a..b/c...d',
        'git',
    ])('accepts %s', (path) => {
        expect(projectPathProblem(path)).toBeUndefined();
    });

    it.each([
        ['', /empty/],
        ['../outside.txt', /leads outside the project/],
        ['src/../../x', /leads outside the project/],
        ['..', /leads outside the project/],
        ['src/../README.md', /not a plain path/],
        ['./README.md', /not a plain path/],
        ['src//x.ts', /not a plain path/],
        ['src/', /not a plain path/],
        ['/etc/passwd', /absolute/],
        ['C:/Windows/x', /absolute/],
        ['c:x', /absolute/],
        ['..\\outside.txt', /backslash/],
        ['a\0b', /NUL/],
        ['.git', /git's folder/],
        ['.git/HEAD', /git's folder/],
        ['.GIT/config', /git's folder/],
        ['.Git/hooks/pre-commit', /git's folder/],
        ['sub/.git/config', /git's folder/],
        ['.git./config', /git's folder/],
        ['.git . /config', /git's folder/],
        ['.git::$INDEX_ALLOCATION/config', /git's folder/],
        ['GIT~1/config', /git's folder/],
        ['.g\u200cit/config', /git's folder/],
        ['\ufeff.git/config', /git's folder/],
    ])('refuses %j', (path, message) => {
        expect(projectPathProblem(path)).toMatch(message);
    });

    it('lets through only plain relative paths that stay inside the project and outside .git', () => {
        const segment = fc.oneof(
            fc.constantFrom('..', '.', '', '.git', '.GIT', 'git~1', '.git.', 'src', 'a', '\\', 'C:', '/'),
            fc.string({ unit: fc.constantFrom('a', '.', '/', '\\', ':', ' ', 'g', 'i', 't', '~', '1', '\0', 'G', '\u200d'), maxLength: 6 }),
        );
        fc.assert(
            fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
                const path = segments.join('/');
                if (projectPathProblem(path) !== undefined) return;
                // Accepted: the same path after normalisation, under the project on POSIX and Windows, no part of it git's folder.
                expect(posix.normalize(path)).toBe(path);
                expect(posix.resolve('/project', path).startsWith('/project/')).toBe(true);
                expect(win32.resolve('C:\\project', path).startsWith('C:\\project\\')).toBe(true);
                expect(path.split('/').some(isGitName)).toBe(false);
            }),
            { numRuns: 2_000 },
        );
    });
});
