/**
 * The stdio side of the dev loop (`node scripts/dev.mjs --stdio`). This process holds the client's
 * stdin and stdout for the whole session; each version of the server is a child whose stdin and
 * stdout carry the same JSON-RPC lines, passed through unchanged.
 *
 * On a reload the new version first gets what made the session, its answers kept from the client:
 * the 2025-era `initialize` handshake (with the log level and resource subscriptions set since),
 * or the 2026-07-28 `subscriptions/listen` requests. Then new messages go to it and the client is
 * told what changed (`notifications/tools/list_changed`, …: unsolicited in the 2025 era, on its
 * subscriptions in the 2026-07-28 one). The old version answers what it still owes; a request it
 * can no longer answer gets an error, never silence.
 */
import { createInterface } from 'node:readline';

const LIST_CHANGED = {
    tools: 'notifications/tools/list_changed',
    resources: 'notifications/resources/list_changed',
    prompts: 'notifications/prompts/list_changed',
};
/** The field of a `subscriptions/listen` filter that asks for each kind of change. */
const FILTER_FIELD = { tools: 'toolsListChanged', resources: 'resourcesListChanged', prompts: 'promptsListChanged' };
/** How long a version may take to answer the session's opening requests on a reload. */
const ADOPT_TIMEOUT_MS = 10_000;

const isRequest = (message) => typeof message.method === 'string' && message.id !== undefined;
const isNotification = (message) => typeof message.method === 'string' && message.id === undefined;

/**
 * Serves the client on `input`/`output` (this process's stdin and stdout). `onclose` runs once the
 * client closed its end. Returns the transport the reloader drives (see reloader.mjs).
 */
