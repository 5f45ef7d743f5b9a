/**
 * Streamable HTTP on node:http: the SDK's web-standard handler behind a DNS-rebinding guard
 * (Host and Origin checks), CORS for allowed origins, timeouts for slow clients, rate limits, and the
 * authorization of `./auth.ts`, served at /mcp. `/healthz` and `/readyz` answer probes, and `close()`
 * drains: readiness fails at once, requests in flight finish, then the server stops.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
    type NodeServerResponseLike,
    hostHeaderValidation,
    localhostHostValidation,
    localhostOriginValidation,
    originValidation,
    toNodeHandler,
} from '@modelcontextprotocol/node';
import {
    type AuthInfo,
    type McpServerFactory,
    type ServerEventBus,
    createMcpHandler,
    isJsonContentType,
} from '@modelcontextprotocol/server';
import { type AuthGate, type AuthOptions, authOptionsFromEnv, createAuthGate } from './auth.js';
import { DEPENDENCIES, type Dependency, unavailable } from './lifecycle.js';
import {
    MemoryStore,
    type RateLimitStore,
    type RateLimits,
    type RateRefusal,
    callerKey,
    exceededLimit,
    rateLimitsFromEnv,
} from './rate-limit.js';

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
    /** Requests per caller, and per caller of single tools; unset means no limit. */
    rateLimits?: RateLimits;
    /** Where the rate limits count: this process's memory unless a shared store (Redis) is given. */
    rateLimitStore?: RateLimitStore;
    /** Where changes are published, for the `subscriptions/listen` streams this server holds (the catalogue's). */
    bus?: ServerEventBus;
    /** Watches every MCP request and its answer (OpenTelemetry). */
    observer?: RequestObserver;
    /** How long `close()` waits for requests in flight, in milliseconds (default 10 s). */
    shutdownTimeoutMs?: number;
    /** What `/readyz` pings: every dependency of `./lifecycle.ts` unless given. */
    dependencies?: Dependency[];
}

/** What an observer is told once an answer has been sent. */
export interface ObservedAnswer {
    /** The HTTP status. */
    status: number;
    /** The JSON-RPC messages of the answer (its JSON body, or the events of its stream); empty when unknown. */
    messages: unknown[];
}

/** One request being watched: `run` runs its handling (in its trace context), `finish` is told the answer. */
export interface ObservedExchange {
    run<T>(work: () => T): T;
    finish(answer: ObservedAnswer): void;
}

/** Watches the MCP requests served over HTTP; telemetry gives one. */
export interface RequestObserver {
    /** Called as a request to /mcp is handed to the MCP handler, with its JSON-RPC messages (the parsed body). */
    start(messages: unknown[], req: IncomingMessage): ObservedExchange;
}

export interface RunningHttpServer {
    url: string;
    /**
     * Drains, then stops: `/readyz` answers 503 at once, no new connection is accepted, requests in
     * flight finish (for up to `shutdownTimeoutMs`, then they are stopped), listening streams end.
     */
    close: () => Promise<void>;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 };
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Headers a browser may send to /mcp, and those its page may read from the answer. */
const CORS_ALLOW_HEADERS = 'authorization, content-type, accept, last-event-id, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name';
const CORS_EXPOSE_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, Retry-After';

/** The largest request body accepted, as the SDK's handler accepts by default (4 MiB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The largest answer whose messages an observer is told; beyond it, only the status. */
const MAX_OBSERVED_ANSWER = 1024 * 1024;
/** A listening stream lasts as long as its client stays: nothing of it is kept. */
const LISTEN = 'subscriptions/listen';

