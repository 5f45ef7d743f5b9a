/**
 * The HTTP side of the dev loop (`npm run dev`). This process listens at HOST:PORT and passes each
 * request, unchanged, to the version that serves, on its private loopback port: a reload changes
 * where requests go, never the address clients use. A request keeps the version it started on, so
 * a reload never cuts one short.
 *
 * 2025-era clients are served statelessly, so their next request simply reaches the new version.
 * A 2026-07-28 client's `subscriptions/listen` stream outlives versions: on a reload it is opened
 * again on the new version, and the client gets `notifications/…/list_changed` on it.
 */
import { Agent, createServer, request } from 'node:http';

const LIST_CHANGED = {
    tools: 'notifications/tools/list_changed',
    resources: 'notifications/resources/list_changed',
    prompts: 'notifications/prompts/list_changed',
};
/** The field of a `subscriptions/listen` filter that asks for each kind of change. */
const FILTER_FIELD = { tools: 'toolsListChanged', resources: 'resourcesListChanged', prompts: 'promptsListChanged' };
/** Headers that belong to one connection, not to the request or response passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** How long a new version may take to acknowledge a subscription opened on it again. */
const ADOPT_TIMEOUT_MS = 10_000;
/** Far above what the server itself accepts (4 MiB): bodies are read whole, to spot subscriptions. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const agent = new Agent({ keepAlive: true });

/**
 * Listens at `host`:`port` (loopback only: the dev server has no authorization of its own to add;
 * `port` is text, as PORT holds it) and returns the transport the reloader drives (see
 * reloader.mjs), with the `url` clients use.
 */
