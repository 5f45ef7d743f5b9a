/**
 * The protocol features a spec describes (typed output, confirmations, icons, completions,
 * subscriptions, cache hints), end to end: the `everything` fixture is generated with a real install
 * (its icon file embedded), passes its own check, build and tests, and its built server is driven by
 * the SDK client over stdio in both protocol eras and over real HTTP, two instances included; and by
 * the Python SDK client, where one is installed (see `python-client.py`).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../cli/run.js';
import { type HttpServer, type Mode, generateProject, npmRun, startHttp } from './harness.js';

const exec = promisify(execFile);

/** How a client answers the server's confirmation question: yes, no, or it cannot be asked. */
type Answer = 'yes' | 'no' | 'cannot';

function client(mode: Mode, answer: Answer): Client {
    const c = new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode }, capabilities: answer === 'cannot' ? {} : { elicitation: {} } });
    if (answer !== 'cannot') {
        c.setRequestHandler('elicitation/create', () => (answer === 'yes' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' }));
    }
    return c;
}

let dir: string;

async function overStdio(mode: Mode, answer: Answer): Promise<Client> {
    const c = client(mode, answer);
    await c.connect(new StdioClientTransport({ command: process.execPath, args: [join(dir, 'dist/index.js')], cwd: dir, stderr: 'pipe' }));
    return c;
}

/** A client over HTTP whose requests go to each URL in turn: one instance answers the question, another the retry. */
async function overHttp(urls: string[], mode: Mode, answer: Answer): Promise<Client> {
    let next = 0;
    const c = client(mode, answer);
    await c.connect(
        new StreamableHTTPClientTransport(new URL(urls[0]!), {
            fetch: (_url, init) => fetch(urls[next++ % urls.length]!, init),
        }),
    );
    return c;
}

const text = (result: { content?: unknown }) => JSON.stringify(result.content);

beforeAll(async () => {
    dir = await generateProject('everything', ['--spec', join(FIXTURES, 'everything.yaml')]);
    // As a person implementing the skeleton would: refreshing the cache changes the status resource.
    const tool = join(dir, 'src/tools/refresh_cache.ts');
    const source = readFileSync(tool, 'utf8')
        .replace(
            "import type { Catalog } from '../catalog.js';",
            "import type { Catalog } from '../catalog.js';\nimport { announceStatusChanged } from '../resources/status.js';",
        )
        .replace('async (args) => {', 'async (args) => {\n            announceStatusChanged(catalog);');
    expect(source).toContain('announceStatusChanged(catalog);');
    writeFileSync(tool, source);
    await npmRun(dir, 'build');
}, 300_000);

describe('a project using every protocol feature', () => {
    it('keeps its icon file embedded in mcp-server.yaml and the code', () => {
        const yaml = readFileSync(join(dir, 'mcp-server.yaml'), 'utf8');
        expect(yaml).toMatch(/^icon: data:image\/png;base64,iVBOR/m);
        expect(readFileSync(join(dir, 'src/server.ts'), 'utf8')).toContain("src: 'data:image/png;base64,iVBOR");
    });

    it('passes its own check and tests (both eras, each feature)', async () => {
        await npmRun(dir, 'check');
        const output = await npmRun(dir, 'test');
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/failed|skipped/);
    }, 300_000);

    it('installs again from its lockfile with npm ci', async () => {
        await expect(exec('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 300_000 })).resolves.toBeDefined();
    }, 300_000);
});

describe.each(['legacy', 'auto'] as const)('the built server over stdio, version negotiation %s', (mode) => {
    it('names its icon and web site, and lists the icons and output schemas of its items', async () => {
        const c = await overStdio(mode, 'yes');
        try {
            expect(c.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
            expect(c.getServerVersion()).toMatchObject({ websiteUrl: 'https://example.com/orders', icons: [{ mimeType: 'image/png' }] });
            const { tools } = await c.listTools();
            const search = tools.find((t) => t.name === 'search_orders');
            expect(search?.icons).toEqual([{ src: 'https://example.com/icons/search.svg', mimeType: 'image/svg+xml' }]);
            expect(search?.outputSchema?.properties).toHaveProperty('total');
            const result = await c.callTool({ name: 'search_orders', arguments: { email: 'a@example.com' } });
            expect(result.structuredContent).toMatchObject({ total: 0, ids: ['example'] });
            const { completion } = await c.complete({ ref: { type: 'ref/prompt', name: 'summarize_orders' }, argument: { name: 'period', value: 'last' } });
            expect(completion.values).toEqual(['last week', 'last month']);
        } finally {
            await c.close();
        }
    }, 60_000);

    it.each([
        ['yes', /Skeleton tool delete_order/],
        ['no', /Not done: the user did not confirm/],
        ['cannot', /this client cannot ask its user/],
    ] as const)(
        'asks before delete_order; a client that answers %s gets %s',
        async (answer, expected) => {
            const c = await overStdio(mode, answer);
            try {
                const result = await c.callTool({ name: 'delete_order', arguments: { id: '42' } });
                expect(text(result)).toMatch(expected);
                expect(Boolean(result.isError)).toBe(answer !== 'yes');
                // The optional confirmation runs where the client cannot ask.
                const optional = await c.callTool({ name: 'refresh_cache', arguments: {} });
                expect(Boolean(optional.isError), text(optional)).toBe(answer === 'no');
            } finally {
                await c.close();
            }
        },
        60_000,
    );

    it('tells a subscribed client that a resource changed', async () => {
        const c = await overStdio(mode, 'yes');
        try {
            const updated = new Promise<string>((resolve) => {
                c.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri));
            });
            if (mode === 'auto') await c.listen({ resourceSubscriptions: ['status://orders'] });
            else await c.subscribeResource({ uri: 'status://orders' });
            // refresh_cache announces a change of the status resource (the edit above).
            await c.callTool({ name: 'refresh_cache', arguments: {} });
            expect(await updated).toBe('status://orders');
        } finally {
            await c.close();
        }
    }, 60_000);
});

describe('the built server over HTTP', () => {
    const secret = 'e2e-request-state-secret-of-enough-bytes';
    let shared: HttpServer[] = [];
    let unshared: HttpServer[] = [];
    beforeAll(async () => {
        shared = await Promise.all([
            startHttp(dir, ['--http'], { MCP_REQUEST_STATE_SECRET: secret }),
            startHttp(dir, ['--http'], { MCP_REQUEST_STATE_SECRET: secret }),
        ]);
        unshared = await Promise.all([startHttp(dir), startHttp(dir)]);
    }, 60_000);
    afterAll(async () => {
        await Promise.all([...shared, ...unshared].map((server) => server.stop()));
    });

    it('takes an answer on another instance when the instances share MCP_REQUEST_STATE_SECRET', async () => {
        const c = await overHttp(
            shared.map((s) => s.url),
            'auto',
            'yes',
        );
        try {
            const result = await c.callTool({ name: 'delete_order', arguments: { id: '42' } });
            expect(result.isError, text(result)).toBeFalsy();
            expect(result.structuredContent).toEqual({ deleted: true });
        } finally {
            await c.close();
        }
    }, 60_000);

    it('refuses the retry on an instance that signs with a key of its own', async () => {
        const c = await overHttp(
            unshared.map((s) => s.url),
            'auto',
            'yes',
        );
        try {
            await expect(c.callTool({ name: 'delete_order', arguments: { id: '42' } })).rejects.toThrow(/Invalid or expired requestState/);
        } finally {
            await c.close();
        }
    }, 60_000);

    it('refuses to confirm with a 2025-era client, which HTTP serves one request at a time, and offers it no subscriptions', async () => {
        const c = await overHttp([shared[0]!.url], 'legacy', 'yes');
        try {
            const result = await c.callTool({ name: 'delete_order', arguments: { id: '42' } });
            expect(result.isError).toBe(true);
            expect(text(result)).toMatch(/a 2025-era client over HTTP cannot be asked/);
            expect(c.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
            // Cache hints are for 2026-07-28 clients only.
            expect((await c.readResource({ uri: 'status://orders' })).ttlMs).toBeUndefined();
        } finally {
            await c.close();
        }
    }, 60_000);

    it('streams resource changes and cache hints to a 2026-07-28 client', async () => {
        const c = await overHttp([shared[0]!.url], 'auto', 'yes');
        try {
            expect((await c.readResource({ uri: 'orders://1001' })).ttlMs).toBe(30_000);
            const updated = new Promise<string>((resolve) => {
                c.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri));
            });
            const subscription = await c.listen({ resourceSubscriptions: ['status://orders'] });
            expect(subscription.honoredFilter.resourceSubscriptions).toEqual(['status://orders']);
            await c.callTool({ name: 'refresh_cache', arguments: {} });
            expect(await updated).toBe('status://orders');
            await subscription.close();
        } finally {
            await c.close();
        }
    }, 60_000);
});

