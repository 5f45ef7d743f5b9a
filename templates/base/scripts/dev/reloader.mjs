/**
 * The reload loop of the dev server. On every change under the watched folders it builds with
 * esbuild (the options of scripts/build.mjs, incrementally) and type-checks with tsc, both at once;
 * starts the build as a new child process (scripts/dev/child.mjs), which lists what it exposes;
 * and only when all of that succeeded hands the new version to the transport, which moves the
 * connected clients over. The replaced version finishes what it was asked, then gets SIGTERM.
 *
 * Why a process per version: whatever a version holds (connection pools opened at module scope,
 * timers, workers, sockets) goes with its process, so nothing builds up across reloads, and a
 * version that crashes cannot take the dev server down. Its entry (src/index.ts) shuts down on
 * SIGTERM as in production; one that does not within 5 s is killed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { options as buildOptions } from '../build.mjs';
import { countSurface, diffSurfaces } from './surface.mjs';

/** The folders whose changes reload the server, relative to the project (those that exist are watched). */
const WATCHED = ['src', 'ui'];
/** Quiet time after a change before building: one save, or `create-mcp-server add`, writes several files. */
const SETTLE_MS = 30;
/** How long a replaced version may take to answer what it was asked before it is stopped anyway. */
const DRAIN_MS = 30_000;
/** How long a version has to exit after SIGTERM before it is killed. */
const STOP_MS = 5_000;
/** A serving version that exits is started again, unless it was itself restarted this shortly before. */
const CRASH_LOOP_MS = 5_000;
/** The line the entry prints once it serves: it names the child's private port, so the log leaves it out. */
const SERVING_LINE = /^MCP server (listening on|running on) /;

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Starts the loop in the project at `root`. `mode` is `http`, `stdio` or `watch` (build, check and
 * list only: a stdio-only project's `npm run dev`). `transport` moves clients from one version to
 * the next (http.mjs, stdio.mjs); `log` writes to stderr. Resolves once the first attempt is done,
 * to `{ close }`.
 */
export async function startReloader({ root, mode, transport, log, env = process.env }) {
    const cache = claimCacheFolder(root);
    const builder = await createBuilder(root, cache, log.color);
    const checker = createChecker(root, cache, log.color);
    const watchers = WATCHED.filter((folder) => existsSync(join(root, folder))).map((folder) => watchTree(root, folder, changed));

    /** Every version whose process has not exited. */
    const running = new Set();
    let builds = 0;
    let served = 0;
    /** The version that serves clients. */
    let serving;
    /** The last failure printed, so that the same error is not printed twice in a row. */
    let lastFailure;
    /** The source files the last build read. */
    let inputs = new Set();
    /** Changes not built yet: the files, and when the first of them happened. */
    let pending = { files: new Set(), since: performance.now() };
    let settleTimer;
    let attempt;
    let queued = false;
    let loop = Promise.resolve();
    let closed = false;

    function changed(file) {
        if (closed) return;
        if (pending.files.size === 0) pending.since = performance.now();
        pending.files.add(file);
        // What is being built is already out of date.
        attempt?.abort();
        clearTimeout(settleTimer);
        settleTimer = setTimeout(schedule, SETTLE_MS);
    }

    /** Runs one attempt after the current one, unless one is waiting already. */
    function schedule() {
        if (queued) return;
        queued = true;
        loop = loop.then(async () => {
            queued = false;
            if (closed) return;
            const batch = pending;
            pending = { files: new Set(), since: performance.now() };
            attempt = new AbortController();
            try {
                await reload(batch, attempt.signal);
            } catch (error) {
                log.error(`the dev server failed on this change: ${error.stack ?? error}`);
            }
        });
    }

    /** Builds, checks and starts the sources as they are now; serves them if all of that succeeds. */
    async function reload({ files, since }, signal) {
        const built = await builder.build();
        if (signal.aborted) return;
        if (!built.ok) return failed('the change does not build', built.message);
        // The changed files to name: sources this build or the last one read (not an editor's temporary files).
        const sources = [...files].filter((file) => inputs.has(file) || built.inputs.includes(file));
        inputs = new Set(built.inputs);
        const unchanged = serving !== undefined && built.fingerprint === serving.fingerprint;
        const checking = checker.check(signal);
        let next;
        if (!unchanged) {
            const folder = join(cache, `build-${++builds}`);
            builder.write(built.files, folder);
            next = startVersion(folder, built.fingerprint);
        }
        const checked = await checking;
        if (signal.aborted || !checked.ok) {
            if (next) void discard(next);
            if (!signal.aborted) failed('the change does not type-check', checked.output);
            return;
        }
        if (!next) {
            if (lastFailure !== undefined) log.info(`fixed: the build is the same as v${serving.number}, which stays`);
            lastFailure = undefined;
            return;
        }
        const started = await next.started;
        if (signal.aborted || !started.ok) {
            void discard(next);
            if (!signal.aborted) failed('the new version does not start', started.output || `it exited (${next.exitStatus})`);
            return;
        }
        try {
            await transport.adopt(next);
        } catch (error) {
            void discard(next);
            return failed('the new version could not take over the connection', error.message);
        }
        next.number = ++served;
        const previous = serving;
        const changes = previous ? diffSurfaces(previous.surface, next.surface) : [];
        // On a reload, clients always hear that the tools changed; resources and prompts when they did.
        serve(next, previous ? new Set(['tools', ...changes.map((c) => c.kind)]) : new Set());
        lastFailure = undefined;
        report(next, previous, changes, sources, since);
        if (previous) void retire(previous);
    }

    /** Moves the clients to `version`, telling them which kinds of items changed. */
    function serve(version, kinds) {
        serving = version;
        transport.switchTo(version, kinds);
        if (mode !== 'watch') void version.exited.then(() => version === serving && !closed && crashed(version));
    }

    /** Prints why a change is not served (once: the same error again gets one line), and keeps what serves. */
    function failed(what, details) {
        const text = details.trimEnd();
        const keeping = serving ? `keeping v${serving.number}` : 'nothing to serve yet';
        if (text === lastFailure) {
            log.error(`${what}: still the error above; ${keeping}`);
            return;
        }
        lastFailure = text;
        log.error(`${what}; ${keeping}:\n${text}`);
        if (!serving) transport.unavailable(`${what}: ${text.split('\n')[0]}`);
    }

    function report(version, previous, changes, sources, since) {
        const ms = Math.round(performance.now() - since);
        if (!previous) {
            log.info(`v${version.number} ${transport.serves} (${ms} ms): ${countSurface(version.surface)}`);
            return;
        }
        const cause =
            sources.length > 0
                ? `, after ${sources.slice(0, 3).join(', ')}${sources.length > 3 ? ` and ${sources.length - 3} more` : ''}`
                : '';
        const lines = changes.map(({ label, added, removed, changed: modified }) => {
            const names = [...added.map((id) => `+ ${id}`), ...removed.map((id) => `- ${id}`), ...modified.map((id) => `~ ${id}`)];
            const shown = names.length > 8 ? [...names.slice(0, 8), `and ${names.length - 8} more`] : names;
            return `  ${`${label}s`.padEnd(10)}${shown.join('  ')}`;
        });
        if (lines.length === 0) lines.push('  no tool, resource or prompt added, removed or changed');
        log.info(`v${version.number} ${transport.serves} (${ms} ms${cause})\n${lines.join('\n')}`);
    }

    /**
     * Starts the build in `folder` as a child process; its `started` resolves to `{ ok, output }`
     * once it listed what it exposes and serves (or exited: `output` is what it printed).
     */
    function startVersion(folder, fingerprint) {
        const version = new Version(folder, fingerprint, log);
        version.started = (async () => {
            for (let tries = 3; ; tries--) {
                const port = mode === 'http' ? await freePort() : undefined;
                version.spawn(root, mode, port, env);
                running.add(version);
                void version.exited.then(() => running.delete(version));
                const started = await version.ready;
                // Another process took the port between the check and the child's listen: take another.
                if (started.ok || !/EADDRINUSE/.test(started.output) || tries === 1) return started;
            }
        })();
        return version;
    }

    /** Stops a version that will not serve, and removes its build. */
    async function discard(version) {
        await version.started;
        await version.stop();
        if (version.folder !== serving?.folder) rmSync(version.folder, { recursive: true, force: true });
    }

    /** Lets the replaced version answer what it was asked (within DRAIN_MS), then stops it. */
    async function retire(version) {
        let timer;
        await Promise.race([transport.idle(version), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
        clearTimeout(timer);
        transport.abandon(version);
        await discard(version);
    }

    /** The serving version exited on its own: start the same build again, unless it keeps exiting. */
    async function crashed(version) {
        serving = undefined;
        transport.abandon(version);
        if (version.restarts > 0 && performance.now() - version.readyAt < CRASH_LOOP_MS) {
            log.error(`v${version.number} exited (${version.exitStatus}) again right after it was started again; waiting for a change`);
            transport.unavailable(`the server exited (${version.exitStatus}); waiting for a change`);
            rmSync(version.folder, { recursive: true, force: true });
            return;
        }
        log.error(`v${version.number} exited (${version.exitStatus}); starting it again`);
        const again = startVersion(version.folder, version.fingerprint);
        again.restarts = version.restarts + 1;
        const started = await again.started;
        try {
            if (!started.ok) throw new Error(started.output || `it exited (${again.exitStatus})`);
            await transport.adopt(again);
        } catch (error) {
            void discard(again);
            return failed(`v${version.number} does not start again`, error.message);
        }
        // A change was served meanwhile: it replaces the crashed version.
        if (serving || closed) return void discard(again);
        again.number = version.number;
        serve(again, new Set());
        log.info(`v${again.number} ${transport.serves} again`);
    }

    schedule();
    await loop;
    return {
        /** Stops watching, stops every version, and removes the build folders. */
        async close() {
            closed = true;
            clearTimeout(settleTimer);
            attempt?.abort();
            for (const watcher of watchers) watcher.close();
            await loop;
            await Promise.all([...running].map((version) => version.stop()));
            await builder.dispose();
            rmSync(cache, { recursive: true, force: true });
        },
    };
}

/** One build, running as a child process. */
class Version {
    number = 0;
    /** How many times this build was started again after it exited on its own. */
    restarts = 0;
    surface = {};
    readyAt = 0;
    exitStatus = '';
    stopping = false;

    constructor(folder, fingerprint, log) {
        this.folder = folder;
        this.fingerprint = fingerprint;
        this.log = log;
    }

    /** Starts the process; `ready` resolves once it reports what it exposes, or exits. */
    spawn(root, mode, port, env) {
        const args = [...(mode === 'watch' ? ['--list-only'] : []), ...(mode === 'http' ? ['--http'] : [])];
        this.port = port;
        this.child = spawn(process.execPath, ['--enable-source-maps', CHILD, this.folder, ...args], {
            cwd: root,
            env: port === undefined ? env : { ...env, HOST: '127.0.0.1', PORT: String(port) },
            // On stdio, the child's stdin and stdout are the client's connection, through the proxy.
            stdio: [mode === 'stdio' ? 'pipe' : 'ignore', mode === 'stdio' ? 'pipe' : 'inherit', 'pipe', 'ipc'],
        });
        this.exited = new Promise((resolve) =>
            this.child.once('exit', (code, signal) => {
                this.exitStatus = signal ?? `code ${code}`;
                resolve();
            }),
        );
        // Until it serves, its output is kept: it is the error, should it fail. Then it goes to the log.
        let output = '';
        let serving = false;
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', (text) => {
            if (!serving) output += text;
            else if (!this.stopping) this.log.write(text);
        });
        this.ready = new Promise((resolve) => {
            this.child.once('message', ({ surface }) => {
                serving = true;
                this.surface = surface;
                this.readyAt = performance.now();
                const rest = output.split('\n').filter((line) => !SERVING_LINE.test(line));
                if (rest.join('').trim() !== '') this.log.write(rest.join('\n'));
                resolve({ ok: true });
            });
            // 'close' comes after every message of the child was read, unlike 'exit'.
            this.child.once('close', () => resolve({ ok: false, output }));
        });
    }

    /** SIGTERM, then SIGKILL if it has not exited within STOP_MS. Resolves once it exited. */
    async stop() {
        if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
        this.stopping = true;
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_MS);
        await this.exited;
        clearTimeout(timer);
    }
}

