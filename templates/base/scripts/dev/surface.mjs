/**
 * The surface of a server: its tools, resources, resource templates and prompts as a client lists
 * them. The dev loop lists each version (in its own process) and prints what a reload changes.
 */

/** What a client lists, by kind: each item's name (or URI), with its definition as JSON. */
export const KINDS = [
    { kind: 'tools', label: 'tool', method: 'tools/list', key: 'tools', id: (item) => item.name },
    { kind: 'resources', label: 'resource', method: 'resources/list', key: 'resources', id: (item) => item.uri },
    { kind: 'resources', label: 'template', method: 'resources/templates/list', key: 'resourceTemplates', id: (item) => item.uriTemplate },
    { kind: 'prompts', label: 'prompt', method: 'prompts/list', key: 'prompts', id: (item) => item.name },
];

/**
 * Lists everything a server from `createServer()` exposes, through an in-memory connection of the
 * 2025 era: no transport, no authorization, and no SDK client to load. Resolves to
 * `{ [key]: { [id]: definition JSON } }`, e.g. `surface.tools.add`.
 */
export async function listSurface(createServer) {
    const server = createServer();
    const answers = new Map();
    /** Both ends of the connection: the server sends through `send`, and is given messages through `onmessage`. */
    const transport = {
        async start() {},
        async send(message) {
            answers.get(message.id)?.(message);
        },
        async close() {
            transport.onclose?.();
        },
    };
    await server.connect(transport);
    let nextId = 0;
    const request = (method, params) =>
        new Promise((resolve, reject) => {
            const id = nextId++;
            answers.set(id, (message) => {
                answers.delete(id);
                if (message.error) reject(new Error(`${method}: ${message.error.message}`));
                else resolve(message.result);
            });
            transport.onmessage?.({ jsonrpc: '2.0', id, method, params });
        });

    const { capabilities } = await request('initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'dev-loop', version: '1.0.0' },
    });
    transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const surface = {};
    for (const { kind, method, key, id } of KINDS) {
        surface[key] = {};
        if (!capabilities[kind]) continue;
        let cursor;
        do {
            const page = await request(method, cursor === undefined ? {} : { cursor });
            for (const item of page[key]) surface[key][id(item)] = JSON.stringify(item);
            cursor = page.nextCursor;
        } while (cursor !== undefined);
    }
    await server.close();
    return surface;
}

/**
 * What changed from one surface to the next: per kind (`tools`, `resources`, `prompts`), the ids
 * added, removed and changed (a definition that differs: description, schema, title, ...).
 */
export function diffSurfaces(before, after) {
    return KINDS.map(({ kind, label, key }) => {
        const old = before[key];
        const next = after[key];
        return {
            kind,
            label,
            added: Object.keys(next).filter((id) => !(id in old)),
            removed: Object.keys(old).filter((id) => !(id in next)),
            changed: Object.keys(next).filter((id) => id in old && old[id] !== next[id]),
        };
    }).filter((d) => d.added.length + d.removed.length + d.changed.length > 0);
}

/** How many of each kind a surface holds, e.g. `2 tools, 1 resource, 1 prompt`. */
export function countSurface(surface) {
    return KINDS.map(({ label, key }) => {
        const count = Object.keys(surface[key]).length;
        return `${count} ${label}${count === 1 ? '' : 's'}`;
    }).join(', ');
}