/**
 * A Python with the MCP SDK (`mcp` 2.x): `MCP_PYTHON`, else a virtual environment made here with
 * pip as this machine is configured (PyPI is not reachable here; pip's configured local index has
 * it, Debian and npm do not). Undefined, with the reason, when there is none.
 */
async function pythonWithMcp(): Promise<{ python?: string; why?: string }> {
    const hasMcp = (python: string) => spawnSync(python, ['-c', 'import mcp.client'], { stdio: 'ignore' }).status === 0;
    if (process.env.MCP_PYTHON) return hasMcp(process.env.MCP_PYTHON) ? { python: process.env.MCP_PYTHON } : { why: `MCP_PYTHON cannot import mcp` };
    const venv = join(tmpdir(), 'cms-e2e-python-mcp');
    const python = join(venv, 'bin', 'python');
    if (existsSync(python) && hasMcp(python)) return { python };
    try {
        await exec('python3', ['-m', 'venv', venv], { timeout: 120_000 });
        await exec(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--retries', '0', '--timeout', '10', 'mcp>=2.3,<3'], {
            timeout: 300_000,
        });
    } catch (error) {
        return { why: `pip could not install mcp: ${String(error).split('\n')[0]}` };
    }
    return hasMcp(python) ? { python } : { why: 'mcp installed but cannot be imported' };
}

describe('the Python SDK client', () => {
    let found: { python?: string; why?: string } = {};
    beforeAll(async () => {
        found = await pythonWithMcp();
    }, 420_000);

    it.for(['legacy', 'auto'] as const)('drives the server over stdio, version negotiation %s', { timeout: 180_000 }, async (mode, ctx) => {
        if (!found.python) {
            console.warn(`Skipped the Python SDK client: ${found.why}`);
            ctx.skip();
        }
        const script = join(import.meta.dirname, 'python-client.py');
        const { stdout } = await exec(found.python!, [script, join(dir, 'dist/index.js'), mode], { timeout: 120_000 });
        expect(stdout.trim()).toBe('ok');
    });
});
