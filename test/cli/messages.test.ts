/**
 * The built binary answers a 10 000-character value with a newline in it with one short line,
 * from its own checks and from commander's.
 */
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './run.js';

/** As in test/unit/messages.test.ts. */
const MAX_MESSAGE = 400;

describe('the built binary', () => {
    const cwd = tempDir('cms-msg-');
    const long = `a\nb${'c'.repeat(10_000)}`;

    it.each([
        [['--tool', long], /^--tool: invalid name "a\\nbc+…"; expected/],
        [['--pm', long], /^error: option '--pm <name>' argument 'a\\nbc+…' is invalid/],
        [['--spec', long], /^--spec: cannot read …c+: the name is too long for the file system$/],
        [['--spec', `${long}.yaml`.slice(-200)], /^--spec: cannot read …c+\.yaml: no such file$/],
        [[`--${long}`], /^error: unknown option '--a\\nbc+…'$/],
        [[long], /^name: invalid package name "a-bc+…": must be at most 214 characters$/],
        [[long, '--name', 'ok'], /^directory: cannot write to …c+: the name is too long for the file system$/],
    ])('%#: answers a 10 000-character value with one short line', async (args, expected) => {
        const result = await run([...args, '--yes', '--no-install', '--no-git'], { cwd });
        expect(result.code).toBe(1);
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines, result.stderr.slice(0, 300)).toHaveLength(1);
        expect(lines[0]!.length).toBeLessThanOrEqual(MAX_MESSAGE);
        expect(lines[0]).toMatch(expected);
    });
});
