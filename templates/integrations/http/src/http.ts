/**
 * Streamable HTTP on node:http: the SDK's web-standard handler behind a DNS-rebinding guard
 * (Host and Origin checks), CORS for allowed origins, timeouts for slow clients, and the
 * authorization of `./auth.ts`, served at /mcp.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
    hostHeaderValidation,
    localhostHostValidation,
    localhostOriginValidation,
    originValidation,
    toNodeHandler,
} from '@modelcontextprotocol/node';
import { type McpServerFactory, type ServerEventBus, createMcpHandler } from '@modelcontextprotocol/server';
import { type AuthGate, type AuthOptions, authOptionsFromEnv, createAuthGate } from './auth.js';

/** How long a slow or silent client may hold a connection, in milliseconds. */
export interface HttpTimeouts {
    /** The whole request, headers and body, must arrive within this. */
    requestMs: number;
    /** The headers must arrive within this; a connection that sends nothing is closed after it. */
    headersMs: number;
    /** An idle keep-alive connection is closed after this. */
    keepAliveMs: number;
}

export interface HttpOptions {
    host: string;
    port: number;
    /**
     * Host names (without port) that clients may use in the Host and Origin headers.
     * Empty means localhost only.
     */
    allowedHosts: string[];
    /** Defaults: 30 s for a request, 10 s for its headers, 5 s of keep-alive. */
    timeouts?: HttpTimeouts;
    /** Who may call the server; unset means no authorization. */
    auth?: AuthOptions;
    /** The scopes a JSON-RPC message needs beyond those of every request (a tool's own), when authorized. */
    scopesFor?: (message: unknown) => string[];
    /** Where resource changes are published, for the `subscriptions/listen` streams this server holds. */
    bus?: ServerEventBus;
}

export interface RunningHttpServer {
    url: string;
    close: () => Promise<void>;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 };

/** The largest request body accepted, as the SDK's handler accepts by default (4 MiB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Headers a browser may send to /mcp, and those its page may read from the answer. */
const CORS_ALLOW_HEADERS = 'authorization, content-type, accept, last-event-id, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name';
const CORS_EXPOSE_HEADERS = 'WWW-Authenticate, Mcp-Session-Id';

/** Reads a whole number of milliseconds from `env[name]`; throws a one-line error for a bad value. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of milliseconds (1 or more), got "${text}"`);
    return value;
}

/** Reads HOST, PORT, ALLOWED_HOSTS, the timeouts and the authorization settings; throws a one-line error for a bad value. */
export function httpOptionsFromEnv(env: NodeJS.ProcessEnv): HttpOptions {
    const host = env.HOST || '127.0.0.1';
    const port = Number(env.PORT || 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);
    }
    const allowedHosts = (env.ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean);
    const loopback = LOOPBACK.has(host);
    if (!loopback && allowedHosts.length === 0) {
        // Binding beyond loopback without a Host allow-list would disable DNS-rebinding protection.
        throw new Error(`HOST=${host} serves beyond this machine: set ALLOWED_HOSTS to the host names clients use`);
    }
    const timeouts: HttpTimeouts = {
        requestMs: milliseconds(env, 'HTTP_REQUEST_TIMEOUT_MS', DEFAULT_TIMEOUTS.requestMs),
        headersMs: milliseconds(env, 'HTTP_HEADERS_TIMEOUT_MS', DEFAULT_TIMEOUTS.headersMs),
        keepAliveMs: milliseconds(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_TIMEOUTS.keepAliveMs),
    };
    if (timeouts.headersMs > timeouts.requestMs) {
        throw new Error(`HTTP_HEADERS_TIMEOUT_MS (${timeouts.headersMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${timeouts.requestMs})`);
    }
    const auth = authOptionsFromEnv(env);
    if (!loopback && auth.mode === 'none' && !auth.explicit) {
        throw new Error(
            `HOST=${host} serves beyond this machine without authorization: set MCP_AUTH to token, jwt or introspection (or MCP_AUTH=none to serve without it)`,
        );
    }
    return { host, port, allowedHosts, timeouts, auth };
}

