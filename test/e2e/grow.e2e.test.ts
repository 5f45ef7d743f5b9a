/**
 * A team's README template and `add tool`, end to end: the project still installs, builds and
 * passes its tests, and the added tool shows in tools/list of the built server with its schema.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../cli/run.js';
import { connectStdio, generateProject, npmRun } from './harness.js';

const exec = promisify(execFile);

describe('a team template, then add tool', () => {
    let dir: string;
    beforeAll(async () => {
        const team = tempDir('cms-team-');
        mkdirSync(team, { recursive: true });
        writeFileSync(join(team, 'README.md.hbs'), '# {{name}}\n\nAcme MCP server standard README.\n');
        dir = await generateProject('grown', ['--template', team]);
        await exec(
            process.execPath,
            [BIN, 'add', 'tool', 'lookup_sku', '-d', 'Find a product by SKU', '--param', 'sku:string:The SKU', '--param', 'limit:integer?:Max rows'],
            {
                cwd: dir,
            },
        );
        await npmRun(dir, 'build');
    }, 300_000);

    it('keeps the team README', () => {
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# grown\n\nAcme MCP server standard README.\n');
    });

    it('passes its tests, which cover the added tool', async () => {
        const output = await npmRun(dir, 'test');
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/failed/);
        expect(readFileSync(join(dir, 'test/server.test.ts'), 'utf8')).toContain("name: 'lookup_sku',");
    }, 300_000);

    it('lists the added tool with its schema next to the examples', async () => {
        const client = await connectStdio(dir, 'auto');
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name).sort()).toEqual(['add', 'lookup_sku']);
        const tool = tools.find((t) => t.name === 'lookup_sku')!;
        expect(tool.description).toBe('Find a product by SKU');
        expect(tool.inputSchema.properties).toMatchObject({
            sku: { type: 'string', description: 'The SKU' },
            limit: { type: 'integer', description: 'Max rows' },
        });
        expect(tool.inputSchema.required).toEqual(['sku']);
        await client.close();
    }, 60_000);
});
