/**
 * Filesystem tools and resource against a folder tree made here, through an MCP client: what they
 * read, and every escape attempt (`..`, absolute paths, links out, FIFOs, devices, NUL bytes). Nothing is skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createServer } from '../src/server.js';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

const textOf = (result: ToolResult): string => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

describe('filesystem system', () => {
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
        if (process.platform !== 'win32') execFileSync('mkfifo', [join(root, 'pipe')]);

        process.env.FS_ROOT = root;
        const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
        await createServer().connect(serverTransport);
        client = new Client({ name: 'filesystem-test', version: '1.0.0' });
        await client.connect(clientTransport);
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
    ];
    if (process.platform !== 'win32') escapes.push(['a FIFO', 'read_file', 'pipe', /not a regular file/]);

    it.each(escapes)('refuses %s', async (_label, tool, path, message) => {
        const args = tool === 'search_files' ? { pattern: 'secret', path } : { path };
        const result = await callTool(tool, args);
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(message);
        expect(textOf(result)).not.toContain('outside the root');
    });

    it('never writes: the tree is unchanged', () => {
        expect(readdirSync(root).sort()).toEqual(
            [
                'big.txt',
                'dir-out',
                'docs',
                'hello.txt',
                'image.bin',
                'link-in.txt',
                'link-out.txt',
                ...(process.platform !== 'win32' ? ['pipe'] : []),
            ].sort(),
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
});
