/**
 * The default project (no spec: one example of each kind) and a hostile-strings project,
 * end to end with a real install.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../cli/run.js';
import { connectStdio, generateProject, npmRun, startHttp } from './harness.js';
import { parseSpecText } from '../../src/core/spec-file.js';
import { validateSpec } from '../../src/core/spec.js';

const exec = promisify(execFile);

describe('the default project', () => {
    let dir: string;
    beforeAll(async () => {
        dir = await generateProject('default-server', []);
        await npmRun(dir, 'build');
    }, 300_000);

    it('passes its own tests', async () => {
        expect(await npmRun(dir, 'test')).toMatch(/Tests\s+\d+ passed/);
    }, 300_000);

    it('runs its examples over stdio', async () => {
        const client = await connectStdio(dir, 'legacy');
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add']);
        const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
        expect(result.structuredContent).toEqual({ sum: 5 });
        const about = await client.readResource({ uri: 'about://server' });
        expect(JSON.parse((about.contents[0] as { text: string }).text)).toMatchObject({ name: 'default-server' });
        const prompt = await client.getPrompt({ name: 'summarize', arguments: { text: 'hello' } });
        expect(JSON.stringify(prompt.messages)).toContain('hello');
        await client.close();
    }, 60_000);

    it('installs again from its lockfile with npm ci, as its CI workflow does', async () => {
        await expect(exec('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 300_000 })).resolves.toBeDefined();
    }, 300_000);

    it('refuses a foreign Origin over HTTP and exits 0 on SIGTERM', async () => {
        const server = await startHttp(dir);
        const response = await fetch(server.url, { method: 'GET', headers: { origin: 'https://evil.example' } });
        expect(response.status).toBe(403);
        expect(await server.stop()).toBe(0);
    }, 60_000);
});

describe('hostile strings', () => {
    let dir: string;
    beforeAll(async () => {
        dir = await generateProject('hostile', ['--spec', join(FIXTURES, 'hostile.yaml')]);
    }, 300_000);

    it('compile under --strict and pass the generated tests', async () => {
        await npmRun(dir, 'build');
        await npmRun(dir, 'typecheck');
        expect(await npmRun(dir, 'test')).toMatch(/Tests\s+\d+ passed/);
    }, 300_000);

    it('reach the client byte for byte', async () => {
        const spec = validateSpec(parseSpecText(readFileSync(join(FIXTURES, 'hostile.yaml'), 'utf8'), 'hostile.yaml'), { name: 'x', description: 'x' });
        const client = await connectStdio(dir, 'auto');
        const [tool] = (await client.listTools()).tools;
        expect(tool!.description).toBe(spec.tools[0]!.description);
        expect(tool!.title).toBe(spec.tools[0]!.title);
        const properties = tool!.inputSchema.properties as Record<string, { description?: string; enum?: unknown[] }>;
        expect(properties['max-rows']!.description).toBe(spec.tools[0]!.input['max-rows']!.description);
        expect(properties.mode).toMatchObject({ description: spec.tools[0]!.input.mode!.description, enum: spec.tools[0]!.input.mode!.enum });
        const [template] = (await client.listResourceTemplates()).resourceTemplates;
        expect(template!.description).toBe(spec.resources[0]!.description);
        expect(template!.mimeType).toBe(spec.resources[0]!.mimeType);
        const [prompt] = (await client.listPrompts()).prompts;
        expect(prompt!.description).toBe(spec.prompts[0]!.description);
        expect(prompt!.arguments![0]!.description).toBe(spec.prompts[0]!.arguments[0]!.description);
        await client.close();
    }, 60_000);
});
