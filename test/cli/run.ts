/** Runs the built CLI as users do: a separate process, no TTY. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/create-mcp-server.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface Run {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

export function tempDir(prefix = 'cms-cli-'): string {
    return mkdtempSync(join(tmpdir(), prefix));
}

/** Spawns the CLI; stdin stays open (like a script that never answers) unless `input` is given. */
export function run(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number }): Promise<Run> {
    return new Promise((resolve, reject) => {
        const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
        for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
        const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        if (options.input !== undefined) child.stdin.end(options.input);
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`create-mcp-server ${args.join(' ')} did not finish in ${options.timeoutMs ?? 30_000} ms\n${stdout}\n${stderr}`));
        }, options.timeoutMs ?? 30_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            child.stdin.destroy();
            resolve({ code, signal, stdout, stderr });
        });
    });
}
