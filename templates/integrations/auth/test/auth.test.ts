/**
 * The authorization of the HTTP transport with a local key set, no authorization server: JWT
 * checks for each accepted algorithm and each way a token can be wrong, key rotation, the
 * settings read from the environment, and the gate over real HTTP in token and jwt modes.
 */
import { type KeyObject, constants, generateKeyPairSync, sign } from 'node:crypto';
import { type Server, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CLOCK_TOLERANCE_SECONDS, IntrospectionVerifier, JwtVerifier, KeySet, authOptionsFromEnv, callerOf } from '../src/auth.js';
import { Catalog } from '../src/catalog.js';
import { type HttpOptions, type RunningHttpServer, serveHttp } from '../src/http.js';

const ISSUER = 'https://auth.example.test';
const RESOURCE = new URL('https://mcp.example.test/mcp');
const now = () => Math.floor(Date.now() / 1000);

interface TestKey {
    kid: string;
    alg: string;
    privateKey: KeyObject;
    jwk: Record<string, unknown>;
}

function testKey(kid: string, alg: string): TestKey {
    const pair =
        alg === 'EdDSA'
            ? generateKeyPairSync('ed25519')
            : alg === 'ES256'
              ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
              : generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { kid, alg, privateKey: pair.privateKey, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A signed compact JWT; `header` overrides the protected header. */
function jwt(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
    const input = `${b64({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })}.${b64(claims)}`;
    const hash = key.alg === 'EdDSA' ? null : 'sha256';
    const signingKey =
        key.alg === 'PS256'
            ? { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
            : key.alg === 'ES256'
              ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const }
              : key.privateKey;
    return `${input}.${sign(hash, Buffer.from(input), signingKey).toString('base64url')}`;
}

const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    aud: RESOURCE.href,
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'mcp:read mcp:write',
    exp: now() + 300,
    ...extra,
});

const keys = { rs: testKey('rs', 'RS256'), ps: testKey('ps', 'PS256'), es: testKey('es', 'ES256'), ed: testKey('ed', 'EdDSA') };
const published = Object.values(keys).map((k) => k.jwk);
const server = { issuer: ISSUER, endpoint: async () => 'unused: the key set is given' };
const verifier = new JwtVerifier(server, RESOURCE, new KeySet(async () => ({ keys: published })));

