/**
 * On Node 20 (past its end of life) the CLI works and says so in one line on stderr, after the
 * output of a run that went well; on Node 22 and 24 (where .ci/run runs this suite again) it says nothing.
 */
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './run.js';

const onNode20 = process.versions.node.startsWith('20.');
const NOTICE = 'Note: Node.js 20 is past its end of life (April 2026); use Node 22 or 24 when you can.\n';

describe('the Node 20 notice', () => {
    it(onNode20 ? 'ends the output of a run, once' : 'is not printed on this Node', async () => {
        const cwd = tempDir();
        const result = await run(['demo', '--yes', '--no-install', '--no-git', '--json'], { cwd });
        expect(result.code, result.stderr).toBe(0);
        // stdout stays one JSON document either way.
        expect(JSON.parse(result.stdout)).toHaveProperty('directory');
        expect(result.stderr.endsWith(NOTICE)).toBe(onNode20);
        expect(result.stderr.split(NOTICE).length - 1).toBe(onNode20 ? 1 : 0);
    });

    it('is not added to a refusal, which stays one line', async () => {
        const result = await run(['demo', '--pm', 'nope', '--yes'], { cwd: tempDir() });
        expect(result.code).toBe(1);
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('is not printed for --version, whose output scripts read', async () => {
        const result = await run(['--version'], { cwd: tempDir() });
        expect(result.stderr).toBe('');
    });
});
