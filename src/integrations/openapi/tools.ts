/**
 * From a read API to what the generated server needs: the operations kept by the filters, each as
 * a tool entry (name, description, annotations, JSON Schema input, and how each input property
 * reaches the request), and the environment variables of its servers and credentials. Pure.
 */
import type { JsonObject } from './load.js';
import type { Api, ApiOperation, ApiScheme } from './model.js';
import { nameOperations } from './names.js';
import { convertSchema, objectProperties, schemaContext } from './schema.js';

export interface Filters {
    tags: string[];
    include: string[];
    exclude: string[];
    readOnly: boolean;
}

/** How one input property reaches the request. */
export interface ParamEntry {
    key: string;
    in: 'path' | 'query' | 'header' | 'cookie';
    name: string;
    style: string;
    explode: boolean;
}

export interface BodyEntry {
    mediaType: string;
    /** The input property holding the whole body; absent when its properties are the input's own. */
    key?: string;
    /** Flattened body: input property -> body property. */
    fields?: Record<string, string>;
    /** Body properties (multipart) or the whole body (other non-JSON types) sent as bytes decoded from base64. */
    binary?: string[] | true;
}

/** One operation as the generated server registers and calls it. */
export interface ToolEntry {
    name: string;
    title: string;
    description: string;
    method: string;
    path: string;
    annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint: boolean };
    inputSchema: JsonObject;
    params: ParamEntry[];
    body?: BodyEntry;
    /** Alternatives of scheme names that apply together; empty when the operation needs no credentials. */
    security: string[][];
}

export type SchemeEntry = ApiScheme & { env: Record<string, string> };

export interface ToolTable {
    title: string;
    prefix: string;
    /** The first server with its variables' defaults, absolute; undefined when the document gives none usable. */
    baseUrl?: string;
    schemes: SchemeEntry[];
    tools: ToolEntry[];
    /** Operations in the document, and how many the filters left out. */
    total: number;
    filteredOut: number;
    /** Lines for the person running the generator (renames). */
    warnings: string[];
}

