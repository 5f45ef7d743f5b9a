/**
 * The authorization of the HTTP transport, with keys made here and authorization servers on
 * loopback: JWTs signed with jose for each accepted algorithm and each way a token can be wrong
 * (RFC 8725, RFC 9068), tokens shaped like those of the common providers under the settings the
 * README gives for them, key rotation, introspection with its cache and outages, the settings read
 * from the environment, and the gate over real HTTP in token and jwt modes.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type CryptoKey, type JWK, type JWTPayload, SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
    AuthorizationServerUnavailable,
    CLOCK_TOLERANCE_SECONDS,
    ExpiringLru,
    INTROSPECTION_CACHE_MS,
    INTROSPECTION_REFUSAL_CACHE_MS,
    IntrospectionVerifier,
    JwtVerifier,
    RETRY_AFTER_SECONDS,
    authOptionsFromEnv,
    callerOf,
    claimRules,
    remoteKeys,
} from '../src/auth.js';
import { Catalog } from '../src/catalog.js';
import { type HttpOptions, type RunningHttpServer, serveHttp } from '../src/http.js';

const ISSUER = 'https://auth.example.test';
const RESOURCE = new URL('https://mcp.example.test/mcp');
const now = () => Math.floor(Date.now() / 1000);

interface TestKey {
    kid: string;
    alg: string;
    privateKey: CryptoKey;
    jwk: JWK;
}

async function testKey(kid: string, alg: string): Promise<TestKey> {
    const { publicKey, privateKey } = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : alg, { extractable: true });
    return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWT signed by `key`; `header` adds to or overrides the protected header (`typ: undefined` leaves it out). */
function jwt(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const protectedHeader = Object.fromEntries(
        Object.entries({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).filter(([, v]) => v !== undefined),
    );
    const crit = Array.isArray(header.crit) ? Object.fromEntries(header.crit.map((name: string) => [name, true])) : undefined;
    return new SignJWT(claims).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey, crit && { crit });
}

const claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: ISSUER,
    aud: RESOURCE.href,
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'mcp:read mcp:write',
    exp: now() + 300,
    ...extra,
});

const keys = {
    rs: await testKey('rs', 'RS256'),
    ps: await testKey('ps', 'PS256'),
    es: await testKey('es', 'ES256'),
    ed: await testKey('ed', 'EdDSA'),
};
const published = Object.values(keys).map((k) => k.jwk);
/** A key the issuer never published. */
const attacker = await testKey('attacker', 'RS256');
const localKeys = createLocalJWKSet({ keys: published });

