/**
 * The generated HTTP entry against real counterparts on loopback: a project generated with
 * `--transport http --auth jwt` (and a tool that needs its own scope), built once, run in jwt,
 * introspection and token modes against a real authorization server (oidc-provider issuing
 * tokens by client credentials for a resource indicator). Real clients get through (the v1 SDK
 * client discovering everything from the 401, the v2 client with a bearer header); every bad
 * token is refused with the right status and challenge; the start-up refusals hold; and raw
 * sockets show the timeouts cutting slow clients.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_BY_MODE } from '../../src/integrations/auth.js';
import { tempDir } from '../cli/run.js';
import { type HttpServer, freePort, generateProject, npmRun, startHttp } from './harness.js';

const CLIENT = { id: 'mcp-client', secret: 'client-secret-0123456789abcdef' };
/** The MCP server's own credentials at the authorization server, for introspection. */
const RESOURCE_SERVER = { id: 'mcp-server', secret: 'server-secret-0123456789abcdef' };
const SCOPES = ['mcp:read', 'mcp:write', 'mcp:admin'];
const STATIC_TOKEN = 'static-token-0123456789abcdef-0123456789';

const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const SIGNING_JWK = { ...signingKey.export({ format: 'jwk' }), kid: 'as-1', alg: 'ES256', use: 'sig' };
/** Resources whose tokens the authorization server makes opaque (for introspection); the others get JWTs. */
const opaqueResources = new Set<string>();

let authServer: Server;
let issuer: string;

/** Starts oidc-provider on a free loopback port (the issuer names the port, so it listens first). */
async function startAuthorizationServer(): Promise<void> {
    authServer = createServer();
    await new Promise<void>((resolve) => authServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}`;
    const client = { grant_types: ['client_credentials'], redirect_uris: [], response_types: [], id_token_signed_response_alg: 'ES256' };
    const provider = new Provider(issuer, {
        clients: [
            { ...client, client_id: CLIENT.id, client_secret: CLIENT.secret, scope: SCOPES.join(' ') },
            { ...client, client_id: RESOURCE_SERVER.id, client_secret: RESOURCE_SERVER.secret, grant_types: [] },
        ],
        jwks: { keys: [SIGNING_JWK] },
        scopes: SCOPES,
        // Per-resource lifetimes need a function here.
        ttl: { ClientCredentials: () => 600 },
        features: {
            devInteractions: { enabled: false },
            clientCredentials: { enabled: true },
            introspection: { enabled: true, allowedPolicy: async () => true },
            resourceIndicators: {
                enabled: true,
                defaultResource: () => undefined,
                useGrantedResource: () => true,
                getResourceServerInfo: (_ctx: unknown, resource: string) => ({
                    scope: SCOPES.join(' '),
                    audience: resource,
                    accessTokenTTL: 600,
                    accessTokenFormat: opaqueResources.has(resource) ? 'opaque' : 'jwt',
                    jwt: { sign: { alg: 'ES256' } },
                }),
            },
        },
    });
    authServer.on('request', provider.callback());
}

/** A token from the authorization server by client credentials, for `resource`. */
async function tokenFor(resource: string, scope: string): Promise<string> {
    const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
            authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
    return body.access_token;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A JWT signed with the authorization server's own key, with claims (and header parameters) of the test's choosing. */
function forged(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
    const input = `${b64({ alg: 'ES256', kid: SIGNING_JWK.kid, typ: 'at+jwt', ...header })}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** POSTs a `tools/list` request; resolves with the status and the challenge. */
async function post(url: string, headers: Record<string, string> = {}) {
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    const text = await response.text();
    return {
        status: response.status,
        challenge: response.headers.get('www-authenticate') ?? '',
        allowOrigin: response.headers.get('access-control-allow-origin'),
        retryAfter: response.headers.get('retry-after'),
        text,
    };
}

/** Runs the built server expecting it to refuse to start; resolves with its exit code and stderr. */
function refusal(dir: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
        const child: ChildProcess = execFile(
            process.execPath,
            [join(dir, 'dist/index.js')],
            { env: { ...process.env, PORT: '0', ...env }, timeout: 20_000 },
            (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
        );
        child.stdin?.end();
    });
}

let dir: string;