/**
 * Calls `onchange(path)` for every change under `folder` (paths relative to `root`, with `/`). One
 * watcher per directory, rather than `{ recursive: true }`: on Linux, Node 20's recursive watch loses
 * a file once an editor has replaced it (saved to a temporary file, renamed over it).
 */
function watchTree(root, folder, onchange) {
    const watchers = new Map();
    const isDirectory = (path) => statSync(join(root, path), { throwIfNoEntry: false })?.isDirectory() ?? false;
    const add = (directory) => {
        if (watchers.has(directory)) return;
        const watcher = watch(join(root, directory), (event, name) => {
            const path = `${directory}/${name}`;
            if (event === 'rename' && isDirectory(path)) addTree(path);
            else if (event === 'rename') removeTree(path);
            onchange(path);
        });
        // The directory went away.
        watcher.on('error', () => removeTree(directory));
        watchers.set(directory, watcher);
        for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
            if (entry.isDirectory()) add(`${directory}/${entry.name}`);
        }
    };
    const addTree = (directory) => {
        try {
            add(directory);
        } catch {
            // Gone again already; its parent's watcher reports that.
        }
    };
    const removeTree = (path) => {
        for (const [directory, watcher] of watchers) {
            if (directory === path || directory.startsWith(`${path}/`)) {
                watcher.close();
                watchers.delete(directory);
            }
        }
    };
    addTree(folder);
    return { close: () => removeTree(folder) };
}

