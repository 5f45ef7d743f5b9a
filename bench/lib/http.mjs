/**
 * HTTP throughput of generated servers: the default project against a 1000-tool one and the server
 * generated from GitHub's OpenAPI description (1223 tools, calling a loopback API), each served by
 * its built entry over Streamable HTTP on loopback, loaded by a small client in this process
 * (keep-alive sockets, a fixed concurrency, a bounded number of requests and a time cap).
 *
 * Every request is a stateless 2025-era POST, as a client that does not negotiate the 2026
 * protocol sends it: `tools/call` of one tool of the server. Its cost would grow with the number of
 * tools if the server registered every tool for every request; the ratio of the large servers'
 * requests per second to the default's is the number to watch. An OpenAPI tool call also fetches
 * from the API, which the default's `add` does not: GitHub's server is therefore also compared
 * with a one-operation OpenAPI server calling the same loopback API.
 */
import { spawn } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { median } from './measure.mjs';
import { VALID_ARGUMENTS } from './spec.mjs';

export const HTTP_LOAD = { concurrency: 16, requests: 4000, warmup: 400, maxSeconds: 30, rounds: 3 };

/** Starts `node dist/index.js` in `cwd` on a free port; resolves with its URL and a stop function. */
export function startHttpServer(cwd, env = {}) {
    const child = spawn(process.execPath, ['dist/index.js', '--http'], {
        cwd,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MCP_TRANSPORT: 'http', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    return new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`server in ${cwd} exited with ${code}:\n${stderr}`)));
        createInterface({ input: child.stderr }).on('line', (line) => {
            stderr += `${line}\n`;
            const match = /listening on (\S+)/.exec(line);
            if (!match) return;
            resolve({
                url: new URL(match[1]),
                pid: child.pid,
                stop: () =>
                    new Promise((done) => {
                        child.removeAllListeners('exit');
                        child.once('exit', done);
                        child.kill('SIGTERM');
                    }),
            });
        });
    });
}

/** One POST of a JSON-RPC request (with `headers`, e.g. authorization); resolves with the status and body text. */
function post(agent, url, body, headers = {}) {
    return new Promise((resolve, reject) => {
        const req = http.request(
            url,
            {
                method: 'POST',
                agent,
                headers: {
                    'content-type': 'application/json',
                    accept: 'application/json, text/event-stream',
                    'content-length': Buffer.byteLength(body),
                    ...headers,
                },
            },
            (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (chunk) => (text += chunk));
                res.on('end', () => resolve({ status: res.statusCode, text }));
            },
        );
        req.once('error', reject);
        req.end(body);
    });
}

/**
 * Sends `count` requests (at most `maxSeconds`), `concurrency` at a time on keep-alive sockets,
 * each with `headers(id)`. Returns requests per second and latency percentiles; any answer other
 * than a successful result (or, with `status`, other than that status) throws.
 */
export async function load(url, call, { concurrency, requests, maxSeconds, headers = () => ({}), status: expected }) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const latencies = [];
    let next = 0;
    const deadline = performance.now() + maxSeconds * 1000;
    const worker = async () => {
        while (next < requests && performance.now() < deadline) {
            const id = next++;
            const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: call });
            const start = performance.now();
            const { status, text } = await post(agent, url, body, headers(id));
            latencies.push(performance.now() - start);
            if (expected !== undefined ? status !== expected : status !== 200 || !text.includes('"result"') || text.includes('"isError":true')) {
                throw new Error(`POST ${url} answered ${status}: ${text.slice(0, 300)}`);
            }
        }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - start) / 1000;
    agent.destroy();
    const sorted = latencies.sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { requests: sorted.length, seconds, rps: sorted.length / seconds, p50: median(sorted), p99: at(0.99) };
}

/** A loopback API answering every request with a small JSON body, like GitHub's `GET /`. */
async function startApi() {
    const server = http.createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"current_user_url":"https://api.github.com/user"}');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Starts the server in `cwd`, warms it up, measures it, stops it. */
async function measureServer(cwd, call, options, env = {}) {
    const server = await startHttpServer(cwd, env);
    try {
        await load(server.url, call, { ...options, requests: options.warmup });
        return await load(server.url, call, options);
    } finally {
        await server.stop();
    }
}

/**
 * The bench's HTTP section. `generate(args, cwd)` runs the CLI; `specs` holds `1000.json`;
 * `defaultDir` is the built default project, whose node_modules the 1000-tool project borrows.
 */
