/**
 * `--with filesystem` end to end: the generated project's own tests run after an install from the
 * registry (its swapping process, its bounded searches), and the built server, spawned over stdio as a
 * client spawns it, reveals nothing outside its root while another process keeps swapping a folder
 * for a link out of it, and keeps answering while a search runs with a pattern built to make a
 * backtracking matcher run for ages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/run.js';
import { connectStdio, generateProject, npmRun } from './harness.js';

const MARKER = 'MARKER-outside-c07e';

/** Swaps `<root>/swap` between its folder and a link to `outside` until killed; resolves once it runs. */
function startSwapping(root: string, outside: string): Promise<ChildProcess> {
    const script = `
        const fs = require('node:fs');
        const [root, outside] = process.argv.slice(1);
        const [swap, parked, link] = ['swap', '.parked', '.link'].map((name) => root + '/' + name);
        fs.symlinkSync(outside, link);
        console.log('swapping');
        for (;;) {
            fs.renameSync(swap, parked);
            fs.renameSync(link, swap);
            fs.renameSync(swap, link);
            fs.renameSync(parked, swap);
        }`;
    const child = spawn(process.execPath, ['-e', script, root, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
        child.stdout.once('data', () => resolve(child));
        child.once('exit', (code) => reject(new Error(`the swapping process exited with ${code}`)));
    });
}

describe('--with filesystem, against a hostile tree', () => {
    let dir: string;

    beforeAll(async () => {
        dir = await generateProject('files', ['--with', 'filesystem', '--transport', 'stdio']);
        await npmRun(dir, 'build');
    }, 300_000);

    it('runs the generated tests, none skipped', async () => {
        const output = await npmRun(dir, 'test');
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/skipped/);
    }, 300_000);

    describe('over stdio, while another process swaps a folder for a link out of the root', { timeout: 120_000 }, () => {
        const work = tempDir('cms-e2e-fs-race-');
        const root = join(work, 'root');
        const outside = join(work, 'outside');
        let client: Client;
        let swapper: ChildProcess;

        beforeAll(async () => {
            for (const [folder, text] of [
                [join(root, 'swap'), 'inside the root'],
                [outside, MARKER],
            ]) {
                mkdirSync(join(folder, 'sub'), { recursive: true });
                writeFileSync(join(folder, 'secret.txt'), text);
                writeFileSync(join(folder, 'sub', 'deep.txt'), text);
            }
            writeFileSync(join(outside, `${MARKER}.txt`), MARKER);
            writeFileSync(join(outside, 'sub', `${MARKER}-deep.txt`), MARKER);
            client = await connectStdio(dir, 'auto', { FS_ROOT: root });
            swapper = await startSwapping(root, outside);
        });

        afterAll(async () => {
            swapper?.kill('SIGKILL');
            await client?.close();
        });

        const tool = (name: string, args: Record<string, unknown>) => async (): Promise<[string, boolean]> => {
            const result = await client.callTool({ name, arguments: args });
            return [JSON.stringify(result), !result.isError];
        };
        const resource = (uri: string) => async (): Promise<[string, boolean]> =>
            client.readResource({ uri }).then(
                (result) => [JSON.stringify(result), true],
                (err: Error) => [err.message, false],
            );

        it.each([
            ['read_file swap/sub/deep.txt', tool('read_file', { path: 'swap/sub/deep.txt' })],
            ['list_directory swap', tool('list_directory', { path: 'swap' })],
            ['list_directory swap/sub', tool('list_directory', { path: 'swap/sub' })],
            ['search_files from the root', tool('search_files', { pattern: '*' })],
            ['search_files in swap', tool('search_files', { pattern: '*', path: 'swap' })],
            ['resource fs:///swap/secret.txt', resource('fs:///swap/secret.txt')],
        ])('%s reveals nothing outside', async (_label, call) => {
            let served = 0;
            for (let round = 0; round < 400; round++) {
                const [answer, ok] = await call();
                expect(answer).not.toContain(MARKER);
                if (ok) served += 1;
            }
            expect(swapper.exitCode).toBeNull();
            expect(served).toBeGreaterThan(0);
        });
    });

    describe('over stdio, a search with a hostile pattern', () => {
        const root = tempDir('cms-e2e-fs-search-');
        let client: Client;

        beforeAll(async () => {
            for (let folder = 0; folder < 4; folder++) {
                mkdirSync(join(root, `folder-${folder}`));
                for (let file = 0; file < 250; file++) writeFileSync(join(root, `folder-${folder}`, `${'a'.repeat(240)}${file}`), '');
            }
            writeFileSync(join(root, 'hello.txt'), 'Hello, world!\n');
            client = await connectStdio(dir, 'auto', { FS_ROOT: root });
        });

        afterAll(async () => {
            await client?.close();
        });

        it('answers the search and, meanwhile, other calls', async () => {
            // `^.*a.*a…b$` as a regular expression would try every way to split 240 a's among 60 stars.
            const search = client.callTool({ name: 'search_files', arguments: { pattern: `${'*a'.repeat(60)}*b` } }, { timeout: 60_000 });
            // A frozen server never answers: a request timeout, not a timing, makes that a failure.
            const read = await client.callTool({ name: 'read_file', arguments: { path: 'hello.txt' } }, { timeout: 30_000 });
            expect(read.structuredContent).toMatchObject({ path: 'hello.txt', text: 'Hello, world!\n' });
            expect((await search).structuredContent).toMatchObject({ matches: [], truncated: false });
        }, 120_000);

        it('refuses an over-long pattern in one line and stops at its entry limit, saying so', async () => {
            const long = await client.callTool({ name: 'search_files', arguments: { pattern: 'a'.repeat(257) } });
            expect(long.isError).toBe(true);
            expect(JSON.stringify(long.content)).not.toContain('\\n');
            const limited = await connectStdio(dir, 'auto', { FS_ROOT: root, FS_SEARCH_MAX_ENTRIES: '100' });
            try {
                const result = await limited.callTool({ name: 'search_files', arguments: { pattern: '*7' } });
                expect(result.structuredContent).toMatchObject({ truncated: true, stoppedBy: 'entries' });
                expect((result.structuredContent as { matches: unknown[] }).matches.length).toBeGreaterThan(0);
            } finally {
                await limited.close();
            }
        });
    });
});
