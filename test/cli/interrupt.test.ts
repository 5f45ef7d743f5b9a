/**
 * Interrupting the generator at any moment leaves no partial project: the project is staged
 * beside the target and moved into place in one step, and the staging folder is removed on
 * SIGINT/SIGTERM. A 1000-tool spec makes the write long enough to be hit at many points.
 */
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from './run.js';

const spec = {
    name: 'big',
    tools: Array.from({ length: 1000 }, (_, i) => ({
        name: `tool_${i}`,
        description: `Tool number ${i}`,
        input: { q: { type: 'string', description: 'query' }, n: { type: 'integer', minimum: 1, maximum: 9, required: false } },
    })),
};

/** Runs the generator and sends `signal` after `delayMs`; resolves with how it ended. */
function interrupt(cwd: string, args: string[], signal: NodeJS.Signals, delayMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
        const timer = setTimeout(() => child.kill(signal), delayMs);
        child.on('exit', (code, sig) => {
            clearTimeout(timer);
            resolve({ code, signal: sig });
        });
    });
}

function countFiles(dir: string): number {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

describe('interrupting the generator', () => {
    const cwd = tempDir('cms-int-');
    writeFileSync(join(cwd, 'spec.json'), JSON.stringify(spec));
    const args = (dir: string, ...more: string[]) => [dir, '--spec', 'spec.json', '--yes', '--no-install', '--no-git', ...more];

    it('leaves nothing, or the whole project, whenever SIGINT or SIGTERM arrives', async () => {
        const started = Date.now();
        const complete = await interrupt(cwd, args('complete'), 'SIGINT', 60_000);
        const duration = Date.now() - started;
        expect(complete.code).toBe(0);
        const expected = countFiles(join(cwd, 'complete'));
        const outcomes = new Set<string>();
        // Signals spread over the whole run: start-up, rendering, writing, moving, and after.
        for (let i = 0; i < 16; i++) {
            const dir = `run${i}`;
            const { code, signal } = await interrupt(cwd, args(dir), i % 2 === 0 ? 'SIGINT' : 'SIGTERM', Math.round(((i + 1) / 16) * duration * 1.2));
            const entries = readdirSync(cwd);
            // No staging folder is ever left behind.
            expect(entries.filter((e) => e.includes('.create-mcp-server-'))).toEqual([]);
            if (code !== 0) expect(code === 130 || signal !== null, `exit ${code} ${signal}`).toBe(true);
            // Never a partial project: absent (cancelled before the move), or complete (finished, or
            // cancelled after the move, which is one rename).
            if (entries.includes(dir)) expect(countFiles(join(cwd, dir))).toBe(expected);
            outcomes.add(code === 0 ? 'finished' : entries.includes(dir) ? 'cancelled after the move' : 'cancelled');
        }
        expect(outcomes).toContain('cancelled');
    }, 120_000);

    it('with --force, touches only planned files and never deletes others', async () => {
        const dir = join(cwd, 'existing');
        mkdirSync(dir);
        writeFileSync(join(dir, 'keep.txt'), 'mine');
        for (let i = 0; i < 8; i++) {
            await interrupt(cwd, args('existing', '--force'), 'SIGINT', 40 + i * 80);
            expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('mine');
            expect(readdirSync(cwd).filter((e) => e.includes('.create-mcp-server-'))).toEqual([]);
        }
    }, 120_000);
});
