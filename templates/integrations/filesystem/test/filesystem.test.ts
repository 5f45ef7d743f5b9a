/**
 * Filesystem tools and resource against a folder tree made here, through an MCP client: what they
 * read; every escape attempt (`..`, absolute paths, links out, FIFOs, devices, NUL bytes); a child
 * process that swaps a folder for a link out of the root while every entry point is called; patterns
 * that would make a backtracking matcher hang; and calls answered while a long search runs. Nothing
 * is skipped on Linux; without /proc/self/fd only the refusal is checked.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createServer } from '../src/server.js';
import { ping } from '../src/systems/filesystem.js';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

const textOf = (result: ToolResult): string => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

/** The server checks every opened file through /proc/self/fd; without it, it refuses to serve. */
const confined = existsSync('/proc/self/fd');

async function connect(): Promise<Client> {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await createServer().connect(serverTransport);
    const client = new Client({ name: 'filesystem-test', version: '1.0.0' });
    await client.connect(clientTransport);
    return client;
}

describe.runIf(confined)('filesystem system', () => {
    const base = mkdtempSync(join(tmpdir(), 'mcp-fs-test-'));
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    let client: Client;

    const callTool = (name: string, args: Record<string, unknown>): Promise<ToolResult> => client.callTool({ name, arguments: args });

    beforeAll(async () => {
        mkdirSync(join(root, 'docs/deep'), { recursive: true });
        mkdirSync(outside);
        writeFileSync(join(outside, 'secret.txt'), 'outside the root');
        writeFileSync(join(root, 'hello.txt'), 'Hello, world!\n');
        writeFileSync(join(root, 'docs/guide.md'), '# Guide\n');
        writeFileSync(join(root, 'docs/deep/notes.md'), 'deep notes');
        writeFileSync(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
        writeFileSync(join(root, 'big.txt'), 'x'.repeat(1_000_000));
        symlinkSync(join(outside, 'secret.txt'), join(root, 'link-out.txt'));
        symlinkSync(outside, join(root, 'dir-out'));
        symlinkSync(join(root, 'hello.txt'), join(root, 'link-in.txt'));
        execFileSync('mkfifo', [join(root, 'pipe')]);

        process.env.FS_ROOT = root;
        client = await connect();
    });

    afterAll(async () => {
        await client?.close();
        rmSync(base, { recursive: true, force: true });
    });

    it('lists a directory without following links', async () => {
        const result = await callTool('list_directory', {});
        expect(result.isError).toBeFalsy();
        const { entries } = result.structuredContent as { entries: { name: string; type: string }[] };
        expect(entries).toContainEqual(expect.objectContaining({ name: 'docs', type: 'directory' }));
        expect(entries).toContainEqual(expect.objectContaining({ name: 'hello.txt', type: 'file' }));
        expect(entries).toContainEqual(expect.objectContaining({ name: 'link-out.txt', type: 'symlink' }));
        const docs = (await callTool('list_directory', { path: 'docs' })).structuredContent as { entries: { path: string }[] };
        expect(docs.entries.map((e) => e.path)).toEqual(['docs/deep', 'docs/guide.md']);
    });

    it('reads text, caps long files and gives only metadata for binary ones', async () => {
        const hello = await callTool('read_file', { path: 'hello.txt' });
        expect(textOf(hello)).toBe('Hello, world!\n');
        expect(hello.structuredContent).toMatchObject({ path: 'hello.txt', binary: false, truncated: false, size: 14 });

        const big = await callTool('read_file', { path: 'big.txt' });
        const content = big.structuredContent as { text: string; truncated: boolean; size: number };
        expect(content.truncated).toBe(true);
        expect(content.size).toBe(1_000_000);
        expect(content.text.length).toBeLessThan(1_000_000);

        const binary = await callTool('read_file', { path: 'image.bin' });
        expect(binary.structuredContent).toMatchObject({ binary: true, size: 8 });
        expect(binary.structuredContent).not.toHaveProperty('text');

        // A link that stays inside the root is fine.
        expect(textOf(await callTool('read_file', { path: 'link-in.txt' }))).toBe('Hello, world!\n');
    });

    it('searches by name', async () => {
        const result = await callTool('search_files', { pattern: '*.md' });
        const { matches } = result.structuredContent as { matches: { path: string }[] };
        expect(matches.map((m) => m.path).sort()).toEqual(['docs/deep/notes.md', 'docs/guide.md']);
        const plain = await callTool('search_files', { pattern: 'GUIDE' });
        expect((plain.structuredContent as { matches: { path: string }[] }).matches.map((m) => m.path)).toEqual(['docs/guide.md']);
        const single = await callTool('search_files', { pattern: 'n?tes.*' });
        expect((single.structuredContent as { matches: { path: string }[] }).matches.map((m) => m.path)).toEqual(['docs/deep/notes.md']);
    });

    it('serves files as resources', async () => {
        const { resources } = await client.listResources();
        expect(resources.map((r) => r.uri)).toContain('fs:///hello.txt');
        const { contents } = await client.readResource({ uri: 'fs:///docs/guide.md' });
        expect('text' in contents[0] ? contents[0].text : '').toBe('# Guide\n');
        await expect(client.readResource({ uri: 'fs:///link-out.txt' })).rejects.toThrow();
        await expect(client.readResource({ uri: 'fs:///..%2Foutside%2Fsecret.txt' })).rejects.toThrow();
    });

    const escapes: [string, string, string, RegExp][] = [
        ['a .. path', 'read_file', '../outside/secret.txt', /"\.\." is not allowed/],
        ['a .. in the middle', 'read_file', 'docs/../../outside/secret.txt', /"\.\." is not allowed/],
        ['an absolute path outside', 'read_file', join(outside, 'secret.txt'), /outside FS_ROOT/],
        ['/etc/passwd', 'read_file', '/etc/passwd', /outside FS_ROOT/],
        ['a link to a file outside', 'read_file', 'link-out.txt', /leads outside FS_ROOT/],
        ['a link to a folder outside', 'read_file', 'dir-out/secret.txt', /leads outside FS_ROOT/],
        ['listing through a link out', 'list_directory', 'dir-out', /leads outside FS_ROOT/],
        ['searching through a link out', 'search_files', 'dir-out', /leads outside FS_ROOT/],
        ['a NUL byte', 'read_file', 'hello.txt\0.png', /NUL/],
        ['a device', 'read_file', '/dev/zero', /outside FS_ROOT/],
        ['a FIFO', 'read_file', 'pipe', /not a regular file/],
        ['listing a file', 'list_directory', 'hello.txt', /not a directory/],
    ];

    it.each(escapes)('refuses %s', async (_label, tool, path, message) => {
        const args = tool === 'search_files' ? { pattern: 'secret', path } : { path };
        const result = await callTool(tool, args);
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(message);
        expect(textOf(result)).not.toContain('outside the root');
    });

    it('never writes: the tree is unchanged', () => {
        expect(readdirSync(root).sort()).toEqual(
            ['big.txt', 'dir-out', 'docs', 'hello.txt', 'image.bin', 'link-in.txt', 'link-out.txt', 'pipe'].sort(),
        );
        expect(readdirSync(outside)).toEqual(['secret.txt']);
    });

    it('reports a missing FS_ROOT and keeps serving', async () => {
        const previous = process.env.FS_ROOT;
        process.env.FS_ROOT = join(base, 'nope');
        try {
            const result = await callTool('list_directory', {});
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/FS_ROOT .* does not exist/);
        } finally {
            process.env.FS_ROOT = previous;
        }
        expect((await callTool('list_directory', {})).isError).toBeFalsy();
    });

    it('answers the readiness ping (/readyz) while FS_ROOT can be read, and says why when it cannot', async () => {
        await expect(ping()).resolves.toBeUndefined();
        const previous = process.env.FS_ROOT;
        process.env.FS_ROOT = join(base, 'nope');
        try {
            await expect(ping()).rejects.toThrow(/FS_ROOT .* does not exist/);
        } finally {
            process.env.FS_ROOT = previous;
        }
    });
});

