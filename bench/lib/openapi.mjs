/**
 * The OpenAPI system on GitHub's REST API description (1223 operations, from the pinned
 * @octokit/openapi dev dependency): generation, tsc of the generated project, server spawn to a
 * complete tools/list and the size of that list, the cost of a tool call over a bare fetch of the
 * same local endpoint, and the memory and time of calls whose answer is far beyond the caps (1.2 GB
 * made on the fly, as JSON and as an image). Nothing leaves the machine: the API is a node:http
 * server on loopback.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { INITIALIZE, StdioRpc, median, roundTrip, since, timeRun } from './measure.mjs';

const RUNS = { generate: 3, typecheck: 2, start: 5, requests: 200, capped: 3 };
/** The size of the huge answers: more than a server could hold. */
const HUGE = 1.2e9;

/**
 * A loopback API answering every request with a small JSON body, like GitHub's `GET /`; except
 * `/zen` (1.2 GB of JSON) and `/octocat` (1.2 GB of PNG), written as fast as the client reads,
 * until the client hangs up. `sent()` tells how many bytes the last huge answer got out.
 */
async function startApi() {
    let sent = 0;
    const huge = (res, type) => {
        sent = 0;
        res.writeHead(200, { 'content-type': type, 'content-length': String(HUGE) });
        const chunk = Buffer.alloc(64 * 1024, type === 'application/json' ? '{"sha":"0123456789abcdef"},' : 0x89);
        const pump = () => {
            while (!res.destroyed && sent < HUGE) {
                sent += chunk.length;
                if (!res.write(chunk)) return;
            }
            if (sent >= HUGE) res.end();
        };
        res.on('drain', pump);
        pump();
    };
    const server = createServer((req, res) => {
        req.resume();
        if (req.url.startsWith('/zen')) huge(res, 'application/json');
        else if (req.url.startsWith('/octocat')) huge(res, 'image/png');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"current_user_url":"https://api.github.com/user"}');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${server.address().port}`,
        sent: () => sent,
        close: () => {
            server.closeAllConnections();
            return new Promise((resolve) => server.close(resolve));
        },
    };
}

