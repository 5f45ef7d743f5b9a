/**
 * Timing primitives: medians, interleaved sampling, process wall time, and JSON-RPC over a
 * child's stdio (one JSON message per line, the MCP stdio framing).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function since(start) {
    return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs every task `runs` times, round-robin, after one discarded warm-up round (it fills the
 * file cache), and returns the median milliseconds per task name. Interleaving makes any drift of
 * the machine hit each task alike, so ratios between tasks of one call are fair.
 */
export async function interleaved(runs, tasks) {
    const samples = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
    for (let round = 0; round <= runs; round++) {
        for (const [name, task] of Object.entries(tasks)) {
            const ms = await task();
            if (round > 0) samples[name].push(ms);
        }
    }
    return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** Wall time of one process run to its exit; throws when it fails. */
export function timeRun(command, args, options = {}) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const ms = since(start);
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}`);
    }
    return ms;
}

/** The `initialize` request of a 2025-era client, as the first line a client sends. */
export const INITIALIZE = {
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1.0.0' } },
};

/** A child process spoken to in JSON-RPC lines: requests get ids, responses resolve by id. */
export class StdioRpc {
    #child;
    #nextId = 1;
    #pending = new Map();
    #exited;

    /** `env`, when given, is the child's whole environment (else it inherits this one's). */
    constructor(command, args, cwd, env = process.env) {
        this.#child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        this.#child.stderr.on('data', (chunk) => (stderr += chunk));
        this.#exited = new Promise((resolve) => this.#child.once('exit', resolve));
        this.#child.once('exit', (code) => {
            for (const { reject } of this.#pending.values()) reject(new Error(`${args.join(' ')} exited with ${code}:\n${stderr}`));
        });
        createInterface({ input: this.#child.stdout }).on('line', (line) => {
            const message = JSON.parse(line);
            const pending = this.#pending.get(message.id);
            if (!pending) return; // notifications and log messages
            this.#pending.delete(message.id);
            if (message.error) pending.reject(new Error(`${message.error.code}: ${message.error.message}`));
            else pending.resolve(message.result);
        });
    }

    /** The server's process id (for its memory, in /proc). */
    get pid() {
        return this.#child.pid;
    }

    /** Sends a request and resolves with its result. */
    request(method, params) {
        const id = this.#nextId++;
        return new Promise((resolve, reject) => {
            this.#pending.set(id, { resolve, reject });
            this.#child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
        });
    }

    notify(method, params) {
        this.#child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
    }

    /** Stops the child with SIGTERM and waits for the exit (a server holding open connections exits on EOF only once they idle out). */
    kill() {
        this.#child.kill('SIGTERM');
        return this.#exited;
    }

    /** Closes stdin (an MCP stdio server exits on EOF) and waits for the exit. */
    close() {
        this.#child.stdin.end();
        return this.#exited;
    }
}

/**
 * Cold start of a stdio server: spawn → the `initialize` response line on stdout. The request is
 * written right away; the pipe holds it until the server reads. Returns milliseconds.
 */
export async function coldStart(command, args, cwd) {
    const start = process.hrtime.bigint();
    const rpc = new StdioRpc(command, args, cwd);
    await rpc.request(INITIALIZE.method, INITIALIZE.params);
    const ms = since(start);
    await rpc.close();
    return ms;
}

/** Median round-trip milliseconds of `count` sequential requests on one connection. */
export async function roundTrip(rpc, count, method, params, check = () => {}) {
    const samples = [];
    for (let i = 0; i < count; i++) {
        const start = process.hrtime.bigint();
        const result = await rpc.request(method, params);
        samples.push(since(start));
        check(result);
    }
    return median(samples);
}
