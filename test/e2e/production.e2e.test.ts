/**
 * A server made with `--with redis,telemetry,kubernetes`, run as two instances on loopback against a
 * real redis-server and an OTLP receiver written here: the instances share one rate limit, a change
 * raised on one reaches a client listening on the other, every MCP request arrives as a span with its
 * conventional name, attributes and parent (over http/json from one instance, http/protobuf from the
 * other); Redis stopped makes /readyz answer 503 naming it while requests are still served, and Redis
 * started again brings readiness back; SIGTERM during a slow call lets it finish and exits 0; nothing
 * of OpenTelemetry is loaded without its endpoint; and the manifests render with `kubectl kustomize`.
 * The project's own `npm test` runs first, its Redis tests against the same redis-server.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { activeIntegrations, envOf } from '../../src/integrations/index.js';
import { tempDir } from '../cli/run.js';
import { type HttpServer, connectStdio, freePort, generateProject, npmRun, projectSpec, startHttp } from './harness.js';

const hasRedis = commandExists('redis-server');
const hasKubectl = commandExists('kubectl');

function commandExists(command: string): boolean {
    try {
        execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
        return true;
    } catch {
        return false;
    }
}

/** Resolves once `check` passes, trying again every 50 ms (the caller's test timeout bounds it). */
async function eventually<T>(check: () => Promise<T> | T): Promise<T> {
    for (;;) {
        try {
            return await check();
        } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// A redis-server of our own, on a free loopback port, that the tests stop and start again.

class RedisServer {
    #process?: ChildProcess;
    readonly dir = tempDir('cms-redis-');

    constructor(readonly port: number) {}

    get url(): string {
        return `redis://127.0.0.1:${this.port}`;
    }

    async start(): Promise<void> {
        const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
            stdio: 'ignore',
        });
        this.#process = child;
        await eventually(() => this.ping());
    }

    async stop(): Promise<void> {
        const child = this.#process;
        this.#process = undefined;
        if (!child || child.exitCode !== null) return;
        await new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGTERM');
        });
    }

    /** PING over a raw connection; rejects unless Redis answers PONG. */
    ping(): Promise<void> {
        return new Promise((resolve, reject) => {
            const socket = connect(this.port, '127.0.0.1');
            socket.setEncoding('utf8');
            socket.once('error', reject);
            socket.once('data', (reply: string) => {
                socket.destroy();
                if (reply.startsWith('+PONG')) resolve();
                else reject(new Error(reply));
            });
            socket.write('PING\r\n');
        });
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// An OTLP receiver: OTLP/HTTP with JSON or protobuf bodies, the spans decoded from either.

interface ReceivedSpan {
    traceId: string;
    spanId: string;
    parentSpanId: string;
    name: string;
    kind: number;
    attributes: Record<string, string | number | boolean>;
}

interface Export {
    path: string;
    contentType: string;
    body: Buffer;
}

/** The fields of a protobuf message: number, wire type, and the value (varint, or bytes). */
function protobufFields(buffer: Buffer): { field: number; value: bigint | Buffer }[] {
    const fields: { field: number; value: bigint | Buffer }[] = [];
    let at = 0;
    const varint = (): bigint => {
        let value = 0n;
        for (let shift = 0n; ; shift += 7n) {
            const byte = buffer[at++]!;
            value |= BigInt(byte & 0x7f) << shift;
            if ((byte & 0x80) === 0) return value;
        }
    };
    while (at < buffer.length) {
        const key = Number(varint());
        const wire = key & 7;
        if (wire === 0) fields.push({ field: key >> 3, value: varint() });
        else if (wire === 2) {
            const length = Number(varint());
            fields.push({ field: key >> 3, value: buffer.subarray(at, at + length) });
            at += length;
        } else if (wire === 1 || wire === 5) {
            const length = wire === 1 ? 8 : 4;
            fields.push({ field: key >> 3, value: buffer.subarray(at, at + length) });
            at += length;
        } else throw new Error(`unexpected protobuf wire type ${wire}`);
    }
    return fields;
}

const bytes = (fields: { field: number; value: bigint | Buffer }[], number: number) =>
    fields.filter((f) => f.field === number && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);

/** ExportTraceServiceRequest → ResourceSpans (1) → ScopeSpans (2) → Span (2), as opentelemetry-proto numbers them. */
function protobufSpans(body: Buffer): ReceivedSpan[] {
    return bytes(protobufFields(body), 1).flatMap((resourceSpans) =>
        bytes(protobufFields(resourceSpans), 2).flatMap((scopeSpans) =>
            bytes(protobufFields(scopeSpans), 2).map((encoded) => {
                const span = protobufFields(encoded);
                const hex = (n: number) => bytes(span, n)[0]?.toString('hex') ?? '';
                const attributes = Object.fromEntries(
                    bytes(span, 9).map((keyValue) => {
                        const kv = protobufFields(keyValue);
                        const anyValue = protobufFields(bytes(kv, 2)[0] ?? Buffer.alloc(0))[0];
                        const value = Buffer.isBuffer(anyValue?.value) ? anyValue.value.toString('utf8') : Number(anyValue?.value ?? 0);
                        return [bytes(kv, 1)[0]?.toString('utf8') ?? '', value];
                    }),
                );
                return {
                    traceId: hex(1),
                    spanId: hex(2),
                    parentSpanId: hex(4),
                    name: bytes(span, 5)[0]?.toString('utf8') ?? '',
                    kind: Number(span.find((f) => f.field === 6)?.value ?? 0),
                    attributes,
                };
            }),
        ),
    );
}

function jsonSpans(body: Buffer): ReceivedSpan[] {
    type JsonSpan = {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes: { key: string; value: Record<string, unknown> }[];
    };
    const document = JSON.parse(body.toString('utf8')) as { resourceSpans: { scopeSpans: { spans: JsonSpan[] }[] }[] };
    return document.resourceSpans.flatMap((r) =>
        r.scopeSpans.flatMap((s) =>
            s.spans.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId ?? '',
                name: span.name,
                kind: span.kind,
                attributes: Object.fromEntries(span.attributes.map((a) => [a.key, Object.values(a.value)[0] as string])),
            })),
        ),
    );
}