/** A jwt-mode verifier for `env` (MCP_AUTH_* settings as a deployment sets them), with the local key set. */
function verifierFor(env: Record<string, string> = {}) {
    const options = authOptionsFromEnv({ MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: ISSUER, ...env });
    return new JwtVerifier(
        { issuer: options.issuer ?? '', endpoint: async () => 'unused: the key set is given' },
        claimRules(options, RESOURCE),
        localKeys,
    );
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWT access tokens', () => {
    const verifier = verifierFor();

    it.each(Object.values(keys))('accepts a token signed with $alg, and reports who is calling', async (key) => {
        const info = await verifier.verifyAccessToken(await jwt(key, claims()));
        expect(callerOf(info)).toEqual({ subject: 'user-1', client: 'client-1', scopes: ['mcp:read', 'mcp:write'] });
        expect(info.resource?.href).toBe(RESOURCE.href);
    });

    it('accepts an audience list naming this server, a token just expired within the clock tolerance, and typ in any spelling', async () => {
        await expect(verifier.verifyAccessToken(await jwt(keys.rs, claims({ aud: ['other', RESOURCE.href] })))).resolves.toBeDefined();
        const justExpired = claims({ exp: now() - CLOCK_TOLERANCE_SECONDS / 2 });
        await expect(verifier.verifyAccessToken(await jwt(keys.rs, justExpired))).resolves.toBeDefined();
        for (const typ of ['application/at+jwt', 'AT+JWT']) {
            await expect(verifier.verifyAccessToken(await jwt(keys.rs, claims(), { typ }))).resolves.toBeDefined();
        }
    });

    it('reads scopes from scp as well, as a string or a list', async () => {
        for (const scp of ['mcp:read mcp:write', ['mcp:read', 'mcp:write']]) {
            const info = await verifier.verifyAccessToken(await jwt(keys.rs, claims({ scope: undefined, scp })));
            expect(info.scopes).toEqual(['mcp:read', 'mcp:write']);
        }
    });

    const tampered = async () => {
        const [header, , signature] = (await jwt(keys.rs, claims())).split('.');
        return `${header}.${b64(claims({ scope: 'admin' }))}.${signature}`;
    };

    it.each<[string, () => Promise<string>, string]>([
        ['alg none', async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`, 'algorithm "none"'],
        [
            'an HMAC algorithm',
            () => new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new Uint8Array(32).fill(7)),
            'algorithm "HS256"',
        ],
        ['an expired token', () => jwt(keys.rs, claims({ exp: now() - 2 * CLOCK_TOLERANCE_SECONDS })), 'expired'],
        ['a token without expiry', () => jwt(keys.rs, claims({ exp: undefined })), 'no expiration'],
        ['a token not valid yet', () => jwt(keys.rs, claims({ nbf: now() + 2 * CLOCK_TOLERANCE_SECONDS })), 'not valid yet'],
        ['another issuer', () => jwt(keys.rs, claims({ iss: 'https://evil.example' })), 'another authorization server'],
        ['another audience', () => jwt(keys.rs, claims({ aud: 'https://other.example/mcp' })), 'not issued for this resource'],
        ['no audience', () => jwt(keys.rs, claims({ aud: undefined })), 'not issued for this resource'],
        ['a changed payload', tampered, 'signature is invalid'],
        ['a key the issuer never published', async () => jwt(await testKey('rs', 'RS256'), claims()), 'signature is invalid'],
        ['an unknown key id', () => jwt({ ...keys.rs, kid: 'nope' }, claims()), 'No key'],
        // RFC 8725, 3.10: keys named or carried by the token itself are never trusted.
        ['a key carried in its header (jwk)', async () => jwt(attacker, claims(), { jwk: attacker.jwk }), 'No key'],
        ['a key set of its choosing (jku)', async () => jwt(attacker, claims(), { jku: 'https://evil.example/jwks' }), 'No key'],
        ['a malformed token', async () => 'not-a-jwt', 'Malformed'],
        // RFC 7515, 4.1.11: a critical extension the recipient does not implement makes the token invalid.
        [
            'an unknown critical header',
            () => jwt(keys.rs, claims(), { crit: ['urn:example:policy'], 'urn:example:policy': 'strict' }),
            'critical header',
        ],
        // RFC 9068, 2.1 and RFC 8725, 3.11: an ID token (typ JWT) or an untyped JWT is not an access token.
        ['typ JWT (an ID token, say)', () => jwt(keys.rs, claims(), { typ: 'JWT' }), 'type "JWT" is not accepted'],
        ['no typ', () => jwt(keys.rs, claims(), { typ: undefined }), 'type (none) is not accepted'],
        // RFC 9449 and RFC 8705: a sender-constrained token without its proof.
        [
            'a DPoP-bound token (cnf.jkt)',
            () => jwt(keys.rs, claims({ cnf: { jkt: 'Ad4X0nKQnO4nhXyUM-m0ZMi6YzP1J5nGeFEDlnW5sBU' } })),
            'bound to a key',
        ],
        [
            'a certificate-bound token (cnf.x5t#S256)',
            () => jwt(keys.rs, claims({ cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } })),
            'bound to a key',
        ],
        ['an ID token by its token_use', () => jwt(keys.rs, claims({ token_use: 'id' })), 'not an access token'],
    ])('refuses %s', async (_, make, message) => {
        await expect(verifier.verifyAccessToken(await make())).rejects.toThrow(message);
    });

    it('accepts the types MCP_AUTH_JWT_TYPES lists, untyped tokens only when it says so', async () => {
        const typed = verifierFor({ MCP_AUTH_JWT_TYPES: 'at+jwt,JWT' });
        await expect(typed.verifyAccessToken(await jwt(keys.rs, claims(), { typ: 'JWT' }))).resolves.toBeDefined();
        await expect(typed.verifyAccessToken(await jwt(keys.rs, claims(), { typ: undefined }))).rejects.toThrow('type (none)');
        const untyped = verifierFor({ MCP_AUTH_JWT_TYPES: 'untyped' });
        await expect(untyped.verifyAccessToken(await jwt(keys.rs, claims(), { typ: undefined }))).resolves.toBeDefined();
        await expect(untyped.verifyAccessToken(await jwt(keys.rs, claims()))).rejects.toThrow('type "at+jwt"');
    });
});

/**
 * Tokens shaped like each provider's (claims and headers as they issue them), under the settings
 * the README gives for that provider: accepted, and refused for another audience or issuer.
 */
describe('tokens of common providers, with the settings the README gives', () => {
    const entraTenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const apiClientId = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
    const providers: {
        name: string;
        env: Record<string, string>;
        header: Record<string, unknown>;
        claims: JWTPayload;
        audienceClaim?: string;
        caller: { client: string; scopes: string[] };
    }[] = [
        {
            name: 'Microsoft Entra ID, v2 token (scp string, roles)',
            env: {
                MCP_AUTH_ISSUER: `https://login.microsoftonline.com/${entraTenant}/v2.0`,
                MCP_AUTH_AUDIENCE: apiClientId,
                MCP_AUTH_JWT_TYPES: 'JWT',
                MCP_AUTH_SCOPE_CLAIMS: 'scp,roles',
            },
            header: { typ: 'JWT', x5t: 'kid-thumbprint' },
            claims: {
                aud: apiClientId,
                azp: 'caller-app',
                tid: entraTenant,
                oid: 'user-oid',
                scp: 'mcp.read',
                roles: ['Mcp.Admin'],
                ver: '2.0',
            },
            caller: { client: 'caller-app', scopes: ['mcp.read', 'Mcp.Admin'] },
        },
        {
            name: 'Microsoft Entra ID, v1 token (appid, application ID URI)',
            env: {
                MCP_AUTH_ISSUER: `https://sts.windows.net/${entraTenant}/`,
                MCP_AUTH_AUDIENCE: `api://${apiClientId}`,
                MCP_AUTH_JWT_TYPES: 'JWT',
            },
            header: { typ: 'JWT' },
            claims: { aud: `api://${apiClientId}`, appid: 'caller-app', tid: entraTenant, scp: 'mcp.read mcp.write', ver: '1.0' },
            caller: { client: 'caller-app', scopes: ['mcp.read', 'mcp.write'] },
        },
        {
            name: 'Auth0, default token profile (aud list with userinfo, azp)',
            env: { MCP_AUTH_ISSUER: 'https://acme.us.auth0.com/', MCP_AUTH_JWT_TYPES: 'JWT' },
            header: { typ: 'JWT' },
            claims: { aud: [RESOURCE.href, 'https://acme.us.auth0.com/userinfo'], azp: 'auth0-client', scope: 'openid mcp:read' },
            caller: { client: 'auth0-client', scopes: ['openid', 'mcp:read'] },
        },
        {
            name: 'Auth0, RFC 9068 token profile (permissions for RBAC)',
            env: {
                MCP_AUTH_ISSUER: 'https://acme.us.auth0.com/',
                MCP_AUTH_JWT_TYPES: 'at+jwt',
                MCP_AUTH_SCOPE_CLAIMS: 'scope,permissions',
            },
            header: { typ: 'at+jwt' },
            claims: { aud: RESOURCE.href, client_id: 'auth0-client', scope: 'mcp:read', permissions: ['mcp:admin'], jti: 'x' },
            caller: { client: 'auth0-client', scopes: ['mcp:read', 'mcp:admin'] },
        },
        {
            name: 'Okta custom authorization server (no typ, scp list, cid)',
            env: {
                MCP_AUTH_ISSUER: 'https://acme.okta.com/oauth2/default',
                MCP_AUTH_AUDIENCE: 'api://default',
                MCP_AUTH_JWT_TYPES: 'untyped',
            },
            header: { typ: undefined },
            claims: { aud: 'api://default', cid: '0oa1okta', uid: '00u1user', scp: ['mcp:read'], ver: 1 },
            caller: { client: '0oa1okta', scopes: ['mcp:read'] },
        },
        {
            name: 'Keycloak realm (audience mapper, azp)',
            env: { MCP_AUTH_ISSUER: 'https://sso.acme.example/realms/acme', MCP_AUTH_JWT_TYPES: 'JWT' },
            header: { typ: 'JWT' },
            claims: { aud: [RESOURCE.href, 'account'], azp: 'mcp-client', typ: 'Bearer', scope: 'openid mcp:read' },
            caller: { client: 'mcp-client', scopes: ['openid', 'mcp:read'] },
        },
        {
            name: 'Amazon Cognito access token (client_id, no aud, token_use)',
            env: {
                MCP_AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
                MCP_AUTH_AUDIENCE_CLAIM: 'client_id',
                MCP_AUTH_AUDIENCE: '5l0appclient',
                MCP_AUTH_JWT_TYPES: 'untyped',
            },
            header: { typ: undefined },
            claims: { aud: undefined, client_id: '5l0appclient', token_use: 'access', scope: 'mcp/read', username: 'user-1' },
            audienceClaim: 'client_id',
            caller: { client: '5l0appclient', scopes: ['mcp/read'] },
        },
        {
            name: 'Google ID token (typ JWT, client id as aud, no scopes)',
            env: {
                MCP_AUTH_ISSUER: 'https://accounts.google.com',
                MCP_AUTH_AUDIENCE: '1234-abc.apps.googleusercontent.com',
                MCP_AUTH_JWT_TYPES: 'JWT',
            },
            header: { typ: 'JWT' },
            claims: {
                aud: '1234-abc.apps.googleusercontent.com',
                azp: '1234-abc.apps.googleusercontent.com',
                scope: undefined,
                email: 'a@b.example',
            },
            caller: { client: '1234-abc.apps.googleusercontent.com', scopes: [] },
        },
    ];

    const token = (provider: (typeof providers)[number], extra: JWTPayload = {}) =>
        jwt(
            keys.rs,
            { ...claims({ iss: provider.env.MCP_AUTH_ISSUER, client_id: undefined, scope: undefined }), ...provider.claims, ...extra },
            provider.header,
        );

    it.each(providers)('$name: accepted', async (provider) => {
        const info = await verifierFor(provider.env).verifyAccessToken(await token(provider));
        expect(callerOf(info)).toEqual({ subject: 'user-1', ...provider.caller });
    });

    it.each(providers)('$name: refused for another audience or issuer', async (provider) => {
        const verifier = verifierFor(provider.env);
        const audienceClaim = provider.audienceClaim ?? 'aud';
        await expect(verifier.verifyAccessToken(await token(provider, { [audienceClaim]: 'someone-else' }))).rejects.toThrow(
            'not issued for this resource',
        );
        await expect(verifier.verifyAccessToken(await token(provider, { iss: 'https://login.evil.example/' }))).rejects.toThrow(
            'another authorization server',
        );
    });

    it.each(providers.filter((p) => p.header.typ !== 'at+jwt'))('$name: refused without its MCP_AUTH_JWT_TYPES', async (provider) => {
        const { MCP_AUTH_JWT_TYPES: _types, ...env } = provider.env;
        await expect(verifierFor(env).verifyAccessToken(await token(provider))).rejects.toThrow('is not accepted');
    });

    it('Amazon Cognito: an ID token of the same pool is refused', async () => {
        const cognito = providers.find((p) => p.name.startsWith('Amazon Cognito'));
        if (!cognito) throw new Error('the Cognito case is missing');
        const idToken = await token(cognito, { token_use: 'id', aud: '5l0appclient', client_id: undefined });
        await expect(verifierFor({ ...cognito.env, MCP_AUTH_AUDIENCE_CLAIM: 'aud' }).verifyAccessToken(idToken)).rejects.toThrow(
            'not an access token',
        );
    });
});