export async function httpBench({ root, work, defaultDir, generate, build, log, options = HTTP_LOAD }) {
    const projects = join(work, 'projects');
    const dir = join(projects, 'tools1000');
    generate(['tools1000', '--spec', join(work, 'specs/1000.json'), '--yes', '--no-install', '--no-git'], projects);
    symlinkSync(join(defaultDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
    log('npm run build in the 1000-tool project');
    build(dir);
    const require = createRequire(join(root, 'package.json'));
    const document = join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');
    const github = join(projects, 'github-http');
    generate(['github-http', '--openapi', document, '--yes', '--no-install', '--no-git'], projects);
    symlinkSync(join(defaultDir, 'node_modules'), join(github, 'node_modules'), 'dir');
    log("npm run build in the project made from GitHub's description");
    build(github);
    // The same operation (GET /, `meta_root`), alone in its document.
    const single = join(work, 'one-operation.json');
    writeFileSync(single, JSON.stringify(ONE_OPERATION));
    const small = join(projects, 'openapi-one');
    generate(['openapi-one', '--openapi', single, '--openapi-env-prefix', 'GITHUB', '--yes', '--no-install', '--no-git'], projects);
    symlinkSync(join(defaultDir, 'node_modules'), join(small, 'node_modules'), 'dir');
    build(small);

    log(`HTTP load: ${options.requests} tools/call at concurrency ${options.concurrency} on each server`);
    const api = await startApi();
    // Alternate the servers, so a busy moment of the machine does not hit only one; other work on
    // the machine can only slow a run down, so the best run of each is the fairer comparison.
    const runs = { default: [], tools1000: [], github: [], openapiOne: [] };
    const apiEnv = { GITHUB_BASE_URL: api.url };
    try {
        for (let round = 0; round < options.rounds; round++) {
            runs.default.push(await measureServer(defaultDir, { name: 'add', arguments: { a: 1, b: 2 } }, options));
            runs.tools1000.push(await measureServer(dir, { name: 'tool_0500', arguments: VALID_ARGUMENTS }, options));
            runs.github.push(await measureServer(github, { name: 'meta_root', arguments: {} }, options, apiEnv));
            runs.openapiOne.push(await measureServer(small, { name: 'meta_root', arguments: {} }, options, apiEnv));
        }
    } finally {
        await api.close();
    }
    const best = (list) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
    return {
        options,
        default: best(runs.default),
        tools1000: best(runs.tools1000),
        github: best(runs.github),
        openapiOne: best(runs.openapiOne),
    };
}

/** An OpenAPI document with GitHub's `GET /` alone. */
const ONE_OPERATION = {
    openapi: '3.0.3',
    info: { title: 'GitHub', version: '1.0.0' },
    servers: [{ url: 'https://api.github.com' }],
    paths: { '/': { get: { operationId: 'meta/root', summary: 'GitHub API Root', responses: { 200: { description: 'Response' } } } } },
};

const fmt = (r) => `${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms`;

/** Table rows and target lines of the HTTP section. */
export function httpReport(r) {
    const ratio = r.tools1000.rps / r.default.rps;
    const github = r.github.rps / r.default.rps;
    const githubVsOne = r.github.rps / r.openapiOne.rps;
    return {
        rows: [
            [
                `HTTP tools/call, default server (c=${r.options.concurrency})`,
                fmt(r.default),
                `p50 ${r.default.p50.toFixed(1)} ms`,
                `${r.default.requests} requests`,
            ],
            [`HTTP tools/call, 1000-tool server (c=${r.options.concurrency})`, fmt(r.tools1000), `default: ${fmt(r.default)}`, `×${ratio.toFixed(2)} req/s`],
            [`HTTP tools/call, GitHub OpenAPI server (c=${r.options.concurrency})`, fmt(r.github), 'GET / on a loopback API', `×${github.toFixed(2)} req/s`],
        ],
        targets: [
            { name: "1000-tool HTTP server ≥ 0.8× the default's req/s", pass: ratio >= 0.8, value: `×${ratio.toFixed(2)}` },
            {
                name: 'GitHub OpenAPI HTTP server ≥ 0.8× the req/s of a one-operation OpenAPI server (same API call)',
                pass: githubVsOne >= 0.8,
                value: `×${githubVsOne.toFixed(2)}`,
            },
        ],
    };
}