export function createStdioTransport({ input = process.stdin, output = process.stdout, onclose }) {
    /** What the client set up on its connection, replayed to every new version. */
    const session = {
        /** The params of its `initialize` (2025 era), and whether it sent `notifications/initialized`. */
        initialize: undefined,
        initialized: false,
        /** The params of its last `logging/setLevel` (2025 era). */
        logLevel: undefined,
        /** URIs of its `resources/subscribe` (2025 era). */
        resources: new Set(),
        /** Its open `subscriptions/listen` (2026-07-28 era), by request id: the request line and the server's acknowledgement. */
        listens: new Map(),
    };
    /** Each running version's side of the connection. */
    const links = new Map();
    /** Requests of a version to the client, by the id the client sees. */
    const serverRequests = new Map();
    let nextServerRequest = 0;
    /** The version new messages go to; until there is one, they wait here (or are refused, with a reason). */
    let current;
    let waiting = [];
    let unavailableReason;

    const write = (message) => output.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
    const refuse = (id, reason) =>
        write({ jsonrpc: '2.0', id, error: { code: -32603, message: `${reason} (see the dev server's output)` } });

    createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
        .on('line', fromClient)
        .on('close', () => onclose?.());
    output.on('error', () => onclose?.());

    function fromClient(line) {
        if (line.trim() === '') return;
        if (!current) {
            if (unavailableReason === undefined) waiting.push(line);
            else {
                const message = parse(line);
                if (message && isRequest(message)) refuse(message.id, unavailableReason);
            }
            return;
        }
        const link = links.get(current);
        const message = parse(line);
        // Not JSON-RPC: the version's entry reports it.
        if (!message) return link.send(line);
        if (isRequest(message)) {
            remember(message, line);
            if (message.method !== 'subscriptions/listen') link.pending.add(message.id);
            return link.send(line);
        }
        if (isNotification(message)) {
            if (message.method === 'notifications/initialized') session.initialized = true;
            if (message.method === 'notifications/cancelled') {
                const id = message.params?.requestId;
                // A request is cancelled where it runs; a subscription lives on the current version.
                if (!session.listens.delete(id)) return (ownerOf(id) ?? link).send(line);
            }
            return link.send(line);
        }
        // An answer to a version's request to the client: back to that version, under its own id.
        const route = serverRequests.get(message.id);
        if (!route) return;
        serverRequests.delete(message.id);
        route.link.send({ ...message, id: route.id });
    }

    /** Keeps what a request adds to the session. */
    function remember(message, line) {
        const { method, params } = message;
        if (method === 'initialize') session.initialize = params;
        else if (method === 'logging/setLevel') session.logLevel = params;
        else if (method === 'resources/subscribe') session.resources.add(params?.uri);
        else if (method === 'resources/unsubscribe') session.resources.delete(params?.uri);
        else if (method === 'subscriptions/listen') session.listens.set(message.id, { line, ack: undefined });
    }

    function ownerOf(id) {
        for (const link of links.values()) if (link.pending.has(id)) return link;
        return undefined;
    }

    function fromVersion(link, line) {
        const message = parse(line);
        if (!message || link.closed) return;
        if (isRequest(message)) {
            // Ids of different versions' requests could clash at the client: it sees ids of this process.
            const id = `dev-${nextServerRequest++}`;
            serverRequests.set(id, { link, id: message.id });
            return write({ ...message, id });
        }
        if (isNotification(message)) {
            if (message.method === 'notifications/subscriptions/acknowledged') {
                const id = subscriptionOf(message);
                // A replayed subscription: the client has its acknowledgement already.
                if (link.replays.has(id)) return link.replays.get(id)({ ack: message.params });
                if (session.listens.has(id)) session.listens.get(id).ack = message.params;
            }
            if (message.method === 'notifications/cancelled') {
                const route = [...serverRequests].find(([, r]) => r.link === link && r.id === message.params?.requestId);
                if (route) return write({ ...message, params: { ...message.params, requestId: route[0] } });
            }
            // What a replaced version says about changes no longer concerns the client.
            if (link.version !== current && Object.values(LIST_CHANGED).includes(message.method)) return;
            return write(line);
        }
        if (link.answers.has(message.id)) return link.answers.get(message.id)(message);
        if (link.replays.has(message.id)) return link.replays.get(message.id)({ answer: line });
        if (session.listens.has(message.id)) {
            // A subscription's end, from the version it moved away from: it lives on in the new one.
            if (link.version !== current) return;
            session.listens.delete(message.id);
        }
        link.pending.delete(message.id);
        link.checkIdle();
        write(line);
    }

    /** The subscription an acknowledgement is for: the listen request whose id its `_meta` carries. */
    function subscriptionOf(ack) {
        return Object.values(ack.params?._meta ?? {}).find((value) => session.listens.has(value));
    }

    function connect(version) {
        const link = new Link(version);
        links.set(version, link);
        createInterface({ input: version.child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => fromVersion(link, line));
        return link;
    }

    return {
        /** How the reloader's lines say a version serves. */
        serves: 'serves this stdio connection',

        /** Replays the session to `version`, so that it can take over the connection. */
        async adopt(version) {
            const link = connect(version);
            if (session.initialize) {
                const { capabilities } = await link.request('initialize', session.initialize);
                link.capabilities = capabilities;
                if (session.initialized) link.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
                if (session.logLevel) await link.request('logging/setLevel', session.logLevel);
                for (const uri of session.resources) await link.request('resources/subscribe', { uri });
            }
            for (const [id, { line }] of session.listens) {
                const outcome = await link.replay(id, line);
                // Not subscribed again (the server refused, or closed it at once): the client learns it ended.
                if (outcome.answer) link.ended.push(outcome.answer);
            }
        },

        /** New messages go to `version` from now on; the client hears of the `kinds` of items that changed. */
        switchTo(version, kinds) {
            const link = links.get(version);
            current = version;
            unavailableReason = undefined;
            for (const answer of link.ended.splice(0)) {
                session.listens.delete(parse(answer).id);
                write(answer);
            }
            for (const kind of kinds) {
                if (session.initialize && link.capabilities?.[kind]?.listChanged) write({ jsonrpc: '2.0', method: LIST_CHANGED[kind] });
                for (const { ack } of session.listens.values()) {
                    // Stamped with the subscription's id, as the server stamped its acknowledgement.
                    if (ack?.notifications?.[FILTER_FIELD[kind]])
                        write({ jsonrpc: '2.0', method: LIST_CHANGED[kind], params: { _meta: ack._meta } });
                }
            }
            const lines = waiting;
            waiting = [];
            for (const line of lines) fromClient(line);
        },

        /** Resolves once `version` has answered every request it was given (or exited). */
        idle(version) {
            return links.get(version)?.idle() ?? Promise.resolve();
        },

        /** `version` goes away: what it still owes the client is answered with an error. */
        abandon(version) {
            const link = links.get(version);
            if (!link) return;
            links.delete(version);
            link.closed = true;
            for (const id of link.pending) refuse(id, 'The server was reloaded or stopped before it answered this request; send it again');
            for (const [id, route] of serverRequests) if (route.link === link) serverRequests.delete(id);
            if (current === version) current = undefined;
        },

        /** No version serves, for `reason`: requests get an error that says so. */
        unavailable(reason) {
            unavailableReason = reason;
            if (current) return;
            const lines = waiting;
            waiting = [];
            for (const line of lines) {
                const message = parse(line);
                if (message && isRequest(message)) refuse(message.id, reason);
            }
        },
    };
}

/** One version's end of the connection: its stdin, and what it owes. */
class Link {
    /** Ids of the client's requests it has not answered. */
    pending = new Set();
    /** The dev server's own requests to it (the replayed handshake), by id. */
    answers = new Map();
    /** Replayed subscriptions waiting for their acknowledgement, by id. */
    replays = new Map();
    /** Answers to replayed subscriptions that ended instead: the client gets them on the switch. */
    ended = [];
    capabilities = undefined;
    closed = false;
    #nextId = 0;
    #idle = [];

    constructor(version) {
        this.version = version;
        // Writing to a version that has exited fails; what it owed is answered when it is abandoned.
        version.child.stdin.on('error', () => {});
        // A version that exits answers nothing more: what it owes is refused when it is abandoned.
        version.exited.then(() => {
            for (const resolve of this.#idle.splice(0)) resolve();
            for (const settle of [...this.answers.values(), ...this.replays.values()]) settle({ error: { message: 'the server exited' } });
        });
    }

    send(message) {
        this.version.child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
    }

    /** A request of the dev server itself; its answer never reaches the client. */
    request(method, params) {
        const id = `dev-replay-${this.#nextId++}`;
        return this.#wait(this.answers, id, () => this.send({ jsonrpc: '2.0', id, method, params })).then((message) => {
            if (message.error) throw new Error(`${method}: ${message.error.message}`);
            return message.result;
        });
    }

    /** Opens the client's subscription `id` again; resolves to `{ ack }`, or `{ answer }` when it ended at once. */
    replay(id, line) {
        return this.#wait(this.replays, id, () => this.send(line)).then((outcome) => {
            if (outcome.error) throw new Error(`subscriptions/listen: ${outcome.error.message}`);
            return outcome;
        });
    }

    #wait(table, id, send) {
        return new Promise((resolve) => {
            const timer = setTimeout(
                () => settle({ error: { message: `no answer within ${ADOPT_TIMEOUT_MS / 1000} s` } }),
                ADOPT_TIMEOUT_MS,
            );
            const settle = (outcome) => {
                clearTimeout(timer);
                table.delete(id);
                resolve(outcome);
            };
            table.set(id, settle);
            send();
        });
    }

    /** Resolves once it owes nothing, or has exited. */
    idle() {
        const { exitCode, signalCode } = this.version.child;
        if (this.pending.size === 0 || exitCode !== null || signalCode !== null) return Promise.resolve();
        return new Promise((resolve) => this.#idle.push(resolve));
    }

    checkIdle() {
        if (this.pending.size > 0) return;
        for (const resolve of this.#idle.splice(0)) resolve();
    }
}

function parse(line) {
    try {
        const message = JSON.parse(line);
        return message !== null && typeof message === 'object' && !Array.isArray(message) ? message : undefined;
    } catch {
        return undefined;
    }
}