const DESCRIPTION_CAP = 2_000;
const TITLE_CAP = 100;
const PROPERTY_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** `*` matches any run of characters, `?` one; everything else literally. */
export function globMatcher(glob: string): RegExp {
    const body = glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*+/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${body}$`, 'i');
}

/** Does the operation pass the generation filters? (`x-mcp: false` always leaves it out.) */
export function keepOperation(operation: ApiOperation, filters: Filters): boolean {
    if (operation.hidden) return false;
    if (filters.readOnly && operation.method !== 'get' && operation.method !== 'head') return false;
    if (filters.tags.length > 0 && !operation.tags.some((t) => filters.tags.some((f) => f.toLowerCase() === t.toLowerCase()))) return false;
    const subjects = [operation.operationId ?? '', operation.path];
    const matches = (globs: string[]) => globs.some((g) => subjects.some((s) => globMatcher(g).test(s)));
    if (filters.include.length > 0 && !matches(filters.include)) return false;
    return !(filters.exclude.length > 0 && matches(filters.exclude));
}

/** Words of a title that say nothing about which API it is. */
const GENERIC_WORDS = new Set([
    'API',
    'APIS',
    'REST',
    'OPENAPI',
    'SWAGGER',
    'SPEC',
    'SPECIFICATION',
    'OFFICIAL',
    'THE',
    'OF',
    'FOR',
    'SERVICE',
    'HTTP',
    'V1',
    'V2',
    'V3',
]);

/**
 * The environment variable prefix: the option as given, else the first two telling words of the
 * document's title (`GitHub's official OpenAPI spec` -> GITHUB, `Swagger Petstore` -> PETSTORE).
 */
export function envPrefix(title: string, given?: string): string {
    const clean = (text: string) =>
        text
            .toUpperCase()
            .replace(/'S\b/g, '')
            .replace(/[^A-Z0-9]+/g, '_')
            .replace(/^_+|_+$/g, '');
    const words =
        given !== undefined
            ? [clean(given)]
            : clean(title.split(/\s[-+(:|]|[(:|]/)[0]!)
                  .split('_')
                  .filter((w) => w !== '' && !GENERIC_WORDS.has(w))
                  .slice(0, 2);
    const prefix = words.join('_').slice(0, 24).replace(/_+$/, '');
    return /^[A-Z]/.test(prefix) ? prefix : `API${prefix ? `_${prefix}` : ''}`;
}

function envName(prefix: string, ...parts: string[]): string {
    return [prefix, ...parts]
        .join('_')
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_');
}

/** The environment variables that carry a scheme's credentials. */
function schemeEnv(prefix: string, scheme: ApiScheme): Record<string, string> {
    switch (scheme.type) {
        case 'apiKey':
            return { value: envName(prefix, scheme.name) };
        case 'bearer':
            return { token: envName(prefix, scheme.name, 'token') };
        case 'basic':
            return { username: envName(prefix, scheme.name, 'username'), password: envName(prefix, scheme.name, 'password') };
        case 'oauth2':
            return scheme.tokenUrl
                ? {
                      clientId: envName(prefix, scheme.name, 'client_id'),
                      clientSecret: envName(prefix, scheme.name, 'client_secret'),
                      token: envName(prefix, scheme.name, 'token'),
                  }
                : { token: envName(prefix, scheme.name, 'token') };
    }
}

function cap(text: string, max: number): string {
    return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function annotationsOf(method: string): ToolEntry['annotations'] {
    if (method === 'get' || method === 'head') return { readOnlyHint: true, openWorldHint: true };
    if (method === 'delete') return { destructiveHint: true, idempotentHint: true, openWorldHint: true };
    if (method === 'put') return { idempotentHint: true, openWorldHint: true };
    return { openWorldHint: true };
}

function isJsonMedia(mediaType: string): boolean {
    const essence = mediaType.split(';')[0]!.trim().toLowerCase();
    return essence === 'application/json' || essence.endsWith('+json') || essence === '*/*';
}

/** One operation as a tool entry (its name already chosen). */
export function toolEntry(api: Api, operation: ApiOperation, name: string): ToolEntry {
    const ctx = schemaContext(api.document, api.version);
    const properties: JsonObject = {};
    const required: string[] = [];

    // Parameter keys: the wire name when it is a valid key and unique, else `<location>_<name>`.
    const cleanKey = (raw: string) => (PROPERTY_KEY.test(raw) ? raw : raw.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'param');
    const counts = new Map<string, number>();
    for (const p of operation.parameters) counts.set(cleanKey(p.name), (counts.get(cleanKey(p.name)) ?? 0) + 1);
    const params: ParamEntry[] = [];
    for (const p of operation.parameters) {
        const plain = cleanKey(p.name);
        const key = counts.get(plain)! > 1 ? cleanKey(`${p.in}_${p.name}`) : plain;
        const schema = convertSchema(ctx, p.schema);
        const where = `${p.in} parameter "${p.name}"`;
        const description = p.description ?? (typeof schema.description === 'string' ? schema.description : undefined);
        properties[key] = { ...schema, description: description ? `${description} (${where})` : `The ${where}` };
        if (p.required) required.push(key);
        params.push({ key, in: p.in, name: p.name, style: p.style, explode: p.explode });
    }

    let body: BodyEntry | undefined;
    if (operation.body) {
        const { mediaType, schema } = operation.body;
        const form = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(mediaType);
        const flat = isJsonMedia(mediaType) || form ? objectProperties(ctx, schema) : undefined;
        const names = flat ? Object.keys(flat.properties) : [];
        const canFlatten = flat !== undefined && names.length > 0 && names.every((n) => PROPERTY_KEY.test(n) && !(n in properties));
        if (canFlatten) {
            const fields: Record<string, string> = {};
            for (const [prop, sub] of Object.entries(flat!.properties)) {
                properties[prop] = convertSchema(ctx, sub);
                fields[prop] = prop;
            }
            if (operation.body.required) required.push(...flat!.required);
            body = { mediaType, fields };
        } else {
            const key = 'body' in properties ? 'request_body' : 'body';
            const converted = convertSchema(ctx, schema);
            const bytes = !isJsonMedia(mediaType) && !form && !/^text\//i.test(mediaType);
            properties[key] = bytes
                ? { type: 'string', contentEncoding: 'base64', description: `The request body (${mediaType}), base64-encoded` }
                : {
                      ...converted,
                      description: operation.body.description ?? (converted.description as string | undefined) ?? `The request body (${mediaType})`,
                  };
            if (operation.body.required) required.push(key);
            body = { mediaType, key, ...(bytes && { binary: true as const }) };
        }
        if (/^multipart\/form-data/i.test(mediaType) && body.fields) {
            const binary = Object.keys(body.fields).filter((k) => (properties[k] as JsonObject).contentEncoding === 'base64');
            if (binary.length > 0) body.binary = binary;
        }
    }

    const inputSchema: JsonObject = { type: 'object', properties };
    if (required.length > 0) inputSchema.required = [...new Set(required)];
    if (Object.keys(ctx.defs).length > 0) inputSchema.$defs = ctx.defs;

    const line = `${operation.method.toUpperCase()} ${operation.path}`;
    const text = [operation.summary, operation.description && operation.description !== operation.summary ? operation.description : undefined]
        .filter(Boolean)
        .join('\n\n');
    const description = `${operation.deprecated ? 'Deprecated. ' : ''}${cap(text, DESCRIPTION_CAP)}${text ? '\n\n' : ''}${line}`;
    return {
        name,
        title: cap(operation.summary?.split('\n')[0] ?? name, TITLE_CAP),
        description,
        method: operation.method.toUpperCase(),
        // A fragment some documents add to tell two operations of one path apart is never sent.
        path: operation.path.split('#')[0]!,
        annotations: annotationsOf(operation.method),
        inputSchema,
        params,
        ...(body && { body }),
        security: operation.security,
    };
}

/** The first server URL made absolute against where the document came from, if it can be. */
function baseUrlOf(servers: string[], documentUrl?: string): string | undefined {
    for (const server of servers) {
        if (/\{[^}]*\}/.test(server)) continue;
        if (/^https?:\/\//i.test(server)) return server.replace(/\/+$/, '');
        if (documentUrl) return new URL(server, documentUrl).href.replace(/\/+$/, '');
    }
    return undefined;
}

/** Everything the generated server needs from the document. `taken`: tool names the project already uses. */
export function buildToolTable(api: Api, options: { filters: Filters; prefix?: string; documentUrl?: string; taken?: string[] }): ToolTable {
    const kept = api.operations.filter((op) => keepOperation(op, options.filters));
    const names = nameOperations(kept, options.taken);
    const prefix = envPrefix(api.title, options.prefix);
    const used = new Set(kept.flatMap((op) => op.security.flat()));
    return {
        title: api.title,
        prefix,
        baseUrl: baseUrlOf(api.servers, options.documentUrl),
        schemes: api.schemes.filter((s) => used.has(s.name)).map((s) => ({ ...s, env: schemeEnv(prefix, s) })),
        tools: kept.map((op, i) => toolEntry(api, op, names[i]!.name)),
        total: api.operations.length,
        filteredOut: api.operations.length - kept.length,
        warnings: names.flatMap((n) => (n.renamed ? [n.renamed] : [])),
    };
}
