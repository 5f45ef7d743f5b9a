/**
 * What HTTP authorization costs a generated server, and what made-up tokens cost it: the default
 * project served with MCP_AUTH none, token, jwt (ES256 tokens checked by jose against a key set on
 * loopback) and introspection (a stand-in authorization server on loopback, answers cached), the
 * same tools/call load on each; then introspection under made-up tokens: one repeated (how many
 * times it reaches the authorization server) and many distinct ones (the server's memory as the
 * answer cache fills and then stays at its cap).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { load, startHttpServer } from './http.mjs';

const LOAD = { concurrency: 16, requests: 3000, warmup: 300, maxSeconds: 30 };
/** Distinct made-up tokens sent in each of two rounds; the cache keeps 10 000 answers. */
const MADE_UP = 12_000;
const CALL = { name: 'add', arguments: { a: 1, b: 2 } };

/** A loopback server answering every request with `reply(body)`; counts requests. */
async function stub(reply) {
    const state = { requests: 0 };
    const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
            state.requests++;
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply(body)));
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { state, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Resident memory of a process in MB (Linux), or NaN elsewhere. */
function rssMb(pid) {
    try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return Number(kb) / 1024;
    } catch {
        return Number.NaN;
    }
}

async function measure(cwd, env, headers) {
    const server = await startHttpServer(cwd, env);
    try {
        await load(server.url, CALL, { ...LOAD, requests: LOAD.warmup, headers });
        return await load(server.url, CALL, { ...LOAD, headers });
    } finally {
        await server.stop();
    }
}

export async function authBench({ defaultDir, log }) {
    const issuer = 'https://issuer.bench.example';
    // A fixed resource identifier, so tokens can name their audience before the server has a port.
    const resource = 'https://mcp.bench.example/mcp';
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...key.publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' };
    const jwks = await stub(() => ({ keys: [jwk] }));
    const introspection = await stub((body) =>
        new URLSearchParams(body).get('token') === 'opaque-bench-token'
            ? { active: true, aud: resource, client_id: 'bench', scope: 'mcp', exp: Math.floor(Date.now() / 1000) + 3600 }
            : { active: false },
    );
    const token = 'b'.repeat(48);
    try {
        log(`auth: ${LOAD.requests} tools/call at concurrency ${LOAD.concurrency} with MCP_AUTH none, token, jwt, introspection`);
        const results = {};
        results.none = await measure(defaultDir, { MCP_AUTH: 'none' });
        results.token = await measure(defaultDir, { MCP_AUTH: 'token', MCP_AUTH_TOKEN: token }, () => ({ authorization: `Bearer ${token}` }));
        const jwtEnv = { MCP_AUTH: 'jwt', MCP_AUTH_ISSUER: issuer, MCP_AUTH_JWKS_URL: `${jwks.url}/jwks`, MCP_AUTH_RESOURCE: resource };
        const claims = { iss: issuer, aud: resource, sub: 'bench', client_id: 'bench', scope: 'mcp', exp: Math.floor(Date.now() / 1000) + 3600 };
        const input = `${b64({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })}.${b64(claims)}`;
        const jwt = `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
        results.jwt = await measure(defaultDir, jwtEnv, () => ({ authorization: `Bearer ${jwt}` }));
        const introspectionEnv = {
            MCP_AUTH: 'introspection',
            MCP_AUTH_ISSUER: issuer,
            MCP_AUTH_INTROSPECTION_URL: `${introspection.url}/introspect`,
            MCP_AUTH_CLIENT_ID: 'bench',
            MCP_AUTH_CLIENT_SECRET: 'bench-secret',
            MCP_AUTH_RESOURCE: resource,
        };
        const before = introspection.state.requests;
        results.introspection = await measure(defaultDir, introspectionEnv, () => ({ authorization: 'Bearer opaque-bench-token' }));
        results.introspection.asked = introspection.state.requests - before;

        log(`auth: made-up tokens in introspection mode (one repeated ${LOAD.requests} times; ${MADE_UP} distinct, twice)`);
        const server = await startHttpServer(defaultDir, introspectionEnv);
        try {
            const refused = { ...LOAD, status: 401 };
            let asked = introspection.state.requests;
            await load(server.url, CALL, { ...refused, headers: () => ({ authorization: 'Bearer made-up-and-repeated' }) });
            const repeated = introspection.state.requests - asked;
            const idle = rssMb(server.pid);
            asked = introspection.state.requests;
            const first = await load(server.url, CALL, {
                ...refused,
                requests: MADE_UP,
                maxSeconds: 120,
                headers: (id) => ({ authorization: `Bearer guess-${id}` }),
            });
            const afterFirst = rssMb(server.pid);
            const second = await load(server.url, CALL, {
                ...refused,
                requests: MADE_UP,
                maxSeconds: 120,
                headers: (id) => ({ authorization: `Bearer other-${id}` }),
            });
            const afterSecond = rssMb(server.pid);
            results.madeUp = {
                repeated,
                requests: LOAD.requests,
                distinct: first.requests + second.requests,
                asked: introspection.state.requests - asked,
                rps: (first.requests + second.requests) / (first.seconds + second.seconds),
                rss: { idle, afterFirst, afterSecond },
            };
        } finally {
            await server.stop();
        }
        return results;
    } finally {
        await jwks.close();
        await introspection.close();
    }
}

const fmt = (r) => `${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms`;

/** Table rows and target lines of the authorization section. */
export function authReport(r) {
    const m = r.madeUp;
    const growth = m.rss.afterSecond - m.rss.afterFirst;
    return {
        rows: [
            ['HTTP tools/call, MCP_AUTH=none', fmt(r.none), '', ''],
            ['HTTP tools/call, MCP_AUTH=token', fmt(r.token), `none: ${fmt(r.none)}`, `×${(r.token.rps / r.none.rps).toFixed(2)} req/s`],
            ['HTTP tools/call, MCP_AUTH=jwt (ES256, jose)', fmt(r.jwt), `none: ${fmt(r.none)}`, `×${(r.jwt.rps / r.none.rps).toFixed(2)} req/s`],
            [
                'HTTP tools/call, MCP_AUTH=introspection (cached)',
                fmt(r.introspection),
                `none: ${fmt(r.none)}`,
                `×${(r.introspection.rps / r.none.rps).toFixed(2)} req/s; ${r.introspection.asked} AS calls`,
            ],
            ['introspection: one made-up token repeated', `${m.requests} requests`, `${m.repeated} AS calls`, ''],
            [
                'introspection: distinct made-up tokens',
                `${m.distinct} requests, ${m.rps.toFixed(0)} req/s`,
                `${m.asked} AS calls`,
                `RSS ${m.rss.idle.toFixed(0)} → ${m.rss.afterFirst.toFixed(0)} → ${m.rss.afterSecond.toFixed(0)} MB`,
            ],
        ],
        targets: [
            { name: 'a repeated made-up token reaches the authorization server at most twice', pass: m.repeated <= 2, value: `${m.repeated} calls` },
            {
                name: `memory flat once the introspection cache is full (RSS growth over the second ${MADE_UP} distinct tokens < 20 MB)`,
                pass: growth < 20,
                value: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
            },
        ],
    };
}
