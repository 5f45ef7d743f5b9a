/**
 * The install step under faults, with the built binary and a real `npm install`:
 * - interrupted mid-install (SIGTERM to the CLI, as `kill` sends; SIGINT to its process group, as a
 *   terminal's Ctrl-C sends; Ctrl-C typed on a real pseudo-terminal): exit 130, the project kept without node_modules, the command that
 *   finishes the job printed, and no npm process left running; a node_modules that was there before
 *   (--force) is kept, and said to be possibly incomplete;
 * - a failing install: npm's own error code and summary line, not its last lines.
 * The registry is a loopback server. For the interruption it passes requests on to the public
 * registry and holds one tarball (zod's) forever, so the install is reliably caught half done:
 * the other packages are in node_modules, and npm waits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, hasScript, startPty } from '../cli/pty-helper.js';
import { BIN, run, tempDir } from '../cli/run.js';

const UPSTREAM = 'https://registry.npmjs.org';

interface Registry {
    url: string;
    /** Tarball requests held open (never answered). */
    held: string[];
    close: () => Promise<void>;
}

/** A registry on loopback: `answer` decides each request (`hold` keeps it open, `pass` fetches it upstream). */
function startRegistry(answer: (url: string) => 'pass' | 'hold' | 'not-found'): Promise<Registry> {
    const held: string[] = [];
    const open = new Set<import('node:http').ServerResponse>();
    const server: Server = createServer(async (req, res) => {
        const path = req.url ?? '/';
        const action = req.method === 'GET' ? answer(path) : 'not-found';
        if (action === 'hold') {
            held.push(path);
            open.add(res);
            return;
        }
        if (action === 'not-found') {
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
            return;
        }
        try {
            const upstream = await fetch(UPSTREAM + path, { headers: { accept: req.headers.accept ?? '*/*' } });
            const body = Buffer.from(await upstream.arrayBuffer());
            const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
            // Packuments name tarballs by absolute URL: point them here.
            const out = type.includes('json') ? body.toString('utf8').replaceAll(`${UPSTREAM}/`, `${registry.url}/`) : body;
            res.writeHead(upstream.status, { 'content-type': type }).end(out);
        } catch {
            res.writeHead(502).end();
        }
    });
    const registry: Registry = {
        url: '',
        held,
        close: () =>
            new Promise((done) => {
                for (const res of open) res.destroy();
                server.close(() => done());
            }),
    };
    return new Promise((resolve) =>
        server.listen(0, '127.0.0.1', () => {
            registry.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            resolve(registry);
        }),
    );
}

/** Processes whose working directory is `dir` or inside it (Linux /proc). */
function processesIn(dir: string): number[] {
    return readdirSync('/proc')
        .filter((e) => /^\d+$/.test(e))
        .filter((pid) => {
            try {
                const cwd = readlinkSync(`/proc/${pid}/cwd`);
                return cwd === dir || cwd.startsWith(`${dir}/`);
            } catch {
                return false;
            }
        })
        .map(Number);
}

/** The CLI, started as users start it; `ended` resolves with its exit code and output. */
function startCli(cwd: string, args: string[], env: Record<string, string>, ownGroup: boolean) {
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
        cwd,
        env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // As a terminal runs it: the leader of its own process group, which Ctrl-C signals as a whole.
        detached: ownGroup,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    return { child, ended };
}