/** A JSON endpoint on loopback that counts its requests; `reply` decides each answer (undefined: never answer). */
async function stub(reply: (body: string) => { status: number; body: unknown } | undefined) {
    const seen: { authorization?: string; body: string }[] = [];
    const server = createHttpServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
            seen.push({ authorization: req.headers.authorization, body });
            const answer = reply(body);
            if (answer) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        seen,
        close: () => {
            server.closeAllConnections();
            return new Promise((resolve) => server.close(resolve));
        },
    };
}

describe('the issuer key set, fetched from loopback', () => {
    afterEach(() => vi.useRealTimers());

    it('is fetched once, and again for an unknown key id (rotation) but not more than the cooldown allows', async () => {
        const rotated = await testKey('new', 'RS256');
        let rotatedOut = false;
        const jwks = await stub(() => ({ status: 200, body: { keys: rotatedOut ? [keys.rs.jwk, rotated.jwk] : [keys.rs.jwk] } }));
        const server = { issuer: ISSUER, endpoint: async () => `${jwks.url}/jwks` };
        const verifier = new JwtVerifier(server, verifierRules(), remoteKeys(server, { cooldownMs: 0 }));
        await verifier.verifyAccessToken(await jwt(keys.rs, claims()));
        await verifier.verifyAccessToken(await jwt(keys.rs, claims()));
        expect(jwks.seen).toHaveLength(1);
        rotatedOut = true;
        await expect(verifier.verifyAccessToken(await jwt(rotated, claims()))).resolves.toBeDefined();
        expect(jwks.seen).toHaveLength(2);

        // With the default cooldown, made-up key ids cannot make the server fetch the keys on every request.
        const guarded = new JwtVerifier(server, verifierRules(), remoteKeys(server));
        for (let i = 0; i < 5; i++)
            await expect(guarded.verifyAccessToken(await jwt({ ...rotated, kid: `made-up-${i}` }, claims()))).rejects.toThrow('No key');
        expect(jwks.seen).toHaveLength(3);
        await jwks.close();
    });

    it('is unavailable, not a refusal, when the keys cannot be fetched', async () => {
        const down = await stub(() => ({ status: 500, body: {} }));
        const server = { issuer: ISSUER, endpoint: async () => `${down.url}/jwks` };
        const verifier = new JwtVerifier(server, verifierRules(), remoteKeys(server));
        await expect(verifier.verifyAccessToken(await jwt(keys.rs, claims()))).rejects.toBeInstanceOf(AuthorizationServerUnavailable);
        await down.close();
    });
});

