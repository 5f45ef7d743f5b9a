/**
 * The toolchain of a generated project after a real install: `npm run check` (Biome) passes,
 * TypeScript 7 (the native compiler) typechecks it, and the stdio entry reports a malformed
 * input line on stderr and keeps serving. A PostgreSQL project with options other than the
 * defaults passes its own check, build and database tests.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/run.js';
import { generateProject, npmRun } from './harness.js';

describe('a generated stdio project', () => {
    let dir: string;
    beforeAll(async () => {
        dir = await generateProject('toolchain-server', ['--transport', 'stdio']);
        await npmRun(dir, 'build');
    }, 300_000);

    it('passes its own check and typechecks with TypeScript 7', async () => {
        expect(await npmRun(dir, 'check')).toMatch(/Checked \d+ files/);
        await npmRun(dir, 'typecheck');
        const { version } = (await import(join(dir, 'node_modules/typescript/package.json'), { with: { type: 'json' } })).default as {
            version: string;
        };
        expect(version).toMatch(/^7\./);
    }, 120_000);

    it('logs malformed stdin lines to stderr and still answers the next request', async () => {
        const child = spawn(process.execPath, [join(dir, 'dist/index.js')], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const initialize = {
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1.0.0' } },
        };
        child.stdin.write('this is not json\n');
        child.stdin.write('{"json":"but not JSON-RPC"}\n');
        child.stdin.write(`${JSON.stringify(initialize)}\n`);
        await new Promise<void>((resolve) => {
            const poll = setInterval(() => {
                if (stdout.includes('"id":1')) {
                    clearInterval(poll);
                    resolve();
                }
            }, 20);
        });
        child.stdin.end();
        await new Promise((resolve) => child.once('exit', resolve));
        expect(stderr).toContain('stdio: ignored a line that is not JSON: this is not json');
        // The SDK reports JSON that is not a JSON-RPC message through onerror.
        expect(stderr.split('\n').filter((line) => line.startsWith('stdio: '))).toHaveLength(2);
        expect(JSON.parse(stdout.split('\n')[0]!)).toMatchObject({ id: 1, result: { serverInfo: { name: 'toolchain-server' } } });
    }, 60_000);
});

const adminUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!adminUrl)('a PostgreSQL project with maxRows 250 and statementTimeoutMs 2000', () => {
    let dir: string;
    beforeAll(async () => {
        const spec = join(tempDir('cms-spec-'), 'pg.yaml');
        writeFileSync(spec, 'name: pg-options\nsystems:\n  - { type: postgres, maxRows: 250, statementTimeoutMs: 2000 }\n');
        dir = await generateProject('pg-options', ['--spec', spec]);
    }, 300_000);

    it('passes its own check, build and database tests, none skipped', async () => {
        expect(await npmRun(dir, 'check')).toMatch(/Checked \d+ files/);
        await npmRun(dir, 'build');
        const output = await npmRun(dir, 'test', { TEST_DATABASE_URL: adminUrl! });
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/skipped/);
    }, 300_000);
});
