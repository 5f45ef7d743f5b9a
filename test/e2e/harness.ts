/**
 * End-to-end helpers: generate a project outside the repository with the built CLI, run its
 * scripts, and talk to its built server with the real SDK client over stdio and HTTP.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { expect } from 'vitest';
import { parseSpecText } from '../../src/core/spec-file.js';
import { type Spec, validateSpec } from '../../src/core/spec.js';
import { BIN, tempDir } from '../cli/run.js';

const exec = promisify(execFile);

export type Mode = 'legacy' | 'auto';

/** A port nobody listens on right now, on loopback. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/** Generates `name` in a fresh temp dir with the given CLI args (install included unless told). */
export async function generateProject(name: string, args: string[]): Promise<string> {
    const cwd = tempDir('cms-e2e-');
    await exec(process.execPath, [BIN, name, '--yes', '--no-git', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
    return join(cwd, name);
}

/** Runs an npm script of the generated project; rejects with its output when it fails. */
export async function npmRun(dir: string, script: string, env: Record<string, string> = {}): Promise<string> {
    try {
        const { stdout, stderr } = await exec('npm', ['run', script], { cwd: dir, env: { ...process.env, ...env }, timeout: 300_000 });
        // Without colors, so tests can read the summary lines.
        return (stdout + stderr).replace(/\u001b\[[0-9;]*m/g, '');
    } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`npm run ${script} failed in ${dir}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
    }
}

/** The spec the project keeps, normalized. */
export function projectSpec(dir: string): Spec {
    const text = readFileSync(join(dir, 'mcp-server.yaml'), 'utf8');
    return validateSpec(parseSpecText(text, 'mcp-server.yaml'), { name: 'x', description: 'x' });
}

export async function connectStdio(dir: string, mode: Mode, env: Record<string, string> = {}): Promise<Client> {
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(
        new StdioClientTransport({
            command: process.execPath,
            args: [join(dir, 'dist/index.js')],
            cwd: dir,
            env: { ...process.env, ...env } as Record<string, string>,
            stderr: 'pipe',
        }),
    );
    return client;
}

export interface HttpServer {
    url: string;
    process: ChildProcess;
    stop: () => Promise<number | null>;
}

/** Starts `node dist/index.js --http` on a free port and waits for its "listening" line. */
export function startHttp(dir: string, args: string[] = ['--http'], env: Record<string, string> = {}): Promise<HttpServer> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(dir, 'dist/index.js'), ...args], {
            cwd: dir,
            env: { ...process.env, PORT: '0', ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`HTTP server did not start: ${stderr}`));
        }, 20_000);
        child.stderr.on('data', (chunk) => {
            stderr += chunk;
            const match = /listening on (http:\/\/\S+)/.exec(stderr);
            if (match) {
                clearTimeout(timer);
                resolve({
                    url: match[1]!,
                    process: child,
                    stop: () =>
                        new Promise((done) => {
                            child.once('exit', (code) => done(code));
                            child.kill('SIGTERM');
                        }),
                });
            }
        });
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`HTTP server exited with ${code}: ${stderr}`));
        });
    });
}

export async function connectHttp(url: string, mode: Mode): Promise<Client> {
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
}

/** A value of the right type for each parameter, and the same with the first one mistyped. */
function argumentsFor(tool: Spec['tools'][number]): { valid: Record<string, unknown>; wrong?: Record<string, unknown> } {
    const valid: Record<string, unknown> = {};
    for (const [key, p] of Object.entries(tool.input)) {
        if (p.default !== undefined) valid[key] = p.default;
        else if (p.enum) valid[key] = p.enum[0];
        else if (p.type === 'array') valid[key] = [];
        else if (p.type === 'string') valid[key] = 'e2e';
        else if (p.type === 'boolean') valid[key] = false;
        else valid[key] = p.minimum ?? Math.min(p.maximum ?? 2, 2);
    }
    const first = Object.entries(tool.input)[0];
    if (!first) return { valid };
    return { valid, wrong: { ...valid, [first[0]]: first[1].type === 'string' ? { not: 'a string' } : 'not the right type' } };
}

/** Checks what a client sees against the spec: tools, resources, templates, prompts, and calls. */
export async function expectServerMatchesSpec(client: Client, spec: Spec): Promise<void> {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(spec.tools.map((t) => t.name).sort());
    for (const tool of spec.tools) {
        const listed = tools.find((t) => t.name === tool.name)!;
        expect(listed.description).toBe(tool.description);
        if (tool.title !== undefined) expect(listed.title).toBe(tool.title);
        expect(Object.keys(listed.inputSchema.properties ?? {})).toEqual(Object.keys(tool.input));
        const required = Object.entries(tool.input)
            .filter(([, p]) => p.required)
            .map(([k]) => k);
        expect([...(listed.inputSchema.required ?? [])].sort()).toEqual(required.sort());
        for (const [key, p] of Object.entries(tool.input)) {
            if (p.description !== undefined) expect((listed.inputSchema.properties![key] as { description?: string }).description).toBe(p.description);
        }

        const { valid, wrong } = argumentsFor(tool);
        const ok = await client.callTool({ name: tool.name, arguments: valid });
        expect(ok.isError, JSON.stringify(ok.content)).toBeFalsy();
        expect(ok.content).not.toHaveLength(0);
        if (wrong) {
            const bad = await client.callTool({ name: tool.name, arguments: wrong });
            expect(bad.isError).toBe(true);
        }
    }

    const staticResources = spec.resources.filter((r) => !r.uri.includes('{'));
    const templates = spec.resources.filter((r) => r.uri.includes('{'));
    const { resources } = await client.listResources();
    for (const r of staticResources) {
        const listed = resources.find((l) => l.uri === r.uri);
        expect(listed?.name).toBe(r.name);
        if (r.description !== undefined) expect(listed?.description).toBe(r.description);
        const { contents } = await client.readResource({ uri: r.uri });
        expect(contents[0]?.uri).toBe(r.uri);
    }
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(templates.map((t) => t.uri).sort());

    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(spec.prompts.map((p) => p.name).sort());
    for (const prompt of spec.prompts) {
        const listed = prompts.find((p) => p.name === prompt.name)!;
        if (prompt.description !== undefined) expect(listed.description).toBe(prompt.description);
        expect((listed.arguments ?? []).map((a) => a.name)).toEqual(prompt.arguments.map((a) => a.name));
        const args = Object.fromEntries(prompt.arguments.map((a) => [a.name, 'e2e']));
        const { messages } = await client.getPrompt({ name: prompt.name, arguments: args });
        expect(messages.length).toBeGreaterThan(0);
    }
}