const verifierRules = (env: Record<string, string> = {}) =>
    claimRules(authOptionsFromEnv({ MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: ISSUER, ...env }), RESOURCE);

describe('token introspection, against a counting stand-in on loopback', () => {
    const active = { active: true, iss: ISSUER, aud: RESOURCE.href, client_id: 'client-1', sub: 'user-1', scope: 'mcp:read' };
    /** What the stand-in answers for a token; undefined: it never answers. */
    let reply: (token: string) => { status: number; body: unknown } | undefined = () => ({ status: 200, body: { active: false } });
    let as: Awaited<ReturnType<typeof stub>>;

    beforeAll(async () => {
        as = await stub((body) => reply(new URLSearchParams(body).get('token') ?? ''));
    });

    afterAll(async () => {
        await as.close();
    });

    afterEach(() => {
        as.seen.length = 0;
        vi.useRealTimers();
    });

    const verifier = (timeoutMs?: number, cacheEntries?: number) =>
        new IntrospectionVerifier(
            { issuer: ISSUER, endpoint: async () => `${as.url}/introspect` },
            verifierRules(),
            { id: 'rs', secret: 's3cret' },
            timeoutMs,
            cacheEntries,
        );

    it('asks with the client credentials, and accepts an active token for this server', async () => {
        reply = () => ({ status: 200, body: { ...active, exp: now() + 60 } });
        expect(callerOf(await verifier().verifyAccessToken('opaque'))).toEqual({
            subject: 'user-1',
            client: 'client-1',
            scopes: ['mcp:read'],
        });
        expect(as.seen[0]?.authorization).toBe(`Basic ${Buffer.from('rs:s3cret').toString('base64')}`);
        expect(new URLSearchParams(as.seen[0]?.body).get('token')).toBe('opaque');
    });

    it('takes an active answer without exp as good until the cache forgets it', async () => {
        reply = () => ({ status: 200, body: active });
        const info = await verifier().verifyAccessToken('opaque-without-exp');
        expect(info.expiresAt).toBeGreaterThan(now() + INTROSPECTION_CACHE_MS / 1000 - 5);
        expect(info.expiresAt).toBeLessThanOrEqual(now() + INTROSPECTION_CACHE_MS / 1000 + CLOCK_TOLERANCE_SECONDS);
    });

    it.each<[string, { status: number; body: unknown }, string]>([
        ['an inactive token', { status: 200, body: { active: false } }, 'not active'],
        ['an answer whose active is not true', { status: 200, body: { ...active, active: 'true', exp: now() + 60 } }, 'not active'],
        [
            'a token for another resource',
            { status: 200, body: { ...active, aud: 'https://other.example/mcp', exp: now() + 60 } },
            'not issued for this resource',
        ],
        [
            'a token of another issuer',
            { status: 200, body: { ...active, iss: 'https://evil.example', exp: now() + 60 } },
            'another authorization server',
        ],
        ['a token bound to a key', { status: 200, body: { ...active, exp: now() + 60, cnf: { jkt: 'thumbprint' } } }, 'bound to a key'],
        ['a DPoP token', { status: 200, body: { ...active, exp: now() + 60, token_type: 'DPoP' } }, 'bound to a key'],
        [
            'a token it refuses to introspect (oidc-provider, for a JWT)',
            { status: 400, body: { error: 'unsupported_token_type', error_description: 'Structured JWT Tokens cannot be introspected' } },
            'refused to introspect the token (unsupported_token_type)',
        ],
    ])('refuses %s', async (_, answer, message) => {
        reply = () => answer;
        await expect(verifier().verifyAccessToken('opaque')).rejects.toThrow(message);
    });

    it.each<[string, { status: number; body: unknown } | undefined]>([
        ['does not answer in time', undefined],
        ['fails (500)', { status: 500, body: { error: 'server_error' } }],
        ['refuses this server’s own credentials', { status: 401, body: { error: 'invalid_client' } }],
        ['answers what is not JSON', { status: 200, body: 'active' }],
    ])('is unavailable, not a refusal, when the authorization server %s', async (_, answer) => {
        reply = () => answer;
        await expect(verifier(200).verifyAccessToken('opaque')).rejects.toBeInstanceOf(AuthorizationServerUnavailable);
    });

    it('asks once for a token repeated, made up or real, and once for identical checks at the same time', async () => {
        reply = (token) =>
            token === 'real' ? { status: 200, body: { ...active, exp: now() + 600 } } : { status: 200, body: { active: false } };
        const checker = verifier();
        for (let i = 0; i < 20; i++) await expect(checker.verifyAccessToken('made-up')).rejects.toThrow('not active');
        for (let i = 0; i < 20; i++) await checker.verifyAccessToken('real');
        await Promise.all(Array.from({ length: 20 }, () => checker.verifyAccessToken('concurrent').catch(() => undefined)));
        expect(as.seen.map((s) => new URLSearchParams(s.body).get('token'))).toEqual(['made-up', 'real', 'concurrent']);
    });

    it('asks again once a token expires, once the cache limit passes, and once a refusal has been kept briefly', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        reply = (token) => {
            if (token === 'made-up') return { status: 200, body: { active: false } };
            return { status: 200, body: { ...active, exp: now() + (token === 'short' ? 5 : 3600) } };
        };
        const asked = () => as.seen.map((s) => new URLSearchParams(s.body).get('token'));
        const checker = verifier();
        await checker.verifyAccessToken('short');
        await checker.verifyAccessToken('long');
        await expect(checker.verifyAccessToken('made-up')).rejects.toThrow('not active');
        vi.setSystemTime(Date.now() + 6_000);
        // The short token's answer was kept only until its expiry; the others still hold.
        await checker.verifyAccessToken('short');
        await checker.verifyAccessToken('long');
        await expect(checker.verifyAccessToken('made-up')).rejects.toThrow('not active');
        expect(asked()).toEqual(['short', 'long', 'made-up', 'short']);
        vi.setSystemTime(Date.now() + INTROSPECTION_REFUSAL_CACHE_MS);
        await expect(checker.verifyAccessToken('made-up')).rejects.toThrow('not active');
        await checker.verifyAccessToken('long');
        expect(asked()).toEqual(['short', 'long', 'made-up', 'short', 'made-up']);
        vi.setSystemTime(Date.now() + INTROSPECTION_CACHE_MS);
        await checker.verifyAccessToken('long');
        expect(asked()).toEqual(['short', 'long', 'made-up', 'short', 'made-up', 'long']);
    });

    it('keeps at most its size of answers, so made-up tokens cannot grow it without bound', async () => {
        reply = () => ({ status: 200, body: { active: false } });
        const checker = verifier(undefined, 50);
        for (let i = 0; i < 200; i++) await expect(checker.verifyAccessToken(`made-up-${i}`)).rejects.toThrow('not active');
        expect(checker.cached).toBe(50);
        // The most recent are kept, the oldest went first.
        await expect(checker.verifyAccessToken('made-up-199')).rejects.toThrow();
        await expect(checker.verifyAccessToken('made-up-0')).rejects.toThrow();
        expect(as.seen).toHaveLength(201);
    });
});