describe('JWT access tokens', () => {
    it.each(Object.values(keys))('accepts a token signed with $alg, and reports who is calling', async (key) => {
        const info = await verifier.verifyAccessToken(jwt(key, claims()));
        expect(callerOf(info)).toEqual({ subject: 'user-1', client: 'client-1', scopes: ['mcp:read', 'mcp:write'] });
        expect(info.resource?.href).toBe(RESOURCE.href);
    });

    it('accepts an audience list naming this server, and a token just expired within the clock tolerance', async () => {
        await expect(verifier.verifyAccessToken(jwt(keys.rs, claims({ aud: ['other', RESOURCE.href] })))).resolves.toBeDefined();
        await expect(verifier.verifyAccessToken(jwt(keys.rs, claims({ exp: now() - CLOCK_TOLERANCE_SECONDS / 2 })))).resolves.toBeDefined();
    });

    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`;
    const tampered = (() => {
        const [header, , signature] = jwt(keys.rs, claims()).split('.');
        return `${header}.${b64(claims({ scope: 'admin' }))}.${signature}`;
    })();

    it.each([
        ['alg none', unsigned, 'algorithm "none"'],
        ['an HMAC algorithm', jwt(keys.rs, claims(), { alg: 'HS256' }), 'algorithm "HS256"'],
        ['an expired token', jwt(keys.rs, claims({ exp: now() - 2 * CLOCK_TOLERANCE_SECONDS })), 'expired'],
        ['a token without expiry', jwt(keys.rs, claims({ exp: undefined })), 'no expiration'],
        ['a token not valid yet', jwt(keys.rs, claims({ nbf: now() + 2 * CLOCK_TOLERANCE_SECONDS })), 'not valid yet'],
        ['another issuer', jwt(keys.rs, claims({ iss: 'https://evil.example' })), 'another authorization server'],
        ['another audience', jwt(keys.rs, claims({ aud: 'https://other.example/mcp' })), 'not issued for this resource'],
        ['a changed payload', tampered, 'signature is invalid'],
        ['a key the issuer never published', jwt({ ...testKey('rs', 'RS256') }, claims()), 'signature is invalid'],
        ['an unknown key id', jwt({ ...keys.rs, kid: 'nope' }, claims()), 'No key'],
        ['a malformed token', 'not-a-jwt', 'Malformed'],
    ])('refuses %s', async (_, token, message) => {
        await expect(verifier.verifyAccessToken(token)).rejects.toThrow(message);
    });

    it('fetches the keys again for an unknown key id, so a rotated key is found', async () => {
        const rotated = testKey('new', 'RS256');
        let loads = 0;
        const keySet = new KeySet(async () => ({ keys: ++loads === 1 ? [keys.rs.jwk] : [keys.rs.jwk, rotated.jwk] }), 0);
        const rotating = new JwtVerifier(server, RESOURCE, keySet);
        await rotating.verifyAccessToken(jwt(keys.rs, claims()));
        await rotating.verifyAccessToken(jwt(keys.rs, claims()));
        expect(loads).toBe(1);
        await expect(rotating.verifyAccessToken(jwt(rotated, claims()))).resolves.toBeDefined();
        expect(loads).toBe(2);
    });
});

describe('token introspection, against a stand-in on loopback', () => {
    let introspection: Server;
    let endpoint: string;
    /** What the stand-in answers; undefined: it never answers. */
    let answer: Record<string, unknown> | undefined;
    let seen: { authorization?: string; body: string } | undefined;

    beforeAll(async () => {
        introspection = createHttpServer((req, res) => {
            let body = '';
            req.on('data', (chunk) => (body += chunk));
            req.on('end', () => {
                seen = { authorization: req.headers.authorization, body };
                if (answer) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
            });
        });
        await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', resolve));
        endpoint = `http://127.0.0.1:${(introspection.address() as AddressInfo).port}/introspect`;
    });

    afterAll(async () => {
        introspection.closeAllConnections();
        await new Promise((resolve) => introspection.close(resolve));
    });

    const verifier = (timeoutMs?: number) =>
        new IntrospectionVerifier({ issuer: ISSUER, endpoint: async () => endpoint }, RESOURCE, 'rs', 's3cret', timeoutMs);

    it('asks with the client credentials, and accepts an active token for this server', async () => {
        answer = {
            active: true,
            iss: ISSUER,
            aud: RESOURCE.href,
            client_id: 'client-1',
            sub: 'user-1',
            scope: 'mcp:read',
            exp: now() + 60,
        };
        expect(callerOf(await verifier().verifyAccessToken('opaque'))).toEqual({
            subject: 'user-1',
            client: 'client-1',
            scopes: ['mcp:read'],
        });
        expect(seen?.authorization).toBe(`Basic ${Buffer.from('rs:s3cret').toString('base64')}`);
        expect(new URLSearchParams(seen?.body).get('token')).toBe('opaque');
    });

    it.each([
        ['an inactive token', { active: false }, 'not active'],
        [
            'a token for another resource',
            { active: true, aud: 'https://other.example/mcp', exp: now() + 60 },
            'not issued for this resource',
        ],
        [
            'a token of another issuer',
            { active: true, iss: 'https://evil.example', aud: RESOURCE.href, exp: now() + 60 },
            'another authorization server',
        ],
    ])('refuses %s', async (_, reply, message) => {
        answer = reply;
        await expect(verifier().verifyAccessToken('opaque')).rejects.toThrow(message);
    });

    it('gives up when the authorization server does not answer in time', async () => {
        answer = undefined;
        await expect(verifier(200).verifyAccessToken('opaque')).rejects.toThrow(/timeout|aborted/i);
    });
});

describe('settings from the environment', () => {
    it('refuses a shared token shorter than 32 characters', () => {
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'token', MCP_AUTH_TOKEN: 'short' })).toThrow(
            'MCP_AUTH_TOKEN needs at least 32 characters, got 5',
        );
    });

    it('names what a mode needs, and refuses an unknown mode', () => {
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'token' })).toThrow('MCP_AUTH=token needs MCP_AUTH_TOKEN');
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'jwt' })).toThrow('MCP_AUTH=jwt needs MCP_AUTH_ISSUER');
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'introspection', MCP_AUTH_ISSUER: ISSUER })).toThrow('needs MCP_AUTH_CLIENT_ID');
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'basic' })).toThrow('MCP_AUTH must be one of none, token, jwt, introspection');
    });

    it('reads scopes separated by spaces or commas', () => {
        expect(authOptionsFromEnv({ MCP_AUTH: 'none', MCP_AUTH_SCOPES: 'a, b c' }).scopes).toEqual(['a', 'b', 'c']);
    });
});

/** Two tools: `whoami` answers who called it, and `admin` needs `mcp:admin`. */
const whoami = new Catalog({ name: 'whoami', version: '1.0.0' });
whoami.registerTool('whoami', { description: 'Who is calling', inputSchema: z.object({}) }, async (_args, ctx) => ({
    content: [{ type: 'text', text: JSON.stringify(callerOf(ctx.http?.authInfo) ?? null) }],
}));
whoami.registerTool('admin', { description: 'Needs mcp:admin', inputSchema: z.object({}), scopes: ['mcp:admin'] }, async () => ({
    content: [{ type: 'text', text: 'done' }],
}));

