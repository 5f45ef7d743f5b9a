/**
 * The Streamable HTTP entry over a real socket: a client connects through /mcp, and the
 * DNS-rebinding guard refuses foreign Host and Origin headers.
 */
import { request } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpServer, httpOptionsFromEnv, serveHttp } from '../src/http.js';
import { createServer } from '../src/server.js';

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

    it('refuses to bind beyond loopback without an allow-list', () => {
        expect(() => httpOptionsFromEnv({ HOST: '0.0.0.0' })).toThrow(/ALLOWED_HOSTS/);
        expect(httpOptionsFromEnv({ HOST: '0.0.0.0', ALLOWED_HOSTS: 'mcp.example.com' }).allowedHosts).toEqual(['mcp.example.com']);
    });
});