beforeAll(async () => {
    await startAuthorizationServer();
    const specFile = join(tempDir('cms-auth-spec-'), 'spec.yaml');
    writeFileSync(
        specFile,
        [
            'name: guarded',
            'description: A server behind authorization',
            'examples: true',
            'tools:',
            '  - name: admin_report',
            '    description: A report only admins may read',
            '    scopes: [mcp:admin]',
            '',
        ].join('\n'),
    );
    dir = await generateProject('guarded', ['--spec', specFile, '--transport', 'http', '--auth', 'jwt']);
    await npmRun(dir, 'build');
});

afterAll(async () => {
    await new Promise((resolve) => authServer?.close(resolve));
});

it("passes the generated project's own tests (auth module with a local key set, timeouts, CORS)", async () => {
    expect(await npmRun(dir, 'test')).toMatch(/Tests\s+\d+ passed/);
}, 180_000);

describe('jwt mode (the generated default)', () => {
    let server: HttpServer;
    let metadataUrl: string;

    beforeAll(async () => {
        server = await startHttp(dir, [], { MCP_AUTH_ISSUER: issuer, MCP_AUTH_SCOPES: 'mcp:read' });
        metadataUrl = new URL('/.well-known/oauth-protected-resource/mcp', server.url).href;
    });

    afterAll(async () => {
        await server?.stop();
    });

    it('publishes RFC 9728 metadata at both well-known addresses, readable cross-origin', async () => {
        for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
            const response = await fetch(new URL(path, server.url), { headers: { origin: 'https://app.example' } });
            expect(response.status).toBe(200);
            expect(response.headers.get('access-control-allow-origin')).toBe('*');
            expect(await response.json()).toEqual({
                resource: server.url,
                authorization_servers: [issuer],
                bearer_methods_supported: ['header'],
                scopes_supported: ['mcp:read'],
            });
        }
    });

    it('answers 401 with where to find the metadata, and no error code, when no token is sent', async () => {
        const { status, challenge } = await post(server.url);
        expect(status).toBe(401);
        expect(challenge).toBe(`Bearer scope="mcp:read", resource_metadata="${metadataUrl}"`);
    });

    it('lets the v1 SDK client discover everything from the 401 and authenticate by client credentials', async () => {
        const client = new V1Client({ name: 'v1', version: '1.0.0' });
        const authProvider = new ClientCredentialsProvider({ clientId: CLIENT.id, clientSecret: CLIENT.secret, scope: 'mcp:read', expectedIssuer: issuer });
        await client.connect(new V1Transport(new URL(server.url), { authProvider }));
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('admin_report');
        // The token it got is meant for this server.
        const [, payload] = authProvider.tokens()!.access_token.split('.');
        expect(JSON.parse(Buffer.from(payload!, 'base64url').toString()).aud).toBe(server.url);
        await client.close();
    });

    it('serves the v2 client with a bearer header', async () => {
        const token = await tokenFor(server.url, 'mcp:read');
        const client = new Client({ name: 'v2', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
        const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
        expect(result.structuredContent).toEqual({ sum: 5 });
        await client.close();
    });

    it('answers 403 insufficient_scope naming the scope a tool needs', async () => {
        const token = await tokenFor(server.url, 'mcp:read');
        const response = await fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'admin_report', arguments: {} } }),
        });
        await response.body?.cancel();
        expect(response.status).toBe(403);
        expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="[^"]*\bmcp:admin\b/);
        const admin = await tokenFor(server.url, 'mcp:read mcp:admin');
        const allowed = await post(server.url, { authorization: `Bearer ${admin}` });
        expect(allowed.status).toBe(200);
    });

    it('answers 403 insufficient_scope when the scopes every request needs are missing', async () => {
        const { status, challenge } = await post(server.url, { authorization: `Bearer ${await tokenFor(server.url, 'mcp:write')}` });
        expect(status).toBe(403);
        expect(challenge).toContain('error="insufficient_scope"');
        expect(challenge).toContain('scope="mcp:read"');
    });

    const good = () => ({ iss: issuer, aud: server.url, sub: 'user-1', client_id: CLIENT.id, scope: 'mcp:read', exp: now() + 600 });
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const badTokens: [string, () => Promise<{ headers?: Record<string, string>; query?: string }>][] = [
        [
            'alg none',
            async () => {
                const [, payload] = (await tokenFor(server.url, 'mcp:read')).split('.');
                return { headers: { authorization: `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.` } };
            },
        ],
        [
            'an expired token',
            async () => ({ headers: { authorization: `Bearer ${forged({ iss: issuer, aud: server.url, scope: 'mcp:read', exp: now() - 600 })}` } }),
        ],
        [
            'another issuer',
            async () => ({
                headers: { authorization: `Bearer ${forged({ iss: 'https://evil.example', aud: server.url, scope: 'mcp:read', exp: now() + 600 })}` },
            }),
        ],
        ['a token for another resource', async () => ({ headers: { authorization: `Bearer ${await tokenFor('https://other.example/mcp', 'mcp:read')}` } })],
        [
            'a bad signature',
            async () => {
                const token = await tokenFor(server.url, 'mcp:read');
                const last = token.at(-2) === 'A' ? 'B' : 'A';
                return { headers: { authorization: `Bearer ${token.slice(0, -2)}${last}${token.at(-1)}` } };
            },
        ],
        ['a token in the query string', async () => ({ query: `access_token=${await tokenFor(server.url, 'mcp:read')}` })],
        // Signed by the authorization server's own key, for this server, in time: wrong only in what RFC 8725 and 9068 add.
        ['an unknown critical header', async () => bearer(forged(good(), { crit: ['urn:example:policy'], 'urn:example:policy': 'strict' }))],
        ['typ JWT (an ID token, say)', async () => bearer(forged(good(), { typ: 'JWT' }))],
        ['no typ', async () => bearer(forged(good(), { typ: undefined }))],
        ['a DPoP-bound token (cnf.jkt)', async () => bearer(forged({ ...good(), cnf: { jkt: 'Ad4X0nKQnO4nhXyUM-m0ZMi6YzP1J5nGeFEDlnW5sBU' } }))],
        [
            'a certificate-bound token (cnf.x5t#S256)',
            async () => bearer(forged({ ...good(), cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } })),
        ],
        ['another scheme', async () => ({ headers: { authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}` } })],
        ['garbage', async () => ({ headers: { authorization: 'Bearer not.a.token' } })],
    ];

    it('accepts a token signed by the issuer for this server, which the refusals below differ from in one point each', async () => {
        expect((await post(server.url, bearer(forged(good())).headers)).status).toBe(200);
    });

    it.each(badTokens)('refuses %s: 401 invalid_token with the metadata address', async (_, make) => {
        const { headers, query } = await make();
        const { status, challenge } = await post(query ? `${server.url}?${query}` : server.url, headers);
        expect(status).toBe(401);
        expect(challenge).toContain('error="invalid_token"');
        expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
    });

    it('answers a CORS preflight from an allowed origin, exposing WWW-Authenticate, Mcp-Session-Id and Retry-After', async () => {
        const response = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
        expect(response.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Mcp-Session-Id, Retry-After');
        const refused = await post(server.url, { origin: 'http://localhost:5173' });
        expect(refused.status).toBe(401);
        expect(refused.allowOrigin).toBe('http://localhost:5173');
        expect(refused.challenge).not.toBe('');
    });
});

describe('introspection mode', () => {
    let server: HttpServer;

    beforeAll(async () => {
        server = await startHttp(dir, [], {
            MCP_AUTH: 'introspection',
            MCP_AUTH_ISSUER: issuer,
            MCP_AUTH_CLIENT_ID: RESOURCE_SERVER.id,
            MCP_AUTH_CLIENT_SECRET: RESOURCE_SERVER.secret,
        });
        opaqueResources.add(server.url);
    });

    afterAll(async () => {
        await server?.stop();
    });

    it('accepts an active opaque token meant for this server', async () => {
        const token = await tokenFor(server.url, 'mcp:read');
        expect(token.split('.')).toHaveLength(1);
        const client = new Client({ name: 'v2', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
        await client.close();
    });

    it('refuses with 401, not 500, a JWT the authorization server will not introspect (oidc-provider answers 400 unsupported_token_type)', async () => {
        const jwt = await tokenFor('https://jwt.example/mcp', 'mcp:read');
        expect(jwt.split('.')).toHaveLength(3);
        const { status, challenge } = await post(server.url, { authorization: `Bearer ${jwt}` });
        expect(status).toBe(401);
        expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="The authorization server refused to introspect the token/);
    });

    it('refuses an unknown token and a token for another resource', async () => {
        opaqueResources.add('https://other.example/mcp');
        for (const token of ['never-issued-token', await tokenFor('https://other.example/mcp', 'mcp:read')]) {
            const { status, challenge } = await post(server.url, { authorization: `Bearer ${token}` });
            expect(status).toBe(401);
            expect(challenge).toContain('error="invalid_token"');
        }
    });
});

describe('jwt mode with MCP_AUTH_JWT_TYPES for a provider that issues typ JWT', () => {
    let server: HttpServer;

    beforeAll(async () => {
        server = await startHttp(dir, [], { MCP_AUTH_ISSUER: issuer, MCP_AUTH_JWT_TYPES: 'at+jwt,JWT' });
    });

    afterAll(async () => {
        await server?.stop();
    });

    it('accepts typ JWT and at+jwt, and still refuses a token without typ', async () => {
        const claims = { iss: issuer, aud: server.url, sub: 'user-1', scope: 'mcp:read', exp: now() + 600 };
        expect((await post(server.url, { authorization: `Bearer ${forged(claims, { typ: 'JWT' })}` })).status).toBe(200);
        expect((await post(server.url, { authorization: `Bearer ${await tokenFor(server.url, 'mcp:read')}` })).status).toBe(200);
        const untyped = await post(server.url, { authorization: `Bearer ${forged(claims, { typ: undefined })}` });
        expect(untyped.status).toBe(401);
        expect(untyped.challenge).toContain('error="invalid_token"');
    });
});

describe('token mode', () => {
    let server: HttpServer;

    beforeAll(async () => {
        server = await startHttp(dir, [], { MCP_AUTH: 'token', MCP_AUTH_TOKEN: STATIC_TOKEN });
    });

    afterAll(async () => {
        await server?.stop();
    });

    it('accepts the shared token, refuses another, and publishes no metadata', async () => {
        expect((await post(server.url, { authorization: `Bearer ${STATIC_TOKEN}` })).status).toBe(200);
        const wrong = await post(server.url, { authorization: `Bearer ${STATIC_TOKEN.replace('0', '1')}` });
        expect(wrong.status).toBe(401);
        expect(wrong.challenge).toContain('error="invalid_token"');
        expect((await fetch(new URL('/.well-known/oauth-protected-resource/mcp', server.url))).status).toBe(404);
    });
});

/**
 * A stand-in authorization server on loopback that counts the introspection requests it gets:
 * `active` tokens are active for the server at `resource()`; `hang` makes it never answer.
 */
async function countingAuthorizationServer(resource: () => string) {
    const state = { requests: 0, hang: false, active: new Set<string>() };
    const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
            state.requests++;
            if (state.hang) return;
            const token = new URLSearchParams(body).get('token') ?? '';
            const answer = state.active.has(token)
                ? { active: true, aud: resource(), client_id: CLIENT.id, sub: 'user-1', scope: 'mcp:read', exp: now() + 600 }
                : { active: false };
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const close = () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
    };
    return { state, url, close };
}

describe('introspection against a counting authorization server: cache and outages', () => {
    let as: Awaited<ReturnType<typeof countingAuthorizationServer>>;
    let server: HttpServer;

    beforeAll(async () => {
        as = await countingAuthorizationServer(() => server.url);
        server = await startHttp(dir, [], {
            MCP_AUTH: 'introspection',
            MCP_AUTH_ISSUER: as.url,
            MCP_AUTH_INTROSPECTION_URL: `${as.url}/introspect`,
            MCP_AUTH_CLIENT_ID: RESOURCE_SERVER.id,
            MCP_AUTH_CLIENT_SECRET: RESOURCE_SERVER.secret,
        });
    });

    afterAll(async () => {
        await server?.stop();
        await as?.close();
    });

    it('asks about a made-up token once, however often it comes, one after another or all at once', async () => {
        const before = as.state.requests;
        for (let i = 0; i < 30; i++) expect((await post(server.url, { authorization: 'Bearer made-up-token-1' })).status).toBe(401);
        await Promise.all(Array.from({ length: 30 }, () => post(server.url, { authorization: 'Bearer made-up-token-2' })));
        expect(as.state.requests - before).toBeLessThanOrEqual(2);
    });

    it('asks about an active token once, and serves every request with it', async () => {
        as.state.active.add('opaque-active-token');
        const before = as.state.requests;
        for (let i = 0; i < 20; i++) expect((await post(server.url, { authorization: 'Bearer opaque-active-token' })).status).toBe(200);
        expect(as.state.requests - before).toBe(1);
    });

    it('answers many different made-up tokens once each, and from its cache when they come back', async () => {
        const tokens = Array.from({ length: 100 }, (_, i) => `guess-${i}`);
        const before = as.state.requests;
        for (const token of tokens) expect((await post(server.url, { authorization: `Bearer ${token}` })).status).toBe(401);
        for (const token of tokens) expect((await post(server.url, { authorization: `Bearer ${token}` })).status).toBe(401);
        expect(as.state.requests - before).toBe(100);
    });

    it('answers 503 with Retry-After, not 500, while the authorization server does not answer', async () => {
        as.state.hang = true;
        const response = await fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer never-seen-token' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
        });
        as.state.hang = false;
        expect(response.status).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    }, 20_000);
});

describe('an authorization server that is down', () => {
    let deadUrl: string;

    beforeAll(async () => {
        deadUrl = `http://127.0.0.1:${await freePort()}`;
    });

    it.each<[string, () => Record<string, string>]>([
        [
            'introspection, nothing listening',
            () => ({ MCP_AUTH: 'introspection', MCP_AUTH_ISSUER: deadUrl, MCP_AUTH_CLIENT_ID: 'rs', MCP_AUTH_CLIENT_SECRET: 's' }),
        ],
        [
            'introspection, refusing this server\u2019s credentials',
            () => ({ MCP_AUTH: 'introspection', MCP_AUTH_ISSUER: issuer, MCP_AUTH_CLIENT_ID: RESOURCE_SERVER.id, MCP_AUTH_CLIENT_SECRET: 'wrong' }),
        ],
        ['jwt, its keys out of reach', () => ({ MCP_AUTH_ISSUER: issuer, MCP_AUTH_JWKS_URL: `${deadUrl}/jwks` })],
        ['jwt, its metadata out of reach', () => ({ MCP_AUTH_ISSUER: deadUrl })],
    ])('answers 503 with Retry-After: %s', async (_, env) => {
        const server = await startHttp(dir, [], env());
        try {
            const token = forged({ iss: issuer, aud: server.url, scope: 'mcp:read', exp: now() + 600 });
            const response = await post(server.url, { authorization: `Bearer ${token}` });
            expect(response.status).toBe(503);
            expect(response.retryAfter).toMatch(/^[1-9]\d*$/);
        } finally {
            await server.stop();
        }
    });
});

