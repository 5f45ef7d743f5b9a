/**
 * The three-way merge `update` uses: one side's changes apply, both sides' changes elsewhere combine,
 * the same change is taken once, and the same lines changed differently are marked as git marks them.
 * Results are checked against `git merge-file` where git is installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchLines, merge3 } from '../../src/core/merge.js';

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');
const labels = { ours: 'project', theirs: 'template' };

function gitMergeFile(base: string, ours: string, theirs: string): { text: string; conflicts: number } | undefined {
    const dir = mkdtempSync(join(tmpdir(), 'cms-merge-'));
    writeFileSync(join(dir, 'ours'), ours);
    writeFileSync(join(dir, 'base'), base);
    writeFileSync(join(dir, 'theirs'), theirs);
    try {
        execFileSync('git', ['merge-file', '-L', 'project', '-L', 'base', '-L', 'template', 'ours', 'base', 'theirs'], { cwd: dir, stdio: 'ignore' });
        return { text: readFileSync(join(dir, 'ours'), 'utf8'), conflicts: 0 };
    } catch (error) {
        const status = (error as { status?: number }).status;
        if (status === undefined || status < 0 || status > 127) return undefined;
        return { text: readFileSync(join(dir, 'ours'), 'utf8'), conflicts: status };
    }
}

describe('merge3', () => {
    const base = lines('import a', '', 'function f() {', '  return 1;', '}', '', 'export { f };');

    it('keeps the project edit and applies the template change elsewhere', () => {
        const ours = base.replace('  return 1;', '  return 1; // tuned');
        const theirs = base.replace('import a', 'import a\nimport log');
        const merged = merge3(base, ours, theirs, labels);
        expect(merged).toEqual({ text: lines('import a', 'import log', '', 'function f() {', '  return 1; // tuned', '}', '', 'export { f };'), conflicts: 0 });
    });

    it('takes the same change once', () => {
        const both = base.replace('return 1', 'return 2');
        expect(merge3(base, both, both)).toEqual({ text: both, conflicts: 0 });
        const more = `${both}extra\n`;
        expect(merge3(base, both, more).text).toBe(more);
    });

    it('marks the same lines changed differently, as git does', () => {
        const ours = base.replace('return 1', 'return 2');
        const theirs = base.replace('return 1', 'return 3');
        const merged = merge3(base, ours, theirs, labels);
        expect(merged.conflicts).toBe(1);
        expect(merged.text).toBe(
            lines('import a', '', 'function f() {', '<<<<<<< project', '  return 2;', '=======', '  return 3;', '>>>>>>> template', '}', '', 'export { f };'),
        );
        expect(gitMergeFile(base, ours, theirs)?.text).toBe(merged.text);
    });

    it('applies deletions from either side, and additions at both ends', () => {
        const ours = base.replace('}\n\n', '}\n').replace('f() {\n', 'f() {\n  // note\n');
        const theirs = `${base.replace('import a\n', '')}// footer\n`;
        const merged = merge3(base, ours, theirs);
        expect(merged.conflicts).toBe(0);
        expect(merged.text).toBe(lines('', 'function f() {', '  // note', '  return 1;', '}', 'export { f };', '// footer'));
        expect(gitMergeFile(base, ours, theirs)?.text).toBe(merged.text);
    });

    it('keeps text without a final newline exact, and closes it inside markers', () => {
        expect(merge3('a\nb', 'a\nb', 'a\nc')).toEqual({ text: 'a\nc', conflicts: 0 });
        expect(merge3('a\nm\nb', 'x\nm\nb', 'a\nm\nc').text).toBe('x\nm\nc');
        expect(merge3('a\nb', 'a\nB', 'a\nc', labels).text).toBe('a\n<<<<<<< project\nB\n=======\nc\n>>>>>>> template\n');
    });

    it('marks adjacent changes of both sides as a conflict, as git does', () => {
        const merged = merge3('a\nb\n', 'x\nb\n', 'a\nc\n', labels);
        expect(merged.conflicts).toBe(1);
        expect(gitMergeFile('a\nb\n', 'x\nb\n', 'a\nc\n')?.conflicts).toBe(1);
    });

    it('merges a file new on both sides against an empty base', () => {
        expect(merge3('', 'same\n', 'same\n').text).toBe('same\n');
        expect(merge3('', 'mine\n', 'theirs\n', labels)).toEqual({ text: '<<<<<<< project\nmine\n=======\ntheirs\n>>>>>>> template\n', conflicts: 1 });
    });

    // A base, and two sides made from it by a few deletions and insertions each.
    const edits = fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 2 }), insert: fc.array(fc.constantFrom('x', 'y', '', '}'), { maxLength: 2 }) }), {
        maxLength: 3,
    });
    const edit = (lines: string[], list: { at: number; remove: number; insert: string[] }[]) => {
        const out = [...lines];
        for (const e of list) out.splice(e.at % (out.length + 1), e.remove, ...e.insert);
        return out;
    };
    const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
    const triples = (base: fc.Arbitrary<string[]>) => fc.tuple(base, edits, edits).map(([b, x, y]) => [text(b), text(edit(b, x)), text(edit(b, y))] as const);

    // Where the base repeats lines, several alignments are equally good and git's heuristics may pick
    // another one (so a merge may be clean here and marked there, or the reverse); without repeats, the same.
    it('gives the text git merge-file gives when the base has no repeated lines', () => {
        const distinct = fc.integer({ min: 3, max: 20 }).map((n) => Array.from({ length: n }, (_, i) => `line ${i}`));
        fc.assert(
            fc.property(triples(distinct), ([b, o, t]) => {
                const git = gitMergeFile(b, o, t);
                if (git === undefined) return;
                const merged = merge3(b, o, t, labels);
                expect(merged.conflicts > 0).toBe(git.conflicts > 0);
                if (git.conflicts === 0) expect(merged.text).toBe(git.text);
            }),
            { numRuns: 300 },
        );
    });
});

describe('matchLines', () => {
    it('matches a longest common subsequence', () => {
        const a = ['x', 'a', 'b', 'c', 'y'];
        const b = ['a', 'q', 'b', 'c'];
        expect([...matchLines(a, b)]).toEqual([-1, 0, 2, 3, -1]);
    });
});
