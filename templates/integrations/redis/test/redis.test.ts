/**
 * Redis shared by instances. Always: without REDIS_URL nothing is shared; with a Redis that does not
 * answer, requests are still counted (per instance), notifications still reach this instance's
 * listeners, /readyz names Redis and one warning is logged. With TEST_REDIS_URL (a throw-away Redis):
 * counts live in Redis under the key prefix, and events travel through Redis pub/sub.
 */
import { createServer as createNetServer } from 'node:net';
import type { ServerEvent } from '@modelcontextprotocol/server';
import { createClient } from '@redis/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { close, connectRedis, ping, sharedBus } from '../src/systems/redis.js';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

afterEach(async () => {
    await close();
    vi.restoreAllMocks();
});

/** A loopback port nobody listens on. */
function closedPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createNetServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/** Resolves once `check` passes, trying again every 20 ms. */
async function eventually(check: () => Promise<unknown> | unknown): Promise<void> {
    for (;;) {
        try {
            await check();
            return;
        } catch {
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    }
}

describe('without Redis', () => {
    it('shares nothing when REDIS_URL is unset, and is ready', async () => {
        expect(await connectRedis({})).toBeUndefined();
        await expect(ping()).resolves.toBeUndefined();
    });

    it('refuses a REDIS_URL that is not a Redis URL, in one line', async () => {
        await expect(connectRedis({ REDIS_URL: 'http://cache:6379' })).rejects.toThrow('REDIS_URL must be a redis:// or rediss:// URL');
    });

    it('keeps serving while Redis does not answer: counts here, delivers here, not ready, warns once', async () => {
        const warnings = vi.spyOn(console, 'error').mockImplementation(() => {});
        const port = await closedPort();
        const shared = await connectRedis({ REDIS_URL: `redis://127.0.0.1:${port}` });
        if (!shared) throw new Error('expected shared state');
        await eventually(() => expect(warnings).toHaveBeenCalled());

        expect(await shared.rateLimitStore.hit('caller', 60_000)).toMatchObject({ count: 1 });
        expect(await shared.rateLimitStore.hit('caller', 60_000)).toMatchObject({ count: 2 });
        const received: ServerEvent[] = [];
        const stop = sharedBus.subscribe((event) => received.push(event));
        sharedBus.publish({ kind: 'tools_list_changed' });
        stop();
        expect(received).toEqual([{ kind: 'tools_list_changed' }]);
        await expect(ping()).rejects.toThrow(`Redis at 127.0.0.1:${port} is unreachable`);

        // Reconnection attempts go on, and stay quiet.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(warnings.mock.calls.filter(([line]) => String(line).includes('unreachable'))).toHaveLength(1);
    });
});

describe.skipIf(!TEST_REDIS_URL)('with Redis (TEST_REDIS_URL)', () => {
    const prefix = `test-${process.pid}-${Date.now()}:`;
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };

    it('counts in Redis, under the key prefix, in a window that expires', async () => {
        const shared = await connectRedis(env);
        if (!shared) throw new Error('expected shared state');
        await eventually(ping);
        expect((await shared.rateLimitStore.hit('caller', 60_000)).count).toBe(1);
        const { count, resetMs } = await shared.rateLimitStore.hit('caller', 60_000);
        expect(count).toBe(2);
        expect(resetMs).toBeGreaterThan(0);
        expect(resetMs).toBeLessThanOrEqual(60_000);

        const direct = createClient({ url: TEST_REDIS_URL });
        await direct.connect();
        expect(await direct.get(`${prefix}rate:caller`)).toBe('2');
        expect(await direct.pTTL(`${prefix}rate:caller`)).toBeGreaterThan(0);
        await direct.del(`${prefix}rate:caller`);
        await direct.close();
    });

    it('carries events through Redis: what any instance publishes reaches this one’s listeners', async () => {
        const shared = await connectRedis(env);
        if (!shared) throw new Error('expected shared state');
        await eventually(ping);
        const received: ServerEvent[] = [];
        const stop = sharedBus.subscribe((event) => received.push(event));

        // As another instance would: straight onto the channel.
        const other = createClient({ url: TEST_REDIS_URL });
        await other.connect();
        await eventually(async () => {
            await other.publish(`${prefix}events`, JSON.stringify({ kind: 'resource_updated', uri: 'config://app' }));
            expect(received).toContainEqual({ kind: 'resource_updated', uri: 'config://app' });
        });
        // Anything else on the channel is ignored.
        await other.publish(`${prefix}events`, 'not an event');
        await other.close();

        sharedBus.publish({ kind: 'prompts_list_changed' });
        await eventually(() => expect(received).toContainEqual({ kind: 'prompts_list_changed' }));
        stop();
    });
});