/** A process's resident memory in bytes (Linux), or undefined where /proc is not there. */
function rss(pid) {
    const file = `/proc/${pid}/status`;
    if (!existsSync(file)) return undefined;
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(file, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
}

/**
 * One call whose answer is huge, on a fresh server: milliseconds to the answer, the server's peak
 * memory above its idle memory (sampled every 5 ms), and how much the API got out.
 */
async function cappedCall(node, cwd, api, path) {
    const rpc = new StdioRpc(node, ['dist/index.js'], cwd);
    await rpc.request(INITIALIZE.method, INITIALIZE.params);
    rpc.notify('notifications/initialized');
    const { tools } = await listTools(rpc);
    const tool = tools.find((t) => t.description.endsWith(`GET ${path}`));
    // Idle: listed, settled.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = rss(rpc.pid);
    let peak = idle;
    const sampler = setInterval(() => {
        const now = rss(rpc.pid);
        if (now !== undefined && (peak === undefined || now > peak)) peak = now;
    }, 5);
    const start = process.hrtime.bigint();
    const result = await rpc.request('tools/call', { name: tool.name, arguments: {} });
    const ms = since(start);
    clearInterval(sampler);
    await rpc.close();
    if (result.isError) throw new Error(`tools/call ${tool.name} failed: ${JSON.stringify(result.content)}`);
    const answered = JSON.stringify(result).length;
    return { ms, overIdle: idle === undefined ? undefined : peak - idle, sent: api.sent(), answered };
}

/** A document whose request body is a chain of `n` schemas, each in its own file: `dir/main.yaml`. */
function writeChain(dir, n) {
    mkdirSync(join(dir, 's'), { recursive: true });
    writeFileSync(
        join(dir, 'main.yaml'),
        'openapi: 3.0.3\ninfo: { title: Chain, version: "1" }\npaths:\n  /a:\n    post:\n      operationId: a\n' +
            '      requestBody: { content: { application/json: { schema: { $ref: "s/0.yaml" } } } }\n      responses: {}\n',
    );
    for (let i = 0; i < n; i++) {
        writeFileSync(join(dir, `s/${i}.yaml`), i + 1 < n ? `type: object\nproperties:\n  next: { $ref: "${i + 1}.yaml" }\n` : 'type: string\n');
    }
    return join(dir, 'main.yaml');
}

/** Every tool, page after page (`nextCursor`), and the bytes of the pages. */
async function listTools(rpc) {
    const tools = [];
    let bytes = 0;
    let cursor;
    do {
        const page = await rpc.request('tools/list', cursor === undefined ? {} : { cursor });
        tools.push(...page.tools);
        bytes += JSON.stringify(page).length;
        cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { tools, bytes };
}

/** Spawn → initialize → every page of tools/list; returns milliseconds and the list's size. */
async function startAndList(node, cwd) {
    const start = process.hrtime.bigint();
    const rpc = new StdioRpc(node, ['dist/index.js'], cwd);
    await rpc.request(INITIALIZE.method, INITIALIZE.params);
    rpc.notify('notifications/initialized');
    const { tools, bytes } = await listTools(rpc);
    const ms = since(start);
    await rpc.close();
    return { ms, tools: tools.length, bytes };
}

/**
 * Runs the OpenAPI measurements. `cli(args, cwd)` runs the built CLI and returns milliseconds;
 * `modules` is an installed generated project's node_modules (same dependencies), `minimal` the
 * directory of the minimal SDK server (for the floor of a tools/call round trip).
 */
export async function openapiBench({ root, node, work: parent, cli, modules, minimal, log }) {
    const work = join(parent, 'openapi');
    mkdirSync(work);
    const require = createRequire(join(root, 'package.json'));
    const document = join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');

    log(`OpenAPI: generating from GitHub's description (${RUNS.generate} runs)`);
    const generations = [];
    for (let i = 0; i <= RUNS.generate; i++) {
        const ms = cli([`github${i}`, '--openapi', document, '--yes', '--no-install', '--no-git'], work);
        if (i > 0) generations.push(ms);
    }
    const dir = join(work, 'github0');
    symlinkSync(modules, join(dir, 'node_modules'), 'dir');

    // A document split over many files is read in time linear in their number (each file once).
    log('OpenAPI: $ref chains of 2,500 and 10,000 files (dry runs)');
    const chain = {};
    for (const n of [2500, 10_000]) {
        const main = writeChain(join(work, `chain${n}`), n);
        chain[n] = cli(['chained', '--openapi', main, '--dry-run', '--yes', '--no-install', '--no-git'], work);
    }

    log(`OpenAPI: tsc --noEmit of the generated project (${RUNS.typecheck} runs)`);
    const tsc = join(dir, 'node_modules/typescript/bin/tsc');
    const typechecks = [];
    for (let i = 0; i < RUNS.typecheck; i++) typechecks.push(timeRun(node, [tsc, '--noEmit'], { cwd: dir }));
    timeRun(node, ['scripts/build.mjs'], { cwd: dir });

    const api = await startApi();
    process.env.GITHUB_BASE_URL = api.url;
    try {
        log(`OpenAPI: server spawn to a complete tools/list (${RUNS.start} runs)`);
        const starts = [];
        let listed;
        for (let i = 0; i <= RUNS.start; i++) {
            listed = await startAndList(node, dir);
            if (i > 0) starts.push(listed.ms);
        }

        log(`OpenAPI: tools/call against bare fetch (${RUNS.requests} each)`);
        const fetches = [];
        for (let i = 0; i <= RUNS.requests; i++) {
            const start = process.hrtime.bigint();
            await (await fetch(`${api.url}/`)).text();
            if (i > 0) fetches.push(since(start));
        }
        const call = async (cwd, entry, params) => {
            const rpc = new StdioRpc(node, [entry], cwd);
            await rpc.request(INITIALIZE.method, INITIALIZE.params);
            rpc.notify('notifications/initialized');
            const check = (result) => {
                if (result.isError) throw new Error(`tools/call ${params.name} failed: ${JSON.stringify(result.content)}`);
            };
            await roundTrip(rpc, RUNS.requests, 'tools/call', params, check);
            const ms = await roundTrip(rpc, RUNS.requests, 'tools/call', params, check);
            await rpc.close();
            return ms;
        };
        const apiCall = await call(dir, 'dist/index.js', { name: 'meta_root', arguments: {} });
        const floorCall = await call(minimal, 'minimal-server.mjs', { name: 'echo', arguments: { text: 'bench' } });
        const fetchMs = median(fetches);

        log(`OpenAPI: calls answered with ${HUGE / 1e9} GB (JSON, then an image), ${RUNS.capped} runs each`);
        const capped = {};
        for (const [kind, path] of [
            ['json', '/zen'],
            ['image', '/octocat'],
        ]) {
            const runs = [];
            for (let i = 0; i < RUNS.capped; i++) runs.push(await cappedCall(node, dir, api, path));
            const worst = (key) => (runs.some((r) => r[key] === undefined) ? undefined : Math.max(...runs.map((r) => r[key])));
            capped[kind] = { ms: median(runs.map((r) => r.ms)), overIdle: worst('overIdle'), sent: worst('sent'), answered: worst('answered') };
        }
        return {
            chainSmall: chain[2500],
            chainLarge: chain[10_000],
            operations: listed.tools,
            generate: median(generations),
            typecheck: median(typechecks),
            startAndList: median(starts),
            listBytes: listed.bytes,
            fetch: fetchMs,
            call: apiCall,
            echoCall: floorCall,
            overhead: apiCall - floorCall - fetchMs,
            capped,
        };
    } finally {
        delete process.env.GITHUB_BASE_URL;
        await api.close();
    }
}

const mb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** Table rows and target lines for the report. */
export function openapiReport(r, ms) {
    const capped = Object.entries(r.capped).map(([kind, c]) => [
        `OpenAPI: a call answered with ${HUGE / 1e9} GB of ${kind === 'json' ? 'JSON' : 'PNG'}`,
        ms(c.ms),
        `server +${mb(c.overIdle)} over idle (peak)`,
        `API sent ${mb(c.sent)}, result ${mb(c.answered)}`,
    ]);
    const rows = [
        [`OpenAPI: generate GitHub (${r.operations} tools)`, ms(r.generate), 'target: < 2 s', ''],
        ['OpenAPI: tsc --noEmit of that project', ms(r.typecheck), 'target: < 10 s', ''],
        [
            'OpenAPI: a $ref chain of 10,000 files (dry run)',
            ms(r.chainLarge),
            `2,500 files: ${ms(r.chainSmall)}`,
            `${(r.chainLarge / r.chainSmall).toFixed(1)}× for 4× the files`,
        ],
        ['OpenAPI: spawn → complete tools/list', ms(r.startAndList), 'target: < 1.5 s', `${(r.listBytes / 1024 / 1024).toFixed(1)} MB listed`],
        [
            'OpenAPI: tools/call (GET /) vs bare fetch',
            ms(r.call),
            `fetch ${ms(r.fetch)} + echo tool ${ms(r.echoCall)}`,
            `${r.overhead >= 0 ? '+' : ''}${r.overhead.toFixed(2)} ms`,
        ],
        ...capped,
    ];
    const targets = [
        ["OpenAPI: GitHub's description generates in < 2 s", r.generate < 2000, ms(r.generate)],
        ['OpenAPI: its project typechecks in < 10 s', r.typecheck < 10_000, ms(r.typecheck)],
        ['OpenAPI: 4× the files of a $ref chain take < 5× the time (linear)', r.chainLarge < 5 * r.chainSmall, `${(r.chainLarge / r.chainSmall).toFixed(1)}×`],
        ['OpenAPI: its server starts and lists every tool in < 1.5 s', r.startAndList < 1500, `${ms(r.startAndList)} for ${r.operations} tools`],
        ['OpenAPI: per-call overhead over a bare fetch < 1 ms', r.overhead < 1, `${r.overhead.toFixed(2)} ms`],
        ...Object.entries(r.capped).flatMap(([kind, c]) => [
            [`OpenAPI: a capped call (${kind}) answers in < 2 s`, c.ms < 2000, ms(c.ms)],
            [`OpenAPI: its server stays < 300 MB above idle`, c.overIdle !== undefined && c.overIdle < 300 * 1024 * 1024, `+${mb(c.overIdle)}`],
        ]),
    ].map(([name, pass, value]) => ({ name, pass, value }));
    return { rows, targets };
}