/**
 * This process's folder for builds, under node_modules/.cache (inside the project, so the builds
 * resolve the project's packages as dist/ does). Folders left by dev servers that are gone are removed.
 */
function claimCacheFolder(root) {
    const parent = join(root, 'node_modules/.cache/mcp-dev');
    mkdirSync(parent, { recursive: true });
    for (const name of readdirSync(parent)) {
        const pid = Number(name);
        if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) rmSync(join(parent, name), { recursive: true, force: true });
    }
    const folder = join(parent, String(process.pid));
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    return folder;
}

function isRunning(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return error.code === 'EPERM';
    }
}

/** esbuild with the project's options, kept warm between builds; the output stays in memory until written. */
async function createBuilder(root, cache, color) {
    const outdir = join(cache, 'out');
    const context = await esbuild.context({
        ...buildOptions,
        absWorkingDir: root,
        outdir,
        write: false,
        metafile: true,
        logLevel: 'silent',
    });
    return {
        /** Resolves to `{ ok, files, fingerprint, inputs }` (the source files it read), or `{ ok: false, message }`. */
        async build() {
            try {
                const { outputFiles, metafile } = await context.rebuild();
                const hash = createHash('sha256');
                for (const file of [...outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1)))
                    hash.update(file.path).update(file.contents);
                return { ok: true, files: outputFiles, fingerprint: hash.digest('hex'), inputs: Object.keys(metafile.inputs) };
            } catch (error) {
                if (!Array.isArray(error.errors)) throw error;
                const messages = await esbuild.formatMessages(error.errors, { kind: 'error', color });
                return { ok: false, message: messages.join('') };
            }
        },
        /** Writes a build's files into `folder`, laid out as in dist/. */
        write(files, folder) {
            for (const file of files) {
                const path = join(folder, relative(outdir, file.path));
                mkdirSync(dirname(path), { recursive: true });
                writeFileSync(path, file.contents);
            }
        },
        dispose: () => context.dispose(),
    };
}