/** Reads a whole number of milliseconds from `env[name]`; throws a one-line error for a bad value. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of milliseconds (1 or more), got "${text}"`);
    return value;
}

/**
 * Reads HOST, PORT, ALLOWED_HOSTS, the timeouts, the authorization settings, the rate limits and
 * SHUTDOWN_TIMEOUT_MS; throws a one-line error for a bad value.
 */
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
    const rateLimits = rateLimitsFromEnv(env);
    const shutdownTimeoutMs = milliseconds(env, 'SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS);
    return { host, port, allowedHosts, timeouts, auth, rateLimits, shutdownTimeoutMs };
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
    const limits = options.rateLimits;
    const store = options.rateLimitStore ?? new MemoryStore();
    const { observer } = options;
    // The body is read here only when something needs its messages: a tool's own limit or scopes, the observer.
    const readsBody = observer !== undefined || (limits?.perTool.size ?? 0) > 0;
    const inflight = new Requests();
    let draining = false;
    // Set once the server listens, since the resource URL may name the port it was given.
    let gate: AuthGate | undefined;

    /**
     * Checks what needs the request's messages (a tool's own scopes, when authorized), counts the
     * request against the rate limits, then hands it to the MCP handler (under the observer, if any).
     * The body read here is handed on to the SDK.
     */
    const serveMcp = async (req: IncomingMessage, res: ServerResponse, authInfo?: AuthInfo): Promise<void> => {
        const scopesFor = authInfo && gate ? options.scopesFor : undefined;
        const needsBody =
            req.method === 'POST' && isJsonContentType(req.headers['content-type'] ?? null) && (readsBody || scopesFor !== undefined);
        const body = needsBody ? await readJson(req, res) : undefined;
        if (body === null) return;
        const messages = body === undefined ? [] : Array.isArray(body.value) ? body.value : [body.value];
        if (scopesFor && gate && authInfo) {
            const needed = [...new Set(messages.flatMap((message) => scopesFor(message)))];
            const granted = new Set(authInfo.scopes);
            if (needed.some((scope) => !granted.has(scope))) {
                await gate.refuseScopes(res, needed);
                return;
            }
        }
        if (limits) {
            const caller = callerKey(req, authInfo, limits.trustedProxies);
            const refusal = await exceededLimit(limits, store, caller, calledTools(messages));
            if (refusal) {
                tooManyRequests(res, refusal);
                return;
            }
        }
        const exchange = messages.length > 0 ? observer?.start(messages, req) : undefined;
        if (!exchange) {
            await handle(req, res, body?.value);
            return;
        }
        const keep = messages.some((message) => (message as { method?: unknown } | null)?.method === LISTEN) ? 0 : MAX_OBSERVED_ANSWER;
        await exchange.run(() => handle(req, observedResponse(res, exchange, keep), body?.value));
    };

    const server: Server = createHttpServer(
        {
            requestTimeout: timeouts.requestMs,
            headersTimeout: timeouts.headersMs,
            keepAliveTimeout: timeouts.keepAliveMs,
            // How often Node looks for requests past their timeout (its default is 30 s).
            connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
        },
        (req, res) => {
            const { pathname } = new URL(req.url ?? '/', 'http://localhost');
            // Probes come from the orchestrator, with its own Host header: answered before the guards.
            if (pathname === '/healthz' || pathname === '/readyz') {
                void answerProbe(pathname, req, res, { draining, dependencies: options.dependencies ?? DEPENDENCIES });
                return;
            }
            // Each guard answers 403 itself when it refuses the request.
            if (!validateHost(req, res)) return;
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
            // While draining, every answer closes its connection, so clients reconnect to another instance.
            if (draining) res.setHeader('connection', 'close');
            inflight.track(req, res);
            const failed = (error: unknown) => {
                console.error('[http]', error instanceof Error ? error.message : error);
                if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal server error');
            };
            if (!gate) {
                serveMcp(req, res).catch(failed);
                return;
            }
            gate.check(req, res).then(
                (authInfo) => {
                    if (authInfo) serveMcp(Object.assign(req, { auth: authInfo }), res, authInfo).catch(failed);
                },
                (error: unknown) => {
                    console.error('[auth]', error instanceof Error ? error.message : error);
                    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('Authorization failed');
                },
            );
        },
    );

    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    const url = `http://${host}:${port}/mcp`;
    if (options.auth && options.auth.mode !== 'none') gate = createAuthGate(options.auth, new URL(url));

    let closing: Promise<void> | undefined;
    const drain = async () => {
        draining = true;
        // No new connections; idle keep-alive ones are closed now, busy ones once their answer is sent.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const waitMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
        if (!(await inflight.settled(waitMs))) {
            console.error(`${inflight.size} request(s) still running after ${waitMs} ms (SHUTDOWN_TIMEOUT_MS): stopping them`);
        }
        // Ends the listening streams (their clients reconnect elsewhere) and anything still running.
        await handler.close();
        server.closeAllConnections();
        await stopped;
    };
    return {
        url,
        close: () => {
            closing ??= drain();
            return closing;
        },
    };
}

/** The requests to /mcp being answered, except listening streams (which only end when the server stops). */
class Requests {
    readonly #open = new Set<ServerResponse>();
    #idle?: () => void;

    get size(): number {
        return this.#open.size;
    }