describe('start-up refusals', () => {
    it.each([
        ['a token shorter than 32 characters', { MCP_AUTH: 'token', MCP_AUTH_TOKEN: 'too-short' }, 'MCP_AUTH_TOKEN needs at least 32 characters, got 9'],
        ['jwt without an issuer', {}, 'MCP_AUTH=jwt needs MCP_AUTH_ISSUER'],
        [
            'introspection without credentials',
            { MCP_AUTH: 'introspection', MCP_AUTH_ISSUER: 'http://127.0.0.1:1' },
            'MCP_AUTH=introspection needs MCP_AUTH_CLIENT_ID',
        ],
        ['an unknown mode', { MCP_AUTH: 'open' }, 'MCP_AUTH must be one of none, token, jwt, introspection, got "open"'],
    ])('refuses to start with %s, in one line', async (_, env, message) => {
        const { code, stderr } = await refusal(dir, env);
        expect(code).toBe(1);
        expect(stderr.trim()).toBe(message);
    });

    it.each(Object.entries(REQUIRED_BY_MODE))(
        '%s mode starts with exactly the variables .env.example requires, and names each one missing',
        async (mode, required) => {
            const values: Record<string, string> = {
                MCP_AUTH_TOKEN: STATIC_TOKEN,
                MCP_AUTH_ISSUER: issuer,
                MCP_AUTH_CLIENT_ID: RESOURCE_SERVER.id,
                MCP_AUTH_CLIENT_SECRET: RESOURCE_SERVER.secret,
            };
            const env = { MCP_AUTH: mode, ...Object.fromEntries(required.map((name) => [name, values[name] ?? ''])) };
            const server = await startHttp(dir, [], env);
            await server.stop();
            for (const name of required) {
                const { code, stderr } = await refusal(dir, { ...env, [name]: '' });
                expect(code).toBe(1);
                expect(stderr.trim()).toBe(`MCP_AUTH=${mode} needs ${name}`);
            }
        },
    );

    it('serves beyond loopback without authorization only when MCP_AUTH=none says so', async () => {
        const server = await startHttp(dir, [], { HOST: '0.0.0.0', ALLOWED_HOSTS: '127.0.0.1', MCP_AUTH: 'none' });
        expect((await post(server.url.replace('0.0.0.0', '127.0.0.1'))).status).toBe(200);
        await server.stop();
    });
});