function startReceiver(): Promise<{ server: Server; url: string; exports: Export[] }> {
    const exports: Export[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const contentType = req.headers['content-type'] ?? '';
            exports.push({ path: req.url ?? '', contentType, body: Buffer.concat(chunks) });
            // An empty ExportServiceResponse: `{}` in JSON, no bytes in protobuf.
            res.writeHead(200, { 'content-type': contentType }).end(contentType.includes('json') ? '{}' : '');
        });
    });
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports }));
    });
}

// ---------------------------------------------------------------------------------------------------------------------

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const HEADER_PARENT = 'b7ad6b7169203331';
const META_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const META_PARENT = '00f067aa0ba902b7';

/** The spec: a tool limited per caller, one that announces a change, one that takes its time. */
const SPEC = `
name: fleet
description: Two instances behind a balancer
transports: [stdio, http]
systems: [redis, telemetry, kubernetes]
tools:
  - name: limited
    description: Limited to two calls an hour per caller
    rateLimit: 2/hour
  - name: announce
    description: Announces that the list of tools changed
  - name: slow
    description: Answers after ms milliseconds
    input:
      ms: { type: integer, minimum: 1, maximum: 60000 }
`;

interface Instance extends HttpServer {
    stderr: () => string;
}

describe.skipIf(!hasRedis)('production: two instances, Redis, OpenTelemetry, Kubernetes', () => {
    let dir: string;
    let redis: RedisServer;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const instances: Instance[] = [];
    let a: Instance;
    let b: Instance;

    /** Starts `node dist/index.js` with the shared settings, keeping its stderr. */
    async function instance(env: Record<string, string>): Promise<Instance> {
        const server = await startHttp(dir, ['--http'], {
            REDIS_URL: redis.url,
            RATE_LIMIT: '100/hour',
            // The tests speak for many callers through this proxy.
            TRUSTED_PROXIES: '127.0.0.1',
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_BSP_SCHEDULE_DELAY: '100',
            ...env,
        });
        let stderr = '';
        server.process.stderr?.on('data', (chunk) => (stderr += chunk));
        const started = { ...server, stderr: () => stderr };
        instances.push(started);
        await eventually(async () => expect((await fetch(new URL('/readyz', server.url))).status).toBe(200));
        return started;
    }

    /** A client of `url` speaking for `caller` (the address the proxy forwards). */
    async function clientOf(url: string, caller: string, mode: 'legacy' | 'auto' = 'auto'): Promise<Client> {
        const client = new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode } });
        await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-forwarded-for': caller } } }));
        return client;
    }

    beforeAll(async () => {
        redis = new RedisServer(await freePort());
        await redis.start();
        receiver = await startReceiver();

        const specDir = tempDir('cms-fleet-spec-');
        writeFileSync(join(specDir, 'fleet.yaml'), SPEC);
        dir = await generateProject('fleet', ['--spec', join(specDir, 'fleet.yaml')]);
        // The project's own tests first, its Redis ones against this redis-server.
        await npmRun(dir, 'test', { TEST_REDIS_URL: redis.url });

        // What a developer writes: `announce` publishes a change, `slow` waits.
        const announce = join(dir, 'src/tools/announce.ts');
        writeFileSync(
            announce,
            readFileSync(announce, 'utf8').replace('async (args) => {', "async (args) => {\n            catalog.bus.publish({ kind: 'tools_list_changed' });"),
        );
        const slow = join(dir, 'src/tools/slow.ts');
        writeFileSync(
            slow,
            readFileSync(slow, 'utf8').replace(
                'async (args) => {',
                "async (args) => {\n            console.error('slow: started');\n            await new Promise((resolve) => setTimeout(resolve, args.ms));",
            ),
        );
        await npmRun(dir, 'build');

        a = await instance({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
        b = await instance({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    }, 600_000);

    afterAll(async () => {
        await Promise.all(instances.map((i) => (i.process.exitCode === null ? i.stop() : undefined)));
        await redis?.stop();
        await new Promise((resolve) => receiver?.server.close(resolve));
    });

    it('counts one rate limit across both instances', async () => {
        const callLimited = async (server: Instance) => {
            const client = await clientOf(server.url, '198.51.100.1', 'legacy');
            try {
                return await client.callTool({ name: 'limited', arguments: {} });
            } finally {
                await client.close();
            }
        };
        // Two calls an hour for this caller: one on each instance, then the third is refused.
        expect((await callLimited(a)).isError).toBeFalsy();
        expect((await callLimited(b)).isError).toBeFalsy();
        await expect(callLimited(a)).rejects.toThrow(/429|rate limit/i);

        // The same caller is refused on either instance, with the time left; another caller is not.
        const call = (server: Instance, caller: string) =>
            fetch(server.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-forwarded-for': caller },
                body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'limited', arguments: {} } }),
            });
        const refused = await call(b, '198.51.100.1');
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((await call(b, '198.51.100.2')).status).toBe(200);
    });

    it('counts RATE_LIMIT per caller across both instances too', async () => {
        const probe = (server: Instance) =>
            fetch(server.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-forwarded-for': '198.51.100.3' },
                body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
            }).then((response) => response.status);
        const statuses: number[] = [];
        for (let i = 0; i < 101; i++) statuses.push(await probe(i % 2 === 0 ? a : b));
        expect(statuses.slice(0, 100).every((status) => status === 200)).toBe(true);
        expect(statuses[100]).toBe(429);
    });

    it('delivers a change raised on one instance to a client listening on the other', async () => {
        const listener = await clientOf(b.url, '198.51.100.4');
        const changed = new Promise<void>((resolve) => listener.setNotificationHandler('notifications/tools/list_changed', async () => resolve()));
        const subscription = await listener.listen({ toolsListChanged: true });
        expect(subscription.honoredFilter.toolsListChanged).toBe(true);

        const raiser = await clientOf(a.url, '198.51.100.5');
        await raiser.callTool({ name: 'announce', arguments: {} });
        await changed;
        await subscription.close();
        await Promise.all([listener.close(), raiser.close()]);
    });

    it('keeps serving while Redis is down: /readyz names Redis, one warning; ready again once it is back', async () => {
        await redis.stop();
        const down = await eventually(async () => {
            const response = await fetch(new URL('/readyz', a.url));
            expect(response.status).toBe(503);
            return (await response.json()) as { down: Record<string, string> };
        });
        expect(Object.keys(down.down)).toEqual(['Redis']);

        // Requests are still served, counted per instance.
        for (const server of [a, b]) {
            const client = await clientOf(server.url, '198.51.100.6', 'legacy');
            expect((await client.callTool({ name: 'limited', arguments: {} })).isError).toBeFalsy();
            await client.close();
        }
        // Reconnection attempts go on meanwhile; each instance has warned once.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        for (const server of [a, b]) expect(server.stderr().match(/is unreachable/g)).toHaveLength(1);

        await redis.start();
        for (const server of [a, b]) {
            await eventually(async () => expect((await fetch(new URL('/readyz', server.url))).status).toBe(200));
            expect(server.stderr()).toMatch(/is back/);
        }
    });

    it('exports a span per request, named and parented as the conventions say, over http/json and http/protobuf', async () => {
        const traced = (server: Instance, id: number, meta?: Record<string, string>) =>
            fetch(server.url, {
                method: 'POST',
                headers: {
                    'content-type': 'application/json',
                    accept: 'application/json, text/event-stream',
                    'x-forwarded-for': '198.51.100.7',
                    traceparent: `00-${TRACE}-${HEADER_PARENT}-01`,
                },
                body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'announce', arguments: {}, ...(meta && { _meta: meta }) } }),
            }).then((response) => response.text());
        await traced(a, 9001);
        await traced(b, 9002);
        await traced(a, 9003, { traceparent: `00-${META_TRACE}-${META_PARENT}-01` });
        await traced(b, 9004, { traceparent: `00-${META_TRACE}-${META_PARENT}-01` });

        const spansOf = (kind: 'json' | 'protobuf') =>
            receiver.exports
                .filter((e) => e.path === '/v1/traces' && e.contentType.includes(kind === 'json' ? 'application/json' : 'protobuf'))
                .flatMap((e) => (kind === 'json' ? jsonSpans(e.body) : protobufSpans(e.body)));
        const byId = (spans: ReceivedSpan[], id: number) => spans.find((span) => span.attributes['jsonrpc.request.id'] === String(id));
        const [json, protobuf] = await eventually(() => {
            const both = [spansOf('json'), spansOf('protobuf')] as const;
            expect(byId(both[0], 9003)).toBeDefined();
            expect(byId(both[1], 9004)).toBeDefined();
            return both;
        });

        for (const [spans, headerId, metaId] of [
            [json, 9001, 9003],
            [protobuf, 9002, 9004],
        ] as const) {
            const fromHeader = byId(spans, headerId);
            expect(fromHeader).toMatchObject({ name: 'tools/call announce', kind: 2, traceId: TRACE, parentSpanId: HEADER_PARENT });
            expect(fromHeader?.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'announce' });
            expect(byId(spans, metaId)).toMatchObject({ traceId: META_TRACE, parentSpanId: META_PARENT });
        }
        // Failures carry error.type: the call refused by the rate limit is not an MCP request handled;
        // a tool called past its schema is a JSON-RPC error.
        await fetch(a.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-forwarded-for': '198.51.100.8' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 9005, method: 'tools/call', params: { name: 'slow', arguments: { ms: 'soon' } } }),
        }).then((response) => response.text());
        const failed = await eventually(() => {
            const span = byId(spansOf('json'), 9005);
            expect(span).toBeDefined();
            return span;
        });
        expect(failed?.name).toBe('tools/call slow');
        expect(String(failed?.attributes['error.type'])).toMatch(/^(-32\d{3}|tool_error)$/);
    });

    it('lets a slow call finish on SIGTERM, fails readiness at once, takes no new connection, and exits 0', async () => {
        const client = await clientOf(a.url, '198.51.100.9', 'legacy');
        const call = client.callTool({ name: 'slow', arguments: { ms: 1_500 } });
        await eventually(() => expect(a.stderr()).toContain('slow: started'));

        // A readiness probe half sent before the signal, finished after it.
        const { port } = new URL(a.url);
        const socket = connect(Number(port), '127.0.0.1');
        socket.setEncoding('utf8');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');

        const exited = new Promise<number | null>((resolve) => a.process.once('exit', resolve));
        a.process.kill('SIGTERM');
        await eventually(() => expect(a.stderr()).toContain('Received SIGTERM'));
        const readiness = new Promise<string>((resolve) => socket.once('data', (chunk: string) => resolve(chunk)));
        socket.write('\r\n');
        expect(await readiness).toMatch(/^HTTP\/1\.1 503/);
        socket.destroy();
        await expect(fetch(new URL('/healthz', a.url))).rejects.toThrow();

        const result = await call;
        expect(result.isError).toBeFalsy();
        expect(JSON.stringify(result.content)).toContain('Skeleton tool slow');
        expect(await exited).toBe(0);
        await client.close().catch(() => {});

        // What it exported last went out before it exited: the histogram among it.
        expect(receiver.exports.some((e) => e.path === '/v1/metrics' && e.body.includes('mcp.server.operation.duration'))).toBe(true);
    });

    it('loads nothing of OpenTelemetry without OTEL_EXPORTER_OTLP_ENDPOINT, and nothing of it or Redis on stdio', async () => {
        // A resolve hook writes down every module a process loads; the bundle's chunks it loaded are then read.
        const hooksDir = tempDir('cms-loads-');
        writeFileSync(
            join(hooksDir, 'hooks.mjs'),
            `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    if (process.env.LOADED_LOG) appendFileSync(process.env.LOADED_LOG, resolved.url + '\\n');
    return resolved;
}
`,
        );
        const hooks = join(hooksDir, 'register.mjs');
        writeFileSync(hooks, "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
        const loadedChunks = (log: string) =>
            [...new Set(readFileSync(log, 'utf8').split('\n'))]
                .filter((url) => url.startsWith('file:') && url.includes('/dist/'))
                .map((url) => readFileSync(new URL(url), 'utf8'));
        // Text found only in the OpenTelemetry SDK, in the OpenTelemetry API, and in the Redis client.
        const sdk = (chunks: string[]) => chunks.some((text) => text.includes('BatchSpanProcessorBase'));
        const api = (chunks: string[]) => chunks.some((text) => text.includes('opentelemetry.js.api'));
        const redisClient = (chunks: string[]) => chunks.some((text) => text.includes('The client is offline'));

        // HTTP with Redis and without a collector: the SDK stays out. (The Redis client loads the
        // OpenTelemetry API, which it would report to, a no-op without an SDK.)
        const httpLog = join(hooksDir, 'http.txt');
        const http = await startHttp(dir, ['--http'], { NODE_OPTIONS: `--import=${hooks}`, LOADED_LOG: httpLog, REDIS_URL: redis.url });
        instances.push({ ...http, stderr: () => '' });
        const client = await clientOf(http.url, '198.51.100.10', 'legacy');
        await client.callTool({ name: 'announce', arguments: {} });
        await client.close();
        expect(await http.stop()).toBe(0);
        const httpChunks = loadedChunks(httpLog);
        expect(redisClient(httpChunks)).toBe(true);
        expect(sdk(httpChunks)).toBe(false);

        // stdio, with every variable set: neither OpenTelemetry nor the Redis client.
        const stdioLog = join(hooksDir, 'stdio.txt');
        const stdio = await connectStdio(dir, 'legacy', {
            NODE_OPTIONS: `--import=${hooks}`,
            LOADED_LOG: stdioLog,
            REDIS_URL: redis.url,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        });
        expect((await stdio.listTools()).tools.map((t) => t.name)).toContain('slow');
        await stdio.close();
        const stdioChunks = loadedChunks(stdioLog);
        expect(stdioChunks.length).toBeGreaterThan(0);
        expect(api(stdioChunks) || sdk(stdioChunks) || redisClient(stdioChunks)).toBe(false);
    });

    it.skipIf(!hasKubectl)('renders manifests with kubectl kustomize: probes, replicas, security, secrets only in the Secret', () => {
        const rendered = execFileSync('kubectl', ['kustomize', join(dir, 'deploy/kubernetes')], { encoding: 'utf8' });
        const objects = parseAllDocuments(rendered).map((d) => d.toJSON() as Record<string, any>);
        const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
        expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service']);

        const [deployment] = byKind('Deployment');
        expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
        const pod = deployment.spec.template.spec;
        const [container] = pod.containers;
        expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
        expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
        expect(container.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
        expect(container.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(container.resources.limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        const preStop = Number(container.lifecycle.preStop.exec.command[1]);
        expect(preStop).toBeGreaterThan(0);

        const [configMap] = byKind('ConfigMap');
        const [secret] = byKind('Secret');
        const shutdownSeconds = Number(configMap.data.SHUTDOWN_TIMEOUT_MS) / 1000;
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + shutdownSeconds);
        expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secret.metadata.name } }]);
        expect(container.image).toBe(`fleet:${projectSpec(dir).version}`);

        // Every variable the server reads is in one of them; the secret ones only in the Secret.
        const env = activeIntegrations(projectSpec(dir)).flatMap(({ integration, ctx }) => envOf(integration, ctx));
        const configKeys = Object.keys(configMap.data);
        const secretKeys = Object.keys(secret.stringData ?? secret.data ?? {});
        for (const variable of env.filter((v) => v.secret)) {
            expect(secretKeys).toContain(variable.name);
            expect(configKeys).not.toContain(variable.name);
        }
        expect(configKeys).toEqual(expect.arrayContaining(['HOST', 'PORT', 'ALLOWED_HOSTS', 'SHUTDOWN_TIMEOUT_MS']));
        const commented = readFileSync(join(dir, 'deploy/kubernetes/configmap.yaml'), 'utf8');
        for (const variable of env.filter((v) => !v.secret)) expect(commented).toContain(variable.name);

        const [service] = byKind('Service');
        expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
        const [hpa] = byKind('HorizontalPodAutoscaler');
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
        expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
        const [pdb] = byKind('PodDisruptionBudget');
        expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);

        // compose.yaml runs the server with Redis.
        const compose = parseAllDocuments(readFileSync(join(dir, 'compose.yaml'), 'utf8'))[0]!.toJSON() as Record<string, any>;
        expect(Object.keys(compose.services).sort()).toEqual(['redis', 'server']);
        expect(compose.services.server.environment.REDIS_URL).toBe('redis://redis:6379');
    });
});
