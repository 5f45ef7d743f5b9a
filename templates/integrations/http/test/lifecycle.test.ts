/**
 * Probes and shutdown of the HTTP entry: /healthz and /readyz (what is down, within 2 s, with no
 * authorization, any Host header), and the drain on close(): readiness fails at once, no new
 * connection is taken, a request in flight finishes, one that outlives SHUTDOWN_TIMEOUT_MS is stopped.
 */
import { connect } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningHttpServer, httpOptionsFromEnv, serveHttp } from '../src/http.js';
import { type Dependency, closeDependencies, unavailable } from '../src/lifecycle.js';
import { createServer } from '../src/server.js';

const servers: RunningHttpServer[] = [];
afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Partial<Parameters<typeof serveHttp>[1]> = {}, factory = createServer): Promise<RunningHttpServer> {
    const server = await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], ...options });
    servers.push(server);
    return server;
}

/** GETs `path` of the server and resolves with the status and the JSON body. */
async function probe(server: RunningHttpServer, path: string, headers: Record<string, string> = {}) {
    const response = await fetch(new URL(path, server.url), { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const failing = (name: string, reason: string): Dependency => ({ name, ping: () => Promise.reject(new Error(reason)) });

describe('readiness of dependencies', () => {
    it('names what is down, and why; a dependency without a ping is not asked', async () => {
        const down = await unavailable([
            { name: 'Up', ping: async () => {} },
            failing('Cache', 'connection refused'),
            { name: 'Exporter' },
        ]);
        expect(down).toEqual({ Cache: 'connection refused' });
    });

    it('counts a ping that does not answer in time as down', async () => {
        const down = await unavailable([{ name: 'Slow', ping: () => new Promise(() => {}) }], 50);
        expect(down.Slow).toMatch(/no answer within/);
    });

    it('closes every dependency, also after one fails to close', async () => {
        const closed: string[] = [];
        await closeDependencies([
            { name: 'First', close: () => Promise.reject(new Error('already gone')) },
            { name: 'Second', close: async () => void closed.push('Second') },
        ]);
        expect(closed).toEqual(['Second']);
    });
});

describe('probes', () => {
    it('/healthz answers 200; /readyz 200 when every dependency answers', async () => {
        const server = await start({ dependencies: [{ name: 'Up', ping: async () => {} }] });
        expect(await probe(server, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
        expect(await probe(server, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    });

    it('/readyz answers 503 naming what is down', async () => {
        const server = await start({ dependencies: [failing('Database', 'DATABASE_URL is not set')] });
        expect(await probe(server, '/readyz')).toEqual({
            status: 503,
            body: { status: 'unavailable', down: { Database: 'DATABASE_URL is not set' } },
        });
    });

    it('asks this project’s own dependencies by default', async () => {
        const server = await start();
        const { status, body } = await probe(server, '/readyz');
        const down = await unavailable();
        expect(status).toBe(Object.keys(down).length === 0 ? 200 : 503);
        if (status === 503) expect(Object.keys(body.down as object)).toEqual(Object.keys(down));
    });

    it('needs no authorization, answers any Host (the orchestrator’s), and is never rate limited', async () => {
        const env = { MCP_AUTH: 'token', MCP_AUTH_TOKEN: 'a'.repeat(32), RATE_LIMIT: '1/hour' };
        const server = await start({ ...httpOptionsFromEnv(env), port: 0, dependencies: [] });
        for (let i = 0; i < 3; i++) {
            expect((await probe(server, '/healthz', { host: '10.1.2.3:3000' })).status).toBe(200);
            expect((await probe(server, '/readyz', { host: '10.1.2.3:3000' })).status).toBe(200);
        }
        // /mcp itself still wants the token.
        const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(response.status).toBe(401);
    });

    it('answers only GET and HEAD', async () => {
        const server = await start({ dependencies: [] });
        expect((await fetch(new URL('/readyz', server.url), { method: 'POST' })).status).toBe(405);
    });
});

/** A server with one tool that answers only when the test says so. */
function slowServer() {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
        release = resolve;
    });
    let called: () => void = () => {};
    const started = new Promise<void>((resolve) => {
        called = resolve;
    });
    const factory = () => {
        const server = new McpServer({ name: 'slow', version: '1.0.0' });
        server.registerTool('slow', { description: 'Answers when released' }, async () => {
            called();
            await released;
            return { content: [{ type: 'text', text: 'done' }] };
        });
        return server;
    };
    return { factory, started, release };
}

/**
 * A GET sent in two steps over a raw connection: the request line now, the end of the headers later.
 * A connection in the middle of a request is not idle, so it stays open through the drain, and the
 * answer shows the state of the server when the request completed.
 */
async function startedRequest(url: string, path: string) {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    return {
        /** Ends the headers; resolves with the status line of the answer. */
        finish: () => {
            const answer = new Promise<string>((resolve) => socket.once('data', (chunk: string) => resolve(chunk.split('\r\n')[0] ?? '')));
            socket.write('\r\n');
            return answer.finally(() => socket.destroy());
        },
    };
}

describe('shutdown', () => {
    it('drains: readiness fails at once, no new connection, the call in flight finishes', async () => {
        const { factory, started, release } = slowServer();
        const server = await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], dependencies: [] });
        const client = new Client({ name: 'test', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        expect((await probe(server, '/readyz')).status).toBe(200);
        const readiness = await startedRequest(server.url, '/readyz');

        const call = client.callTool({ name: 'slow', arguments: {} });
        await started;
        const closing = server.close();
        expect(await readiness.finish()).toBe('HTTP/1.1 503 Service Unavailable');
        await expect(fetch(new URL('/healthz', server.url))).rejects.toThrow();

        release();
        expect(await call).toMatchObject({ content: [{ type: 'text', text: 'done' }] });
        await closing;
        await client.close();
    });

    it('stops a call that outlives the shutdown timeout, and still closes', async () => {
        const { factory, started } = slowServer();
        const server = await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], dependencies: [], shutdownTimeoutMs: 100 });
        const client = new Client({ name: 'test', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        const call = client.callTool({ name: 'slow', arguments: {} });
        call.catch(() => {});
        await started;
        await server.close();
        await expect(call).rejects.toThrow();
        await client.close();
    });

    it('reads SHUTDOWN_TIMEOUT_MS, and refuses a bad one', () => {
        const env = { MCP_AUTH: 'none' };
        expect(httpOptionsFromEnv({ ...env, SHUTDOWN_TIMEOUT_MS: '2500' }).shutdownTimeoutMs).toBe(2500);
        expect(httpOptionsFromEnv(env).shutdownTimeoutMs).toBe(10_000);
        expect(() => httpOptionsFromEnv({ ...env, SHUTDOWN_TIMEOUT_MS: 'later' })).toThrow('SHUTDOWN_TIMEOUT_MS must be a whole number');
    });
});