describe('slow clients (raw sockets, short timeouts from the environment)', () => {
    let server: HttpServer;
    let port: number;

    beforeAll(async () => {
        server = await startHttp(dir, [], {
            MCP_AUTH: 'none',
            HTTP_REQUEST_TIMEOUT_MS: '1500',
            HTTP_HEADERS_TIMEOUT_MS: '500',
            HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
        });
        port = Number(new URL(server.url).port);
    });

    afterAll(async () => {
        await server?.stop();
    });

    /** Opens a raw connection, lets `act` write, and resolves with what came back once the server closed it. */
    const untilClosed = (act: (write: (text: string) => void) => void) =>
        new Promise<string>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1');
            let received = '';
            socket.setEncoding('utf8');
            socket.on('data', (chunk) => (received += chunk));
            socket.on('error', reject);
            socket.on('close', () => resolve(received));
            act((text) => {
                if (!socket.destroyed) socket.write(text);
            });
        });

    it('closes a silent connection at the headers timeout', async () => {
        expect(await untilClosed(() => {})).toMatch(/^HTTP\/1\.1 408/);
    });

    it('cuts a body trickled one byte at a time at the request timeout', async () => {
        let timer: NodeJS.Timeout | undefined;
        const received = await untilClosed((write) => {
            write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
            timer = setInterval(() => write(' '), 100);
        });
        clearInterval(timer);
        expect(received).toMatch(/^HTTP\/1\.1 408/);
    });

    it('closes an idle keep-alive connection', async () => {
        const received = await untilClosed((write) => write('GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'));
        expect(received).toMatch(/^HTTP\/1\.1 404/);
        expect(received).toMatch(/keep-alive/i);
    });
});