/** Starts the HTTP server; resolves once it listens. */
export async function serveHttp(factory: McpServerFactory, options: HttpOptions): Promise<RunningHttpServer> {
    const handler = createMcpHandler(factory, {
        bus: options.bus,
        // Rejected probes and malformed requests land here too: log the message, not a stack.
        onerror: (error) => console.error('[mcp]', error.message),
    });
    const handle = toNodeHandler(handler);
    const validateHost = options.allowedHosts.length > 0 ? hostHeaderValidation(options.allowedHosts) : localhostHostValidation();
    const validateOrigin = options.allowedHosts.length > 0 ? originValidation(options.allowedHosts) : localhostOriginValidation();
    const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    // Set once the server listens, since the resource URL may name the port it was given.
    let gate: ReturnType<typeof createAuthGate> | undefined;

    const server: Server = createHttpServer(
        {
            requestTimeout: timeouts.requestMs,
            headersTimeout: timeouts.headersMs,
            keepAliveTimeout: timeouts.keepAliveMs,
            // How often Node looks for requests past their timeout (its default is 30 s).
            connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
        },
        (req, res) => {
            // Each guard answers 403 itself when it refuses the request.
            if (!validateHost(req, res)) return;
            const { pathname } = new URL(req.url ?? '/', 'http://localhost');
            // The authorization metadata is public, for pages on any origin.
            if (gate?.serveMetadata(pathname, req, res)) return;
            if (!validateOrigin(req, res)) return;
            allowOrigin(req, res);
            if (pathname !== '/mcp') {
                res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the MCP endpoint is /mcp');
                return;
            }
            if (req.method === 'OPTIONS') {
                preflight(res);
                return;
            }
            if (!gate) {
                void handle(req, res);
                return;
            }
            authorizeThenHandle(gate, req, res).catch((error: unknown) => {
                console.error('[auth]', error instanceof Error ? error.message : error);
                if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Authorization failed');
            });
        },
    );

    /**
     * Checks the token, then the scopes the message itself needs (a tool's own `scopes`), which
     * can only be known once its body is read; the body read here is handed on to the SDK.
     */
    async function authorizeThenHandle(gate: AuthGate, req: IncomingMessage, res: ServerResponse): Promise<void> {
        const authInfo = await gate.check(req, res);
        if (!authInfo) return;
        const authorized = Object.assign(req, { auth: authInfo });
        if (req.method !== 'POST' || !options.scopesFor) {
            await handle(authorized, res);
            return;
        }
        const body = await readJsonBody(req);
        if (!body.ok) {
            res.writeHead(body.status, { 'content-type': 'application/json' }).end(
                JSON.stringify({ jsonrpc: '2.0', error: { code: body.code, message: body.message }, id: null }),
            );
            return;
        }
        const messages = Array.isArray(body.value) ? body.value : [body.value];
        const needed = [...new Set(messages.flatMap((message) => options.scopesFor?.(message) ?? []))];
        const granted = new Set(authInfo.scopes);
        if (needed.some((scope) => !granted.has(scope))) {
            await gate.refuseScopes(res, needed);
            return;
        }
        await handle(authorized, res, body.value);
    }

    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    const url = `http://${host}:${port}/mcp`;
    if (options.auth && options.auth.mode !== 'none') gate = createAuthGate(options.auth, new URL(url));

    return {
        url,
        close: async () => {
            await handler.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

type JsonBody = { ok: true; value: unknown } | { ok: false; status: number; code: number; message: string };

/** Reads and parses a JSON request body of at most MAX_BODY_BYTES. */
async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES)
            return { ok: false, status: 413, code: -32000, message: `Request body larger than ${MAX_BODY_BYTES} bytes` };
        chunks.push(chunk);
    }
    try {
        return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    } catch {
        return { ok: false, status: 400, code: -32700, message: 'Parse error: the request body is not valid JSON' };
    }
}

/**
 * Lets a page on an allowed origin read the answer (the Origin guard has already refused the
 * others), including the authorization challenge and the session id.
 */
function allowOrigin(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin) return;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS);
    res.setHeader('vary', 'Origin');
}

/** Answers a CORS preflight for /mcp. */
function preflight(res: ServerResponse): void {
    res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers': CORS_ALLOW_HEADERS,
        'access-control-max-age': '600',
    }).end();
}
