/**
 * A freshly generated default project with its ecosystem: the official conformance suite passes
 * against its HTTP transport (`npm run conformance`), and the editor configurations it ships start
 * a server a real SDK client can talk to: the build, and the dev loop.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateProject, npmRun } from './harness.js';

interface StdioEntry {
    type?: string;
    command: string;
    args: string[];
}

/** What an editor does with an entry: expand `${workspaceFolder}` to the opened folder, then spawn it. */
async function connectAsEditor(dir: string, entry: StdioEntry): Promise<Client> {
    const expand = (value: string) => value.replaceAll('${workspaceFolder}', dir);
    const client = new Client({ name: 'editor', version: '1.0.0' });
    // Editors do not start servers in the project folder: a different cwd proves the path is not relative.
    await client.connect(new StdioClientTransport({ command: expand(entry.command), args: entry.args.map(expand), cwd: join(dir, '..'), stderr: 'pipe' }));
    return client;
}

describe('the ecosystem of a default project', () => {
    let dir: string;
    beforeAll(async () => {
        dir = await generateProject('eco-server', []);
        await npmRun(dir, 'build');
    }, 300_000);

    it('passes the official conformance suite over HTTP, against its baseline', async () => {
        const output = await npmRun(dir, 'conformance');
        expect(output).toContain('Baseline check passed');
        expect(output).toMatch(/dns-rebinding-protection: 2 passed, 0 failed/);
    }, 180_000);

    it.each([
        ['.vscode/mcp.json', 'servers', 'eco-server'],
        ['.cursor/mcp.json', 'mcpServers', 'eco-server'],
        // The dev loop (`node scripts/dev.mjs --stdio`): it builds for itself, and serves the same tools.
        ['.vscode/mcp.json', 'servers', 'eco-server-dev'],
        ['.cursor/mcp.json', 'mcpServers', 'eco-server-dev'],
    ])(
        'starts the server named in %s for a real client over stdio (%s, %s)',
        async (file, key, name) => {
            const config = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, Record<string, StdioEntry>>;
            const entry = config[key]![name]!;
            if (file.startsWith('.vscode')) expect(entry.type).toBe('stdio');
            expect(JSON.stringify(entry)).not.toContain(dir);
            const client = await connectAsEditor(dir, entry);
            expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
            expect((await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).structuredContent).toEqual({ sum: 5 });
            await client.close();
        },
        120_000,
    );
});
