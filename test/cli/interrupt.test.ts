/**
 * Interrupting the generator at any moment leaves no partial project: the project is staged
 * beside the target and moved into place in one step, and the staging folder is removed on
 * SIGINT/SIGTERM. A 1000-tool spec makes the write long enough to be hit at many points.
 * After SIGKILL, which nothing can catch, the next run sweeps the staging folder the killed run
 * left, and only folders whose owner is gone.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BIN, run, tempDir } from './run.js';

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

const isStaging = (name: string) => name.includes('.create-mcp-server-');

function stagingIn(dir: string): string[] {
    return readdirSync(dir).filter(isStaging);
}

/** Starts the generator; `exited` resolves with its exit code (null when killed). */
function start(cwd: string, args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
    return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

/** Waits until the child's staging folder holds `files` files, or the child has ended (undefined then). */
async function whenStaging(cwd: string, child: ChildProcess, files: number): Promise<string | undefined> {
    while (child.exitCode === null && child.signalCode === null) {
        const [staging] = stagingIn(cwd);
        if (staging && existsSync(join(cwd, staging, 'src', 'tools')) && readdirSync(join(cwd, staging, 'src', 'tools')).length >= files) return staging;
        await sleep(5);
    }
    return undefined;
}

/** The start mark (field 22 of /proc/<pid>/stat) that staging folder names carry on Linux. */
function startMark(pid: number): string {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

describe('staging folders left by killed runs', () => {
    const cwd = tempDir('cms-sweep-');
    writeFileSync(join(cwd, 'spec.json'), JSON.stringify(spec));
    const args = (dir: string) => [dir, '--spec', 'spec.json', '--yes', '--no-install', '--no-git'];

    it('are removed by the next run after SIGKILL mid-generation', async () => {
        let left: string | undefined;
        // SIGKILL once the staging folder is filling; a run that finished first is tried again.
        for (let attempt = 0; attempt < 5 && !left; attempt++) {
            const { child, exited } = start(cwd, args('big'));
            left = await whenStaging(cwd, child, 50);
            child.kill('SIGKILL');
            await exited;
            if (!left) spawnSync('rm', ['-rf', join(cwd, 'big')]);
        }
        expect(left, 'a run was killed while writing').toBeDefined();
        // Nothing could catch SIGKILL: the staging folder, with part of the project, is still there.
        expect(stagingIn(cwd)).toEqual([left]);
        expect(existsSync(join(cwd, 'big'))).toBe(false);

        const again = await run(args('big'), { cwd, timeoutMs: 60_000 });
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toContain(`Removed a staging folder left by an interrupted run: ${left}`);
        expect(stagingIn(cwd)).toEqual([]);
        expect(readdirSync(join(cwd, 'big', 'src', 'tools'))).toHaveLength(1000);
    }, 120_000);

    it('are left alone while the run that owns them is alive, even paused', async () => {
        const { child, exited } = start(cwd, args('paused'));
        const staging = await whenStaging(cwd, child, 1);
        expect(staging, 'the run was caught while writing').toBeDefined();
        child.kill('SIGSTOP');
        try {
            const other = await run(['other', '--yes', '--no-install', '--no-git'], { cwd });
            expect(other.code, other.stderr).toBe(0);
            expect(other.stdout).not.toContain('Removed');
            expect(stagingIn(cwd)).toEqual([staging]);
        } finally {
            child.kill('SIGCONT');
        }
        expect(await exited).toBe(0);
        expect(stagingIn(cwd)).toEqual([]);
        expect(readdirSync(join(cwd, 'paused', 'src', 'tools'))).toHaveLength(1000);
    }, 120_000);

    it.runIf(process.platform === 'linux')('are told apart by owner pid and start mark, and by their exact name', async () => {
        const dir = tempDir('cms-sweep-names-');
        const ended = spawnSync(process.execPath, ['-e', '0']).pid;
        const live = process.pid;
        const names = {
            // This test's own process is alive and named with its real start mark: kept.
            alive: `.a.create-mcp-server-${live}-${startMark(live)}-0123abcd`,
            // The same pid with another start mark: a process that had the pid before, gone.
            reused: `.b.create-mcp-server-${live}-1-0123abcd`,
            ended: `.c.create-mcp-server-${ended}-12345-0123abcd`,
            // Not this tool's naming: never touched.
            older: '.d.create-mcp-server-0123abcd',
            other: `.e.create-mcp-server-${ended}-12345-0123abcd-mine`,
            plain: 'notes',
        };
        for (const name of Object.values(names)) {
            mkdirSync(join(dir, name, 'src'), { recursive: true });
            writeFileSync(join(dir, name, 'src', 'x.ts'), '');
        }
        // A file in the staging format is not a folder this tool made.
        writeFileSync(join(dir, `.f.create-mcp-server-${ended}-12345-0123abcd`), 'mine');

        const result = await run(['new', '--yes', '--no-install', '--no-git'], { cwd: dir });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('Removed 2 staging folders left by an interrupted run');
        expect(readdirSync(dir).sort()).toEqual(
            [names.alive, names.older, names.other, names.plain, `.f.create-mcp-server-${ended}-12345-0123abcd`, 'new'].sort(),
        );
    });
});