describe.runIf(process.platform === 'linux')('an install interrupted half way', () => {
    let registry: Registry;
    const cache = tempDir('cms-int-cache-');
    beforeAll(async () => {
        registry = await startRegistry((url) => (/\/zod\/-\/zod-[^/]+\.tgz$/.test(url) ? 'hold' : 'pass'));
    });
    afterAll(() => registry?.close());

    const env = () => ({ npm_config_registry: `${registry.url}/`, npm_config_cache: cache, npm_config_audit: 'false', npm_config_fund: 'false' });

    /** Waits until npm waits for zod's tarball while other packages are already in node_modules. */
    async function halfWay(child: ChildProcess, project: string, heldBefore: number): Promise<void> {
        const modules = join(project, 'node_modules');
        while (registry.held.length === heldBefore || !existsSync(modules) || readdirSync(modules).length < 5) {
            expect(child.exitCode, 'the CLI ended before the install was half way').toBeNull();
            await sleep(50);
        }
    }

    it.each([
        ['SIGTERM to the CLI', 'SIGTERM', false],
        ['SIGINT to its process group (Ctrl-C)', 'SIGINT', true],
    ] as const)(
        '%s: keeps the project without node_modules, says how to finish, ends npm, exits 130',
        async (_, signal, ownGroup) => {
            const cwd = tempDir('cms-int-install-');
            const project = join(cwd, 'half');
            const heldBefore = registry.held.length;
            const { child, ended } = startCli(cwd, ['half', '--yes', '--no-git'], env(), ownGroup);
            await halfWay(child, project, heldBefore);
            const npm = processesIn(project);
            expect(npm.length, 'npm runs in the project').toBeGreaterThan(0);

            process.kill(ownGroup ? -child.pid! : child.pid!, signal);
            const { code, stderr } = await ended;

            expect(code, stderr).toBe(130);
            expect(stderr).toContain(`Operation cancelled (${signal}) during npm install: the project in ${project} is kept without node_modules.`);
            expect(stderr).toMatch(/Finish with:\n\n {2}cd half && npm install\n/);
            // Nothing looks installed, the project itself is whole, and npm did not run on.
            expect(existsSync(join(project, 'node_modules'))).toBe(false);
            expect(existsSync(join(project, 'package-lock.json'))).toBe(false);
            expect(existsSync(join(project, 'src', 'server.ts'))).toBe(true);
            expect(processesIn(project)).toEqual([]);
            for (const pid of npm) expect(() => process.kill(pid, 0), `npm (pid ${pid}) still runs`).toThrow();
        },
        300_000,
    );

    it.runIf(hasScript())(
        'Ctrl-C typed on a real terminal: the same',
        async () => {
            const cwd = tempDir('cms-int-tty-');
            const project = join(cwd, 'typed');
            const heldBefore = registry.held.length;
            const session = startPty(process.execPath, [BIN, 'typed', '--yes', '--no-git'], { cwd, env: { ...process.env, ...env() }, timeoutMs: 280_000 });
            await session.waitFor('Installing dependencies with npm', 120_000);
            const modules = join(project, 'node_modules');
            while (registry.held.length === heldBefore || !existsSync(modules) || readdirSync(modules).length < 5) await sleep(50);
            expect(processesIn(project).length, 'npm runs in the project').toBeGreaterThan(0);

            // The terminal turns the keystroke into SIGINT for its foreground process group.
            session.send(KEYS.ctrlC);
            const { code, screen } = await session.exited;
            expect(code, screen).toBe(130);
            expect(screen).toContain('✖ npm install was interrupted');
            expect(screen.replace(/\n/g, ' ')).toContain(
                `Operation cancelled (SIGINT) during npm install: the project in ${project} is kept without node_modules.`,
            );
            expect(screen).toContain('cd typed && npm install');
            expect(existsSync(modules)).toBe(false);
            expect(processesIn(project)).toEqual([]);
        },
        300_000,
    );

    it('keeps a node_modules that was there before (--force), and says it may be incomplete', async () => {
        const cwd = tempDir('cms-int-force-');
        const project = join(cwd, 'forced');
        mkdirSync(join(project, 'node_modules'), { recursive: true });
        writeFileSync(join(project, 'notes.txt'), 'mine');
        const heldBefore = registry.held.length;
        const { child, ended } = startCli(cwd, ['forced', '--yes', '--no-git', '--force'], env(), false);
        await halfWay(child, project, heldBefore);
        process.kill(child.pid!, 'SIGTERM');
        const { code, stderr } = await ended;

        expect(code, stderr).toBe(130);
        expect(stderr).toContain(`during npm install: the project in ${project} is kept, but its node_modules may be incomplete.`);
        expect(existsSync(join(project, 'node_modules'))).toBe(true);
        expect(readFileSync(join(project, 'notes.txt'), 'utf8')).toBe('mine');
        expect(existsSync(join(project, 'package-lock.json'))).toBe(false);
        expect(processesIn(project)).toEqual([]);
    }, 300_000);
});

describe('a failing install', () => {
    let registry: Registry;
    beforeAll(async () => {
        registry = await startRegistry(() => 'not-found');
    });
    afterAll(() => registry?.close());

    it("shows npm's error code and summary line, keeps the project and exits 3", async () => {
        const cwd = tempDir('cms-e404-');
        const result = await run(['missing', '--yes', '--no-git'], {
            cwd,
            env: { npm_config_registry: `${registry.url}/`, npm_config_cache: tempDir('cms-e404-cache-'), npm_config_audit: 'false' },
            timeoutMs: 120_000,
        });
        expect(result.code, result.stderr).toBe(3);
        const warnings = result.stdout.split('\n').filter((l) => l.startsWith('! '));
        expect(warnings[0]).toBe('! npm error code E404');
        expect(warnings[1]).toMatch(new RegExp(`^! npm error 404 Not Found - GET ${registry.url}/\\S+ - Not found$`));
        expect(warnings).toHaveLength(2);
        expect(result.stdout).not.toMatch(/A complete log|^\s+at /m);
        expect(result.stdout).toContain('cd missing && npm install');
        expect(existsSync(join(cwd, 'missing', 'src', 'server.ts'))).toBe(true);
    }, 130_000);
});