export async function createHttpTransport({ host, port }) {
    if (!LOOPBACK.has(host)) {
        throw new Error(`HOST=${host}: the dev server serves this machine only (127.0.0.1, localhost or ::1); npm start serves beyond it`);
    }
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new Error(`PORT must be a whole number from 0 to 65535, got "${port}"`);
    /** Requests each version is answering (subscriptions aside: they move), and who waits for none. */
    const inflight = new Map();
    /** Open `subscriptions/listen` streams. */
    const listens = new Set();
    let current;
    let unavailableReason;
    /** Requests waiting for a version to serve (the first one, or one started again after it exited). */
    const waiting = [];

    const server = createServer((req, res) => {
        readBody(req).then(
            (body) => admit(req, body, res),
            () => reply(res, 413, null, `the request body is over ${MAX_BODY_BYTES} bytes`),
        );
    });
    await new Promise((resolve, reject) => {
        server.once('error', (error) =>
            reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: stop what listens there, or set PORT`) : error),
        );
        server.listen(Number(port), host, resolve);
    });
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}/mcp`;

    /** Handles a request now, or once a version serves. */
    function admit(req, body, res) {
        if (current || unavailableReason !== undefined) handle(req, body, res);
        else waiting.push(() => handle(req, body, res));
    }

    function handle(req, body, res) {
        if (!current) return reply(res, 503, idOf(body), `${unavailableReason} (see the dev server's output)`);
        const message = req.method === 'POST' ? parse(body) : undefined;
        if (message?.method === 'subscriptions/listen') return listen(req, body, res);
        pass(current, req, body, res);
    }

    /** Passes one request to `version` and its answer back, streamed (SSE included). */
    function pass(version, req, body, res) {
        const count = inflight.get(version);
        count.requests++;
        let done = false;
        const finish = () => {
            if (done) return;
            done = true;
            count.requests--;
            if (count.requests === 0) for (const resolve of count.idle.splice(0)) resolve();
        };
        const upstream = request({
            host: '127.0.0.1',
            port: version.port,
            method: req.method,
            path: req.url,
            headers: headersOf(req, body),
            agent,
        });
        upstream.on('response', (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
            res.flushHeaders();
            answer.pipe(res);
        });
        upstream.on('error', (error) => {
            if (error.code === 'ECONNREFUSED' && !res.headersSent) {
                // It never reached the version, which has exited: the one that serves next answers it.
                finish();
                void version.exited.then(() => admit(req, body, res));
            } else if (res.headersSent) res.destroy();
            else reply(res, 503, idOf(body), 'the server was reloaded or stopped before it answered this request; send it again');
        });
        res.on('close', () => {
            // The client went away before the answer was complete: the version may stop working on it.
            if (!res.writableFinished) upstream.destroy();
            finish();
        });
        upstream.end(body);
    }

    /** A `subscriptions/listen` stream: opened on the serving version, and again on each next one. */
    function listen(req, body, res) {
        const stream = { req, body, res, upstream: undefined, next: undefined, ack: undefined };
        listens.add(stream);
        res.on('close', () => {
            listens.delete(stream);
            stream.upstream?.destroy();
            stream.next?.destroy();
        });
        stream.upstream = open(stream, current, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
            res.flushHeaders();
        });
    }

    /**
     * Opens `stream` on `version`. Its frames reach the client while it is the stream's upstream;
     * `onanswer` gets the response first, and `onack` the acknowledgement (a frame not passed on when
     * the stream is being moved: the client has one already).
     */
    function open(stream, version, onanswer, onack) {
        const upstream = request({
            host: '127.0.0.1',
            port: version.port,
            method: 'POST',
            path: stream.req.url,
            headers: headersOf(stream.req, stream.body),
        });
        upstream.on('response', (answer) => {
            onanswer?.(answer);
            const isStream = /^text\/event-stream/.test(answer.headers['content-type'] ?? '');
            if (!isStream) {
                // Refused, or answered at once: that is the whole answer.
                if (stream.upstream === upstream) answer.pipe(stream.res);
                else answer.resume();
                onack?.(false);
                return;
            }
            let first = true;
            /** The version answered the subscription request: it is over. */
            let answered = false;
            readFrames(answer, (frame, message) => {
                const isAck = first && message?.method === 'notifications/subscriptions/acknowledged';
                first = false;
                if (isAck && onack) return onack(true);
                if (isAck) stream.ack = message.params;
                if (message?.id !== undefined) answered = true;
                if (stream.upstream === upstream) stream.res.write(frame);
            });
            // Ended with its answer, the subscription is over. Cut short, its version exited: the client
            // keeps its stream, and the version started next takes the subscription over.
            answer.on('end', () => {
                if (stream.upstream !== upstream) return;
                if (answered) stream.res.end();
                else stream.upstream = undefined;
            });
        });
        upstream.on('error', () => {
            onack?.(false);
            if (stream.upstream === upstream) stream.upstream = undefined;
        });
        upstream.end(stream.body);
        return upstream;
    }

    return {
        url,
        /** How the reloader's lines say a version serves. */
        serves: `serves ${url}`,

        /** Opens every subscription on `version` too, ready for the switch. */
        async adopt(version) {
            inflight.set(version, { requests: 0, idle: [] });
            const reopen = (stream) =>
                new Promise((resolve) => {
                    let settled = false;
                    const settle = (ok) => {
                        if (settled) return;
                        settled = true;
                        clearTimeout(timer);
                        stream.next = ok ? next : undefined;
                        if (!ok) next.destroy();
                        resolve();
                    };
                    const next = open(stream, version, undefined, settle);
                    // Not acknowledged in time: the subscription ends with the switch, rather than hold it.
                    const timer = setTimeout(() => settle(false), ADOPT_TIMEOUT_MS);
                });
            await Promise.all([...listens].map(reopen));
        },

        /** New requests go to `version` from now on; listening clients hear of the `kinds` of items that changed. */
        switchTo(version, kinds) {
            current = version;
            unavailableReason = undefined;
            for (const stream of listens) {
                const previous = stream.upstream;
                stream.upstream = stream.next;
                stream.next = undefined;
                previous?.destroy();
                // Not opened on the new version: the subscription ends, and the client may open another.
                if (!stream.upstream) {
                    stream.res.end();
                    continue;
                }
                for (const kind of kinds) {
                    // Stamped with the subscription's id, as the server stamped its acknowledgement.
                    if (stream.ack?.notifications?.[FILTER_FIELD[kind]]) {
                        stream.res.write(
                            `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: LIST_CHANGED[kind], params: { _meta: stream.ack._meta } })}\n\n`,
                        );
                    }
                }
            }
            for (const handleLater of waiting.splice(0)) handleLater();
        },

        /** Resolves once `version` has answered every request it was given. */
        idle(version) {
            const count = inflight.get(version);
            if (!count || count.requests === 0) return Promise.resolve();
            return new Promise((resolve) => count.idle.push(resolve));
        },

        /** `version` goes away: a request it still runs is answered with an error when its connection drops. */
        abandon(version) {
            inflight.delete(version);
            if (current === version) current = undefined;
        },

        /** No version serves, for `reason`: requests get a 503 that says so. */
        unavailable(reason) {
            unavailableReason = reason;
            if (!current) for (const handleLater of waiting.splice(0)) handleLater();
        },

        close() {
            for (const stream of listens) stream.res.destroy();
            server.closeAllConnections();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}

/** The request's body, read whole (an empty buffer for a GET). */
function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                req.removeAllListeners('data');
                req.resume();
                reject(new Error('too large'));
            } else chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
    });
}

/** The request's headers as the version gets them: its own Host (so its Host check applies), the body's length. */
function headersOf(req, body) {
    const headers = withoutHopByHop(req.headers);
    delete headers['content-length'];
    if (body.length > 0 || req.method === 'POST') headers['content-length'] = String(body.length);
    return headers;
}

function withoutHopByHop(headers) {
    return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/** Splits a server-sent event stream into frames (as the SDK writes them: lines, then a blank line). */
function readFrames(stream, onframe) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
        buffer += text;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, end + 2);
            buffer = buffer.slice(end + 2);
            const data = frame
                .split('\n')
                .filter((line) => line.startsWith('data:'))
                .map((line) => line.slice(5).trimStart())
                .join('\n');
            onframe(frame, data === '' ? undefined : parse(data));
        }
    });
}

function parse(text) {
    try {
        const message = JSON.parse(text);
        return message !== null && typeof message === 'object' ? message : undefined;
    } catch {
        return undefined;
    }
}

function idOf(body) {
    return parse(body)?.id ?? null;
}

/** Answers with a JSON-RPC error, so MCP clients show `message`. */
function reply(res, status, id, message) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(
        JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message } }),
    );
}
