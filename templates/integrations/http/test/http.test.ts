/**
 * The Streamable HTTP entry over a real socket: a client connects through /mcp, the
 * DNS-rebinding guard refuses foreign Host and Origin headers, browsers on allowed origins get
 * CORS, and slow or silent clients are cut off at the timeouts.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { InMemoryServerEventBus, McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type RequestObserver, type RunningHttpServer, httpOptionsFromEnv, serveHttp } from '../src/http.js';
import { catalog, createServer } from '../src/server.js';

describe('Streamable HTTP', () => {
    let server: RunningHttpServer;

    beforeAll(async () => {
        server = await serveHttp(createServer, { host: '127.0.0.1', port: 0, allowedHosts: [] });
    });

    afterAll(async () => {
        await server.close();
    });

    /** POSTs a body with node:http, which (unlike fetch) lets a test set the Host header; resolves to the status. */
    const post = (body: string, headers: Record<string, string> = {}) =>
        new Promise<number>((resolve, reject) => {
            const req = request(server.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
            });
            req.on('response', (res) => {
                res.resume();
                resolve(res.statusCode ?? 0);
            });
            req.on('error', reject);
            req.end(body);
        });

    const initialize = (headers: Record<string, string> = {}) =>
        post(
            JSON.stringify({
                jsonrpc: '2.0',
                id: 1,
                method: 'initialize',
                params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1.0.0' } },
            }),
            headers,
        );

    it.each(['legacy', 'auto'] as const)('serves a real client (version negotiation %s)', async (mode) => {
        const client = new Client({ name: 'test-client', version: '1.0.0' }, { versionNegotiation: { mode } });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        expect(client.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
        const { tools } = await client.listTools();
        expect(Array.isArray(tools)).toBe(true);
        await client.close();
    });

    it('answers a plain initialize request', async () => {
        expect(await initialize()).toBe(200);
    });

    it('refuses a foreign Host header', async () => {
        expect(await initialize({ host: 'evil.example' })).toBe(403);
    });

    it('refuses a foreign Origin header', async () => {
        expect(await initialize({ origin: 'https://evil.example' })).toBe(403);
    });

    it('refuses a body over the 4 MiB limit', async () => {
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(5 * 1024 * 1024) } });
        expect(await post(body)).toBe(413);
    });

    it('serves nothing but /mcp', async () => {
        expect((await fetch(new URL('/other', server.url))).status).toBe(404);
    });

    it('answers a CORS preflight from an allowed origin, exposing the challenge, session and Retry-After headers', async () => {
        const response = await fetch(server.url, {
            method: 'OPTIONS',
            headers: {
                origin: 'http://localhost:5173',
                'access-control-request-method': 'POST',
                'access-control-request-headers': 'authorization, content-type',
            },
        });
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
        expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
        expect(response.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Mcp-Session-Id, Retry-After');
    });

    it('refuses to bind beyond loopback without an allow-list, or without authorization unless MCP_AUTH=none says so', () => {
        expect(() => httpOptionsFromEnv({ HOST: '0.0.0.0', MCP_AUTH: 'none' })).toThrow(/ALLOWED_HOSTS/);
        // Unset, MCP_AUTH takes the generated default: none is refused here, the others need their settings.
        expect(() => httpOptionsFromEnv({ HOST: '0.0.0.0', ALLOWED_HOSTS: 'mcp.example.com' })).toThrow(
            /without authorization|needs MCP_AUTH_/,
        );
        expect(httpOptionsFromEnv({ HOST: '0.0.0.0', ALLOWED_HOSTS: 'mcp.example.com', MCP_AUTH: 'none' }).allowedHosts).toEqual([
            'mcp.example.com',
        ]);
    });

    it('reads the timeouts from the environment, and refuses bad ones', () => {
        const env = {
            HTTP_REQUEST_TIMEOUT_MS: '2000',
            HTTP_HEADERS_TIMEOUT_MS: '1000',
            HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
            MCP_AUTH: 'none',
        };
        expect(httpOptionsFromEnv(env).timeouts).toEqual({ requestMs: 2000, headersMs: 1000, keepAliveMs: 500 });
        expect(() => httpOptionsFromEnv({ ...env, HTTP_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(
            'HTTP_REQUEST_TIMEOUT_MS must be a whole number',
        );
        expect(() => httpOptionsFromEnv({ ...env, HTTP_REQUEST_TIMEOUT_MS: '100', HTTP_HEADERS_TIMEOUT_MS: '200' })).toThrow(
            'must not exceed',
        );
    });

    it('gives every request its own server over registrations made once', () => {
        const [a, b] = [createServer(), createServer()];
        expect(a).not.toBe(b);
        // A tool registered while serving would reach every later request: the catalogue refuses it.
        expect(() => catalog.registerTool('late', { inputSchema: z.object({}) }, () => ({ content: [] }))).toThrow(
            'when the server module loads',
        );
    });
});

describe('slow clients', () => {
    let server: RunningHttpServer;

    beforeAll(async () => {
        const env = {
            HTTP_REQUEST_TIMEOUT_MS: '1500',
            HTTP_HEADERS_TIMEOUT_MS: '500',
            HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
            MCP_AUTH: 'none',
        };
        server = await serveHttp(createServer, { ...httpOptionsFromEnv(env), port: 0 });
    });

    afterAll(async () => {
        await server.close();
    });

    /** Opens a raw connection, lets `act` write to it, and resolves with everything it received once the server closed it. */
    const untilClosed = (act: (write: (text: string) => void) => void) =>
        new Promise<string>((resolve, reject) => {
            const { port } = new URL(server.url);
            const socket = connect(Number(port), '127.0.0.1');
            let received = '';
            socket.setEncoding('utf8');
            socket.on('data', (chunk) => (received += chunk));
            socket.on('error', reject);
            socket.on('close', () => resolve(received));
            act((text) => {
                if (!socket.destroyed) socket.write(text);
            });
        });

    it('closes a connection that sends nothing', async () => {
        expect(await untilClosed(() => {})).toMatch(/^HTTP\/1\.1 408/);
    });

    it('cuts a body trickled one byte at a time', async () => {
        let timer: NodeJS.Timeout | undefined;
        const received = await untilClosed((write) => {
            write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
            timer = setInterval(() => write(' '), 100);
        });
        clearInterval(timer);
        expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('closes an idle keep-alive connection after its answer', async () => {
        const received = await untilClosed((write) => write('GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'));
        expect(received).toMatch(/^HTTP\/1\.1 404/);
    });
});

describe('change notifications and observers', () => {
    /** A server with one tool, `echo`, that answers isError when asked to fail. */
    const factory = () => {
        const server = new McpServer({ name: 'events', version: '1.0.0' });
        server.registerTool(
            'echo',
            { description: 'Echo', inputSchema: z.object({ fail: z.boolean().default(false) }) },
            async ({ fail }) => ({
                content: [{ type: 'text', text: fail ? 'failed' : 'ok' }],
                isError: fail,
            }),
        );
        return server;
    };

    it('a change published on the bus reaches clients listening on any server given that bus', async () => {
        // As the catalogue's bus is given to the HTTP entry (a shared one reaches every instance).
        const bus = new InMemoryServerEventBus();
        const [a, b] = [
            await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], bus }),
            await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], bus }),
        ];
        const client = new Client({ name: 'listener', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
        await client.connect(new StreamableHTTPClientTransport(new URL(b.url)));
        const changed = new Promise<void>((resolve) =>
            client.setNotificationHandler('notifications/tools/list_changed', async () => resolve()),
        );
        const subscription = await client.listen({ toolsListChanged: true });
        expect(subscription.honoredFilter.toolsListChanged).toBe(true);
        bus.publish({ kind: 'tools_list_changed' });
        await changed;
        await subscription.close();
        await client.close();
        await Promise.all([a.close(), b.close()]);
    });

    it('tells an observer each request and its answer', async () => {
        const seen: { methods: string[]; status?: number; answers?: unknown[] }[] = [];
        const observer: RequestObserver = {
            start(messages) {
                const entry: (typeof seen)[number] = { methods: messages.map((m) => (m as { method: string }).method) };
                seen.push(entry);
                return {
                    run: (work) => work(),
                    finish(answer) {
                        entry.status = answer.status;
                        entry.answers = answer.messages;
                    },
                };
            },
        };
        const server = await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], observer });
        const client = new Client({ name: 'observed', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        await client.callTool({ name: 'echo', arguments: { fail: true } });
        await client.close();
        await server.close();
        const call = seen.find((entry) => entry.methods.includes('tools/call'));
        expect(call?.status).toBe(200);
        expect(call?.answers).toEqual([expect.objectContaining({ result: expect.objectContaining({ isError: true }) })]);
    });
});