describe('the expiring LRU map', () => {
    afterEach(() => vi.useRealTimers());

    it('evicts the least recently used entry first, and forgets expired ones', () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        const cache = new ExpiringLru<number>(2);
        cache.set('a', 1, 1_000);
        cache.set('b', 2, 10_000);
        expect(cache.get('a')).toBe(1);
        cache.set('c', 3, 10_000);
        expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
        vi.setSystemTime(Date.now() + 2_000);
        expect(cache.get('a')).toBeUndefined();
        expect(cache.size).toBe(1);
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

    it('names a bad token type or claim name', () => {
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'none', MCP_AUTH_JWT_TYPES: 'at+jwt,a b/c/d' })).toThrow(
            'MCP_AUTH_JWT_TYPES lists token types',
        );
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'none', MCP_AUTH_AUDIENCE_CLAIM: 'aud client_id' })).toThrow(
            'MCP_AUTH_AUDIENCE_CLAIM names one claim',
        );
        expect(() => authOptionsFromEnv({ MCP_AUTH: 'none', MCP_AUTH_SCOPE_CLAIMS: 'scope,"scp"' })).toThrow(
            'MCP_AUTH_SCOPE_CLAIMS lists claim names',
        );
    });

    it('reads lists separated by spaces or commas, with defaults', () => {
        const options = authOptionsFromEnv({ MCP_AUTH: 'none', MCP_AUTH_SCOPES: 'a, b c', MCP_AUTH_JWT_TYPES: 'at+jwt, JWT ,untyped' });
        expect(options.scopes).toEqual(['a', 'b', 'c']);
        expect(options.jwtTypes).toEqual(['application/at+jwt', 'application/jwt', 'untyped']);
        expect(authOptionsFromEnv({ MCP_AUTH: 'none' })).toMatchObject({
            audienceClaim: 'aud',
            scopeClaims: ['scope', 'scp'],
            jwtTypes: ['application/at+jwt'],
        });
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

/** POSTs an initialize request to `url`; resolves with the status, the challenge and Retry-After. */
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
    return {
        status: response.status,
        challenge: response.headers.get('www-authenticate') ?? '',
        retryAfter: response.headers.get('retry-after'),
    };
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
        expect(await initialize(http.url)).toMatchObject({ status: 401, challenge: 'Bearer' });
        expect((await fetch(new URL('/.well-known/oauth-protected-resource/mcp', http.url))).status).toBe(404);
    });

    it.each([
        ['a wrong token', { authorization: `Bearer ${'b'.repeat(40)}` }],
        ['another scheme', { authorization: `Basic ${Buffer.from(`user:${token}`).toString('base64')}` }],
        ['a DPoP proof scheme', { authorization: `DPoP ${token}` }],
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
    let jwks: Awaited<ReturnType<typeof stub>>;
    let http: RunningHttpServer;
    let resource: string;

    beforeAll(async () => {
        jwks = await stub(() => ({ status: 200, body: { keys: published } }));
        const env = { MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: ISSUER, MCP_AUTH_JWKS_URL: `${jwks.url}/jwks`, MCP_AUTH_SCOPES: 'mcp:read' };
        http = await serveWhoami({ auth: authOptionsFromEnv(env) });
        resource = http.url;
    });

    afterAll(async () => {
        await http.close();
        await jwks.close();
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

    it('refuses every bad token with 401 invalid_token and the metadata address, and a token without the scope with 403', async () => {
        const bad = [
            await jwt(keys.es, claims()),
            await jwt(keys.es, claims({ aud: resource }), { typ: 'JWT' }),
            await jwt(keys.es, claims({ aud: resource }), { crit: ['urn:example:policy'], 'urn:example:policy': 'strict' }),
            await jwt(keys.es, claims({ aud: resource, cnf: { jkt: 'thumbprint' } })),
        ];
        for (const token of bad) {
            const refused = await initialize(http.url, { authorization: `Bearer ${token}` });
            expect(refused.status).toBe(401);
            expect(refused.challenge).toMatch(
                /^Bearer error="invalid_token", error_description=".+", scope="mcp:read", resource_metadata="/,
            );
        }
        const narrow = await initialize(http.url, {
            authorization: `Bearer ${await jwt(keys.es, claims({ aud: resource, scope: 'other' }))}`,
        });
        expect(narrow.status).toBe(403);
        expect(narrow.challenge).toContain('error="insufficient_scope"');
        expect(narrow.challenge).toContain('scope="mcp:read"');
    });

    it('lets a client in with a good token, and refuses a tool whose own scope it lacks', async () => {
        const token = await jwt(keys.ed, claims({ aud: resource }));
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

describe('an authorization server that cannot be reached, over HTTP', () => {
    let down: Awaited<ReturnType<typeof stub>>;
    let hanging: Awaited<ReturnType<typeof stub>>;
    const servers: RunningHttpServer[] = [];

    beforeAll(async () => {
        down = await stub(() => ({ status: 502, body: { error: 'bad gateway' } }));
        hanging = await stub(() => undefined);
    });

    afterAll(async () => {
        for (const server of servers) await server.close();
        await down.close();
        await hanging.close();
    });

    const serve = async (env: Record<string, string>) => {
        const server = await serveWhoami({ auth: authOptionsFromEnv(env) });
        servers.push(server);
        return server;
    };

    it.each<[string, () => Record<string, string>]>([
        ['jwt mode, keys answering 502', () => ({ MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: ISSUER, MCP_AUTH_JWKS_URL: `${down.url}/jwks` })],
        ['jwt mode, no metadata to find the keys in', () => ({ MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: down.url })],
        [
            'introspection answering 502',
            () => ({
                MCP_AUTH: 'introspection',
                MCP_AUTH_ISSUER: ISSUER,
                MCP_AUTH_INTROSPECTION_URL: `${down.url}/introspect`,
                MCP_AUTH_CLIENT_ID: 'rs',
                MCP_AUTH_CLIENT_SECRET: 's',
            }),
        ],
    ])('answers 503 with Retry-After: %s', async (_, env) => {
        const server = await serve(env());
        const token = await jwt(keys.rs, claims({ aud: server.url }));
        const { status, challenge, retryAfter } = await initialize(server.url, { authorization: `Bearer ${token}` });
        expect({ status, retryAfter, challenge }).toEqual({ status: 503, retryAfter: String(RETRY_AFTER_SECONDS), challenge: '' });
    });

    it('answers 503 with Retry-After when introspection does not answer within the timeout', async () => {
        const server = await serve({
            MCP_AUTH: 'introspection',
            MCP_AUTH_ISSUER: ISSUER,
            MCP_AUTH_INTROSPECTION_URL: `${hanging.url}/introspect`,
            MCP_AUTH_CLIENT_ID: 'rs',
            MCP_AUTH_CLIENT_SECRET: 's',
        });
        const { status, retryAfter } = await initialize(server.url, { authorization: 'Bearer opaque-token' });
        expect({ status, retryAfter }).toEqual({ status: 503, retryAfter: String(RETRY_AFTER_SECONDS) });
    }, 15_000);
});