/** The mcp-remote this repository pins: the same package the README runs through npx. */
const MCP_REMOTE = fileURLToPath(new URL('../../node_modules/mcp-remote/dist/proxy.js', import.meta.url));
const execAsync = promisify(execFile);

describe('token mode: the generated client configurations and README lines connect as they are', () => {
    const token = 'config-token-0123456789abcdef-0123456789';
    const DEFAULT_URL = 'http://127.0.0.1:3000/mcp';
    const projects: { label: string; dir: string; bin: string; server: HttpServer }[] = [];

    beforeAll(async () => {
        for (const [label, transport] of [
            ['HTTP only', 'http'],
            ['stdio and HTTP', 'stdio,http'],
        ] as const) {
            const bin = `tokened-${transport.replace(',', '-')}`;
            // Same dependencies as the project built above: its node_modules serves this one too.
            const made = await generateProject(bin, ['--transport', transport, '--auth', 'token', '--no-install']);
            symlinkSync(join(dir, 'node_modules'), join(made, 'node_modules'));
            await npmRun(made, 'build');
            const server = await startHttp(made, transport === 'http' ? [] : ['--http'], { MCP_AUTH_TOKEN: token });
            projects.push({ label, dir: made, bin, server });
        }
    }, 300_000);

    afterAll(async () => {
        for (const { server } of projects) await server.stop();
    });

    const read = (project: (typeof projects)[number], path: string) => readFileSync(join(project.dir, path), 'utf8');
    /** The configurations name the default port; the server under test listens on a free one. */
    const local = (project: (typeof projects)[number], url: string) => {
        expect(url).toBe(DEFAULT_URL);
        return project.server.url;
    };

    /** Connects the v2 SDK client to `url` with `headers`, lists the tools and closes. */
    async function toolsOver(url: string, headers: Record<string, string>): Promise<string[]> {
        const client = new Client({ name: 'configured', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
        const { tools } = await client.listTools();
        await client.close();
        return tools.map((t) => t.name);
    }

    const substitute = (headers: Record<string, string>, replace: (value: string) => string) =>
        Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, replace(value)]));

    it.each([0, 1])('VS Code (.vscode/mcp.json): the password input goes into the header', async (index) => {
        const project = projects[index]!;
        const config = JSON.parse(read(project, '.vscode/mcp.json')) as {
            inputs: { type: string; id: string; password: boolean }[];
            servers: Record<string, { type: string; url: string; headers: Record<string, string> }>;
        };
        const entry = config.servers[project.label === 'HTTP only' ? project.bin : `${project.bin}-http`]!;
        expect(entry.type).toBe('http');
        const asIs = await post(local(project, entry.url), entry.headers);
        expect(asIs.status).toBe(401);
        const headers = substitute(entry.headers, (value) =>
            value.replace(/\$\{input:([^}]+)\}/g, (_, id: string) => {
                expect(config.inputs.find((input) => input.id === id)).toMatchObject({ type: 'promptString', password: true });
                return token;
            }),
        );
        expect(await toolsOver(local(project, entry.url), headers)).toContain('add');
    });

    it.each([0, 1])("Cursor (.cursor/mcp.json): the token from Cursor's environment goes into the header", async (index) => {
        const project = projects[index]!;
        const config = JSON.parse(read(project, '.cursor/mcp.json')) as { mcpServers: Record<string, { url: string; headers: Record<string, string> }> };
        const entry = config.mcpServers[project.label === 'HTTP only' ? project.bin : `${project.bin}-http`]!;
        const environment: Record<string, string> = { MCP_AUTH_TOKEN: token };
        const headers = substitute(entry.headers, (value) => value.replace(/\$\{env:([^}]+)\}/g, (_, name: string) => environment[name] ?? ''));
        expect(await toolsOver(local(project, entry.url), headers)).toContain('add');
    });

    it.each([0, 1])("Claude Code: the README's command, run by a shell with the token in its environment", async (index) => {
        const project = projects[index]!;
        const line = /`(claude mcp add --transport http [^`]+)`/.exec(read(project, 'README.md'))?.[1];
        expect(line).toBeDefined();
        // `claude` here prints the arguments the shell gave it.
        const { stdout } = await execAsync('bash', ['-c', `claude() { node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@"; }; ${line}`], {
            env: { ...process.env, MCP_AUTH_TOKEN: token },
        });
        const [mcp, add, transportFlag, transport, name, url, ...rest] = JSON.parse(stdout) as string[];
        expect([mcp, add, transportFlag, transport, name]).toEqual(['mcp', 'add', '--transport', 'http', project.bin]);
        const headers: Record<string, string> = {};
        for (let i = 0; i < rest.length; i += 2) {
            expect(rest[i]).toBe('--header');
            const [field, ...value] = (rest[i + 1] ?? '').split(':');
            headers[field!] = value.join(':').trim();
        }
        expect(headers).toEqual({ Authorization: `Bearer ${token}` });
        expect(await toolsOver(local(project, url!), headers)).toContain('add');
    });

    it.each([0, 1])(
        "mcp-remote: the README's Claude Desktop entry, run as a bridge for a stdio client",
        async (index) => {
            const project = projects[index]!;
            const block = [...read(project, 'README.md').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!).find((text) => text.includes('mcp-remote'));
            const entry = (JSON.parse(block ?? 'null') as { mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }> })
                .mcpServers[project.bin]!;
            expect(entry.command).toBe('npx');
            expect(entry.args.slice(0, 2)).toEqual(['-y', 'mcp-remote']);
            const [url, ...flags] = entry.args.slice(2);
            // The one thing the user fills in: the token where the entry says <MCP_AUTH_TOKEN>.
            const env = substitute(entry.env, (value) => value.replace('<MCP_AUTH_TOKEN>', token));
            const client = new Client({ name: 'desktop', version: '1.0.0' });
            await client.connect(
                new StdioClientTransport({
                    command: process.execPath,
                    args: [MCP_REMOTE, local(project, url!), ...flags],
                    env: { ...(process.env as Record<string, string>), ...env, MCP_REMOTE_CONFIG_DIR: tempDir('cms-mcp-remote-') },
                    stderr: 'pipe',
                }),
            );
            expect((await client.listTools()).tools.map((t) => t.name)).toContain('add');
            await client.close();
        },
        60_000,
    );
});