    track(req: IncomingMessage, res: ServerResponse): void {
        if (req.headers['mcp-method'] === LISTEN) return;
        this.#open.add(res);
        res.once('close', () => {
            this.#open.delete(res);
            if (this.#open.size === 0) this.#idle?.();
        });
    }

    /** Resolves true once none is left, or false after `ms` with some still running. */
    settled(ms: number): Promise<boolean> {
        if (this.#open.size === 0) return Promise.resolve(true);
        return new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), ms);
            this.#idle = () => {
                clearTimeout(timer);
                resolve(true);
            };
        });
    }
}

/**
 * `/healthz`: the process answers (liveness). `/readyz`: every dependency answers its ping within
 * 2 s, and the server is not shutting down; else 503 naming what is down. Neither needs authorization,
 * and neither is rate limited.
 */
async function answerProbe(
    pathname: string,
    req: IncomingMessage,
    res: ServerResponse,
    state: { draining: boolean; dependencies: Dependency[] },
): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
    }
    const { status, body } = pathname === '/healthz' ? { status: 200, body: { status: 'ok' } } : await readiness(state);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readiness(state: {
    draining: boolean;
    dependencies: Dependency[];
}): Promise<{ status: number; body: Record<string, unknown> }> {
    if (state.draining) return { status: 503, body: { status: 'shutting down' } };
    const down = await unavailable(state.dependencies);
    if (Object.keys(down).length > 0) return { status: 503, body: { status: 'unavailable', down } };
    return { status: 200, body: { status: 'ready' } };
}

/**
 * Reads and parses a JSON request body of at most MAX_BODY_BYTES. Answers 413, or a JSON-RPC parse
 * error, itself and resolves with null then.
 */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
            jsonRpcError(res, 413, -32000, `Request body larger than ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
            return null;
        }
        chunks.push(chunk);
    }
    try {
        return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    } catch {
        jsonRpcError(res, 400, -32700, 'Parse error: the request body is not valid JSON');
        return null;
    }
}

/** The names of the tools a request's messages call. */
function calledTools(messages: unknown[]): string[] {
    return messages.flatMap((message) => {
        const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
        return method === 'tools/call' && typeof params?.name === 'string' ? [params.name] : [];
    });
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(
        JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }),
    );
}

/** 429, with the seconds until the window that was exceeded ends. */
function tooManyRequests(res: ServerResponse, refusal: RateRefusal): void {
    const message = `Rate limit exceeded: ${refusal.rule.text} ${refusal.scope}; retry in ${refusal.retryAfterSeconds} s`;
    jsonRpcError(res, 429, -32000, message, { 'retry-after': String(refusal.retryAfterSeconds) });
}

/**
 * Passes everything through to `res`, keeping a copy of what is written (up to `keepBytes`); once the
 * answer has been sent (or the connection closed), tells `exchange` its status and messages.
 */
function observedResponse(res: ServerResponse, exchange: ObservedExchange, keepBytes: number): NodeServerResponseLike {
    const chunks: Buffer[] = [];
    let size = 0;
    // Headers given to writeHead are not readable back from `res`.
    let contentType = '';
    const keep = (chunk: string | Uint8Array | undefined) => {
        if (chunk === undefined || size > keepBytes) return;
        const bytes = Buffer.from(chunk);
        size += bytes.length;
        if (size <= keepBytes) chunks.push(bytes);
    };
    res.once('close', () => {
        const text = size <= keepBytes ? Buffer.concat(chunks).toString('utf8') : '';
        exchange.finish({ status: res.statusCode, messages: answerMessages(contentType, text) });
    });
    return {
        writeHead: (status, headers) => {
            contentType = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
            return res.writeHead(status, headers);
        },
        write: (chunk) => {
            keep(chunk);
            return res.write(chunk);
        },
        end: (chunk) => {
            keep(chunk);
            return chunk === undefined ? res.end() : res.end(chunk);
        },
        on: (event, listener) => res.on(event, listener),
        get destroyed() {
            return res.destroyed;
        },
    };
}

/** The JSON-RPC messages of an answer: its JSON body, or the `data:` of each event of a stream. */
function answerMessages(contentType: string, text: string): unknown[] {
    const parse = (json: string): unknown[] => {
        try {
            const value: unknown = JSON.parse(json);
            return Array.isArray(value) ? value : [value];
        } catch {
            return [];
        }
    };
    if (!contentType.includes('text/event-stream')) return text === '' ? [] : parse(text);
    return text.split(/\r?\n\r?\n/).flatMap((event) => {
        const data = event
            .split(/\r?\n/)
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart());
        return data.length > 0 ? parse(data.join('\n')) : [];
    });
}

/**
 * Lets a page on an allowed origin read the answer (the Origin guard has already refused the
 * others), including the authorization challenge, the session id and Retry-After.
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