/**
 * tsc --noEmit over src/ (tests are not what is served, so their errors do not hold a reload back),
 * with the project's tsconfig.json, incremental between checks.
 */
function createChecker(root, cache, color) {
    const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
    const config = join(cache, 'tsconfig.json');
    const settings = {
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, incremental: true, tsBuildInfoFile: join(cache, 'tsbuildinfo') },
        include: [join(root, 'src')],
    };
    writeFileSync(config, `${JSON.stringify(settings, null, 2)}\n`);
    return {
        /** Resolves to `{ ok, output }`; stops tsc when `signal` aborts. */
        check(signal) {
            return new Promise((resolve) => {
                // Its own process group, so that stopping it stops the compiler the tsc script starts.
                const child = spawn(process.execPath, [tsc, '-p', config, '--pretty', String(color)], {
                    cwd: root,
                    detached: process.platform !== 'win32',
                    stdio: ['ignore', 'pipe', 'pipe'],
                });
                let output = '';
                child.stdout.on('data', (chunk) => (output += chunk));
                child.stderr.on('data', (chunk) => (output += chunk));
                const stop = () => {
                    try {
                        if (process.platform === 'win32') child.kill();
                        else process.kill(-child.pid, 'SIGKILL');
                    } catch {
                        // It has exited already.
                    }
                };
                signal.addEventListener('abort', stop, { once: true });
                child.once('close', (code) => {
                    signal.removeEventListener('abort', stop);
                    resolve({ ok: code === 0, output });
                });
            });
        },
    };
}

/** A port nobody listens on right now, on loopback. */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = createNetServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}
