/**
 * Rate limits of the HTTP entry: RATE_LIMIT per caller and a tool's own limit answer 429 with
 * Retry-After past the limit; callers are told apart by token subject, else by address (from
 * X-Forwarded-For only behind a trusted proxy); bad settings are one-line errors.
 */
import type { IncomingMessage } from 'node:http';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningHttpServer, serveHttp } from '../src/http.js';
import { MemoryStore, callerKey, clientAddress, exceededLimit, parseRateRule, rateLimitsFromEnv } from '../src/rate-limit.js';

const servers: RunningHttpServer[] = [];
afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server with two tools, `echo` and `other`, limited as `env` and `toolLimits` say. */
async function limitedServer(env: NodeJS.ProcessEnv, toolLimits: Record<string, string> = {}): Promise<RunningHttpServer> {
    const factory = () => {
        const server = new McpServer({ name: 'limited', version: '1.0.0' });
        for (const name of ['echo', 'other'])
            server.registerTool(name, { description: name }, async () => ({ content: [{ type: 'text', text: name }] }));
        return server;
    };
    const server = await serveHttp(factory, {
        host: '127.0.0.1',
        port: 0,
        allowedHosts: [],
        rateLimits: rateLimitsFromEnv(env, toolLimits),
    });
    servers.push(server);
    return server;
}

/** POSTs one JSON-RPC request (2025 era, stateless) and resolves with the answer's status, Retry-After and body. */
async function rpc(server: RunningHttpServer, method: string, params: Record<string, unknown> = {}) {
    const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
    ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

describe('rate limits over HTTP', () => {
    it('answers 429 with Retry-After past RATE_LIMIT, and never limits the probes', async () => {
        const server = await limitedServer({ RATE_LIMIT: '2/minute' });
        expect((await rpc(server, 'tools/list')).status).toBe(200);
        expect((await rpc(server, 'tools/list')).status).toBe(200);
        const refused = await rpc(server, 'tools/list');
        expect(refused.status).toBe(429);
        expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
        expect(JSON.parse(refused.text)).toMatchObject({
            jsonrpc: '2.0',
            error: { message: expect.stringContaining('2/minute per caller') },
        });
        expect((await fetch(new URL('/healthz', server.url))).status).toBe(200);
    });

    it('limits one tool on its own, per caller', async () => {
        const server = await limitedServer({}, { echo: '1/hour' });
        expect((await rpc(server, 'tools/call', { name: 'echo', arguments: {} })).status).toBe(200);
        const refused = await rpc(server, 'tools/call', { name: 'echo', arguments: {} });
        expect(refused.status).toBe(429);
        expect(refused.text).toContain('for tool echo');
        // Other tools and other methods are not limited by it.
        expect((await rpc(server, 'tools/call', { name: 'other', arguments: {} })).status).toBe(200);
        expect((await rpc(server, 'tools/list')).status).toBe(200);
    });
});

describe('rate limit settings', () => {
    it('reads counts per second, minute and hour', () => {
        expect(parseRateRule('10/minute', 'RATE_LIMIT')).toEqual({ limit: 10, windowMs: 60_000, text: '10/minute' });
        expect(parseRateRule(' 5 / second ', 'RATE_LIMIT')).toMatchObject({ limit: 5, windowMs: 1_000 });
        expect(parseRateRule('1000/hour', 'RATE_LIMIT')).toMatchObject({ limit: 1000, windowMs: 3_600_000 });
    });

    it('refuses anything else with one line naming the variable', () => {
        for (const text of ['10', '10/day', '0/minute', '-1/second', 'ten/minute', '10/minute/2']) {
            expect(() => rateLimitsFromEnv({ RATE_LIMIT: text })).toThrow(
                `RATE_LIMIT must be a count per second, minute or hour, such as 10/minute, got "${text}"`,
            );
        }
        expect(() => rateLimitsFromEnv({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.local' })).toThrow(
            'TRUSTED_PROXIES: "proxy.local" is not an IP address or a range such as 10.0.0.0/8',
        );
        expect(() => rateLimitsFromEnv({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow('TRUSTED_PROXIES');
    });

    it('limits nothing when RATE_LIMIT is unset', () => {
        expect(rateLimitsFromEnv({}, {}).perCaller).toBeUndefined();
    });
});

describe('callers', () => {
    it('is the token subject when authorized, else the client address', () => {
        const authInfo = { token: 't', clientId: 'app', scopes: [], extra: { subject: 'alice' } };
        expect(callerKey(request('203.0.113.7'), authInfo)).toBe('subject:alice');
        expect(callerKey(request('203.0.113.7'), { ...authInfo, extra: {} })).toBe('address:203.0.113.7');
        expect(callerKey(request('::ffff:203.0.113.7'), undefined)).toBe('address:203.0.113.7');
    });

    it('believes X-Forwarded-For only from a trusted proxy', () => {
        const { trustedProxies } = rateLimitsFromEnv({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' }, {});
        const forwarded = { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' };
        // Not behind a proxy (or no proxy configured): whatever the header says is ignored.
        expect(clientAddress(request('203.0.113.50', forwarded), trustedProxies)).toBe('203.0.113.50');
        expect(clientAddress(request('10.1.2.3', forwarded))).toBe('10.1.2.3');
        // Behind one trusted proxy: the last address it appended.
        expect(clientAddress(request('10.1.2.3', forwarded), trustedProxies)).toBe('203.0.113.7');
        // Through two trusted hops, up to the first one that is not trusted.
        expect(clientAddress(request('10.1.2.3', { 'x-forwarded-for': '198.51.100.9, 192.168.1.1' }), trustedProxies)).toBe('198.51.100.9');
        // A forged entry that is not an address stops the walk at the proxy.
        expect(clientAddress(request('10.1.2.3', { 'x-forwarded-for': 'unknown' }), trustedProxies)).toBe('10.1.2.3');
    });
});

describe('counting', () => {
    it('counts a window from its first request, then starts a new one', async () => {
        const store = new MemoryStore();
        expect((await store.hit('a', 60_000)).count).toBe(1);
        expect((await store.hit('a', 60_000)).count).toBe(2);
        expect((await store.hit('b', 60_000)).count).toBe(1);
        const ended = await store.hit('c', 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect((await store.hit('c', 1)).count).toBe(1);
        expect(ended.resetMs).toBeLessThanOrEqual(1);
    });

    it('forgets ended windows as it grows', async () => {
        const store = new MemoryStore(10);
        for (let i = 0; i < 10; i++) await store.hit(`old${i}`, 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await store.hit('new', 60_000);
        expect(store.size).toBe(1);
    });

    it('names the limit exceeded: the caller’s, or a tool’s', async () => {
        const limits = rateLimitsFromEnv({ RATE_LIMIT: '2/minute' }, { echo: '1/minute' });
        const store = new MemoryStore();
        expect(await exceededLimit(limits, store, 'address:1', ['echo'])).toBeUndefined();
        expect(await exceededLimit(limits, store, 'address:1', ['echo'])).toMatchObject({ scope: 'for tool echo' });
        expect(await exceededLimit(limits, store, 'address:2', ['echo'])).toBeUndefined();
        expect(await exceededLimit(limits, store, 'address:1', [])).toMatchObject({ scope: 'per caller', rule: { text: '2/minute' } });
    });
});