/**
 * A child process swaps `root/swap` between a real folder and a link to a folder outside, as fast as
 * it can, while the client calls every entry point through the folder. The folder and the outside
 * hold files of the same names; only the outside ones carry the marker, in their contents and names.
 */
describe.runIf(confined)('filesystem system, while a folder is swapped for a link out of the root', { timeout: 120_000 }, () => {
    const MARKER = 'MARKER-outside-9d41';
    let base: string;
    let client: Client;
    let swapper: ChildProcess;
    let previousRoot: string | undefined;

    beforeAll(async () => {
        base = mkdtempSync(join(tmpdir(), 'mcp-fs-race-'));
        const root = join(base, 'root');
        const outside = join(base, 'outside');
        for (const [dir, text] of [
            [join(root, 'swap'), 'inside the root'],
            [outside, MARKER],
        ]) {
            mkdirSync(join(dir, 'sub'), { recursive: true });
            writeFileSync(join(dir, 'secret.txt'), text);
            writeFileSync(join(dir, 'sub', 'deep.txt'), text);
        }
        writeFileSync(join(outside, `${MARKER}.txt`), MARKER);
        writeFileSync(join(outside, 'sub', `${MARKER}-deep.txt`), MARKER);
        previousRoot = process.env.FS_ROOT;
        process.env.FS_ROOT = root;
        client = await connect();
        // Renames are atomic; the folder is parked beside it while the link stands in its place.
        const swap = `
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
        swapper = spawn(process.execPath, ['-e', swap, root, outside], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve, reject) => {
            swapper.stdout?.once('data', () => resolve());
            swapper.once('exit', (code) => reject(new Error(`the swapping process exited with ${code}`)));
        });
    });

    afterAll(async () => {
        swapper?.kill('SIGKILL');
        await client?.close();
        process.env.FS_ROOT = previousRoot;
        rmSync(base, { recursive: true, force: true });
    });

    /** Each call as text, and whether it was served (not an error): a tool result, or a resource read or its failure. */
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
        ['read_file swap/secret.txt', tool('read_file', { path: 'swap/secret.txt' })],
        ['read_file swap/sub/deep.txt', tool('read_file', { path: 'swap/sub/deep.txt' })],
        ['list_directory swap', tool('list_directory', { path: 'swap' })],
        ['list_directory swap/sub', tool('list_directory', { path: 'swap/sub' })],
        ['search_files * (from the root)', tool('search_files', { pattern: '*' })],
        ['search_files * in swap', tool('search_files', { pattern: '*', path: 'swap' })],
        ['search_files deep in swap/sub', tool('search_files', { pattern: 'deep', path: 'swap/sub' })],
        ['resource fs:///swap/secret.txt', resource('fs:///swap/secret.txt')],
        ['resource fs:///swap/sub/deep.txt', resource('fs:///swap/sub/deep.txt')],
    ])('%s reveals nothing outside', async (_label, call) => {
        // The resource logs each refusal on stderr: thousands of lines here.
        const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
        let served = 0;
        try {
            for (let round = 0; round < 200; round++) {
                const [answer, ok] = await call();
                expect(answer).not.toContain(MARKER);
                if (ok) served += 1;
            }
        } finally {
            quiet.mockRestore();
        }
        // The swapping process is still at it, and some calls were served, not all refused.
        expect(swapper.exitCode).toBeNull();
        expect(served).toBeGreaterThan(0);
    });
});

/** Long names and patterns that would make a backtracking matcher run for ages; a long search does not hold up other calls. */
describe.runIf(confined)('filesystem search, bounded', { timeout: 120_000 }, () => {
    const settings = ['FS_ROOT', 'FS_SEARCH_MAX_ENTRIES', 'FS_SEARCH_TIME_LIMIT_MS'];
    let base: string;
    let client: Client;
    let previous: Record<string, string | undefined>;

    beforeAll(async () => {
        previous = Object.fromEntries(settings.map((key) => [key, process.env[key]]));
        base = mkdtempSync(join(tmpdir(), 'mcp-fs-search-'));
        // 20 folders of 500 files whose names are 250 a's and a number: 10,000 entries to look at.
        for (let folder = 0; folder < 20; folder++) {
            const dir = join(base, `folder-${folder}`);
            mkdirSync(dir);
            for (let file = 0; file < 500; file++) writeFileSync(join(dir, `${'a'.repeat(250)}${file}`), '');
        }
        writeFileSync(join(base, 'hello.txt'), 'Hello, world!\n');
        process.env.FS_ROOT = base;
        // No time limit here (a busy machine is slow), except where a test sets one.
        process.env.FS_SEARCH_TIME_LIMIT_MS = '3600000';
        client = await connect();
    }, 60_000);

    afterAll(async () => {
        await client?.close();
        for (const [key, value] of Object.entries(previous)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        rmSync(base, { recursive: true, force: true });
    });

    it.each([
        ['many stars', `${'*a'.repeat(40)}*b`],
        ['stars and single characters', `${'*?a'.repeat(30)}*b`],
        ['a long literal after a star', `*${'a'.repeat(200)}b`],
        ['as long as allowed', `${'*a'.repeat(127)}*b`],
    ])('finishes a search with %s', async (_label, pattern) => {
        const result = await client.callTool({ name: 'search_files', arguments: { pattern } });
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent).toMatchObject({ matches: [], truncated: false });
    });

    it('refuses a pattern longer than 256 characters in one line', async () => {
        const result = await client.callTool({ name: 'search_files', arguments: { pattern: '*'.repeat(257) } });
        expect(result.isError).toBe(true);
        expect(textOf(result).trim().split('\n')).toHaveLength(1);
        expect(textOf(result)).toMatch(/pattern/);
    });

    it('stops at FS_SEARCH_MAX_ENTRIES, answering with what it found and why', async () => {
        process.env.FS_SEARCH_MAX_ENTRIES = '600';
        try {
            const result = await client.callTool({ name: 'search_files', arguments: { pattern: '*1' } });
            const { matches, truncated, stoppedBy, reason } = result.structuredContent as {
                matches: unknown[];
                truncated: boolean;
                stoppedBy?: string;
                reason?: string;
            };
            expect({ truncated, stoppedBy }).toEqual({ truncated: true, stoppedBy: 'entries' });
            expect(reason).toMatch(/after visiting 600 entries/);
            expect(matches.length).toBeGreaterThan(0);
        } finally {
            delete process.env.FS_SEARCH_MAX_ENTRIES;
        }
    });

    it('stops at FS_SEARCH_TIME_LIMIT_MS, answering with what it found and why', async () => {
        // A millisecond: far less than matching 10,000 long names against this pattern takes.
        process.env.FS_SEARCH_TIME_LIMIT_MS = '1';
        try {
            const result = await client.callTool({ name: 'search_files', arguments: { pattern: `*${'a'.repeat(125)}b` } });
            expect(result.structuredContent).toMatchObject({ matches: [], truncated: true, stoppedBy: 'time' });
            expect((result.structuredContent as { reason: string }).reason).toMatch(/after 1 ms/);
        } finally {
            process.env.FS_SEARCH_TIME_LIMIT_MS = '3600000';
        }
    });

    it('stops at 200 matches and says so', async () => {
        const result = await client.callTool({ name: 'search_files', arguments: { pattern: 'a' } });
        expect(result.structuredContent).toMatchObject({ truncated: true, stoppedBy: 'matches' });
        expect((result.structuredContent as { matches: unknown[] }).matches).toHaveLength(200);
    });

    it('answers other calls while a long search runs', async () => {
        // The worst case of the matcher over 10,000 long names: the longest search this tree allows.
        let searchDone = false;
        const search = client.callTool({ name: 'search_files', arguments: { pattern: `*${'a'.repeat(125)}b` } }).then((result) => {
            searchDone = true;
            return result;
        });
        const read = await client.callTool({ name: 'read_file', arguments: { path: 'hello.txt' } });
        const listed = await client.callTool({ name: 'list_directory', arguments: {} });
        const answeredDuringSearch = !searchDone;
        expect(textOf(read)).toBe('Hello, world!\n');
        expect(listed.isError).toBeFalsy();
        expect((await search).structuredContent).toMatchObject({ matches: [], truncated: false });
        expect(answeredDuringSearch).toBe(true);
    });
});

// Registered only where it applies, so that on Linux nothing shows as skipped.
if (!confined) {
    describe('filesystem system without /proc/self/fd', () => {
        it('refuses every call, saying why', async () => {
            const base = mkdtempSync(join(tmpdir(), 'mcp-fs-test-'));
            process.env.FS_ROOT = base;
            const client = await connect();
            try {
                for (const [name, args] of [
                    ['list_directory', {}],
                    ['read_file', { path: 'x.txt' }],
                    ['search_files', { pattern: 'x' }],
                ] as const) {
                    const result = await client.callTool({ name, arguments: args });
                    expect(result.isError).toBe(true);
                    expect(textOf(result)).toMatch(/\/proc\/self\/fd/);
                }
            } finally {
                await client.close();
                rmSync(base, { recursive: true, force: true });
            }
        });
    });
}