/** Serves the `whoami` catalogue over HTTP on a free port, as src/index.ts serves the project's. */
function serveWhoami(options: Omit<HttpOptions, 'host' | 'port' | 'allowedHosts' | 'scopesFor'>): Promise<RunningHttpServer> {
    return serveHttp(() => whoami.createServer(), {
        host: '127.0.0.1',
        port: 0,
        allowedHosts: [],
        scopesFor: (message) => whoami.scopesFor(message),
        ...options,
    });
}

/** POSTs an initialize request to `url`; resolves with the status and the challenge. */
async function initialize(url: string, headers: Record<string, string> = {}) {
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
        }),
    });
    await response.body?.cancel();
    return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '' };
}

describe('token mode over HTTP', () => {
    const token = 'a'.repeat(40);
    let http: RunningHttpServer;

    beforeAll(async () => {
        http = await serveWhoami({ auth: authOptionsFromEnv({ MCP_AUTH: 'token', MCP_AUTH_TOKEN: token }) });
    });

    afterAll(async () => {
        await http.close();
    });

    it('challenges a request without a token, without an error code and without metadata', async () => {
        expect(await initialize(http.url)).toEqual({ status: 401, challenge: 'Bearer' });
        expect((await fetch(new URL('/.well-known/oauth-protected-resource/mcp', http.url))).status).toBe(404);
    });

    it.each([
        ['a wrong token', { authorization: `Bearer ${'b'.repeat(40)}` }],
        ['another scheme', { authorization: `Basic ${Buffer.from(`user:${token}`).toString('base64')}` }],
    ])('refuses %s with invalid_token', async (_, headers) => {
        const { status, challenge } = await initialize(http.url, headers);
        expect(status).toBe(401);
        expect(challenge).toContain('error="invalid_token"');
    });

    it('refuses the token in the query string', async () => {
        const { status, challenge } = await initialize(`${http.url}?access_token=${token}`, { authorization: `Bearer ${token}` });
        expect(status).toBe(401);
        expect(challenge).toContain('error="invalid_token"');
    });

    it('serves a client that sends the token', async () => {
        const client = new Client({ name: 't', version: '1' });
        await client.connect(
            new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
        );
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '')).toEqual({ client: 'static-token', scopes: [] });
        await client.close();
    });
});

describe('jwt mode over HTTP, with keys served on loopback', () => {
    let jwks: Server;
    let http: RunningHttpServer;
    let resource: string;

    beforeAll(async () => {
        jwks = createHttpServer((_req, res) =>
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published })),
        );
        await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
        const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
        const env = { MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: ISSUER, MCP_AUTH_JWKS_URL: jwksUrl, MCP_AUTH_SCOPES: 'mcp:read' };
        http = await serveWhoami({ auth: authOptionsFromEnv(env) });
        resource = http.url;
    });

    afterAll(async () => {
        await http.close();
        await new Promise((resolve) => jwks.close(resolve));
    });

    it('publishes its protected resource metadata at both addresses, readable cross-origin', async () => {
        for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
            const response = await fetch(new URL(path, http.url), { headers: { origin: 'https://app.example' } });
            expect(response.headers.get('access-control-allow-origin')).toBe('*');
            expect(await response.json()).toEqual({
                resource,
                authorization_servers: [ISSUER],
                bearer_methods_supported: ['header'],
                scopes_supported: ['mcp:read'],
            });
        }
    });

    it('challenges a request without a token with where to find the metadata', async () => {
        const { status, challenge } = await initialize(http.url);
        expect(status).toBe(401);
        expect(challenge).toBe(
            `Bearer scope="mcp:read", resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', http.url).href}"`,
        );
    });

    it('refuses a token for another audience, and one without the required scope', async () => {
        const foreign = await initialize(http.url, { authorization: `Bearer ${jwt(keys.es, claims())}` });
        expect(foreign.status).toBe(401);
        expect(foreign.challenge).toContain('error="invalid_token"');
        expect(foreign.challenge).toContain('resource_metadata=');
        const narrow = await initialize(http.url, { authorization: `Bearer ${jwt(keys.es, claims({ aud: resource, scope: 'other' }))}` });
        expect(narrow.status).toBe(403);
        expect(narrow.challenge).toContain('error="insufficient_scope"');
        expect(narrow.challenge).toContain('scope="mcp:read"');
    });

    it('lets a client in with a good token, and refuses a tool whose own scope it lacks', async () => {
        const token = jwt(keys.ed, claims({ aud: resource }));
        const client = new Client({ name: 't', version: '1' });
        await client.connect(
            new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
        );
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '')).toEqual({
            subject: 'user-1',
            client: 'client-1',
            scopes: ['mcp:read', 'mcp:write'],
        });
        await expect(client.callTool({ name: 'admin', arguments: {} })).rejects.toThrow();
        await client.close();

        const response = await fetch(http.url, {
            method: 'POST',
            headers: {
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
                authorization: `Bearer ${token}`,
            },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'admin', arguments: {} } }),
        });
        await response.body?.cancel();
        expect(response.status).toBe(403);
        expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="[^"]*\bmcp:admin\b/);
    });
});
