/**
 * From a read API to what the generated server needs: the operations kept by the filters, each as
 * a tool entry (name, description, annotations, JSON Schema input, and how each input property
 * reaches the request), and the environment variables of its servers and credentials. Pure.
 */
import type { Json, JsonObject } from './load.js';
import { type Api, type ApiEncoding, type ApiOperation, type ApiParameter, type ApiScheme, isJsonMediaType, resolvePointer } from './model.js';
import { OBJECT_MEMBERS } from '../../shared/names.js';
import { oneLine, quote } from '../../shared/quote.js';
import { nameOperations } from './names.js';
import { type OutlineBudget, type SchemaContext, convertSchema, definition, objectProperties, outlineSchema, schemaContext } from './schema.js';
import { htmlToMarkdown } from './text.js';

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
    /** Present (true) only for a query parameter whose reserved characters pass unencoded. */
    allowReserved?: true;
    /** A parameter described by `content`: the media type its value is written in. */
    contentType?: string;
}

/** How one body property is serialized, where its value's type alone does not say. */
export interface FieldEncoding extends ApiEncoding {
    /** A file (multipart): bytes decoded from base64, or an array of them. */
    binary?: true;
}

export interface BodyEntry {
    mediaType: string;
    /** The input property holding the whole body; absent when its properties are the input's own. */
    key?: string;
    /** Flattened body: input property -> body property. */
    fields?: Record<string, string>;
    /** The whole body (a type neither JSON, form nor text) sent as bytes decoded from base64. */
    binary?: true;
    /** Body property -> its encoding (forms and multipart). */
    encoding?: Record<string, FieldEncoding>;
}

/** One operation as the generated server registers and calls it. */
export interface ToolEntry {
    name: string;
    title: string;
    description: string;
    method: string;
    path: string;
    tags: string[];
    annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint: boolean };
    /** References (`#/$defs/<name>`) lead into the table's shared `schemas`. */
    inputSchema: JsonObject;
    /** `{ result }`: the JSON answer of a 2xx response, as the document describes it; absent when it describes none. */
    outputSchema?: JsonObject;
    params: ParamEntry[];
    body?: BodyEntry;
    /** Alternatives of scheme names that apply together; empty when the operation needs no credentials. */
    security: string[][];
}

export type SchemeEntry = ApiScheme & { env: Record<string, string> };

/** How the server offers the operations: one tool each, or three tools that search, describe and call them. */
export type ToolMode = 'operations' | 'search';

export interface ToolTable {
    title: string;
    prefix: string;
    /** The mode the server starts in unless `<PREFIX>_TOOL_MODE` says otherwise. */
    mode: ToolMode;
    /** The first server with its variables' defaults, absolute; undefined when the document gives none usable. */
    baseUrl?: string;
    schemes: SchemeEntry[];
    tools: ToolEntry[];
    /** Every schema the tools' inputs reference, converted once: each tool's `$defs` are drawn from here. */
    schemas: Record<string, JsonObject>;
    /** The most the table may take (checked when it is written). */
    limit?: TableLimit;
    /** Operations in the document, and how many the filters left out. */
    total: number;
    filteredOut: number;
    /** Lines for the person running the generator (renames). */
    warnings: string[];
}

const DESCRIPTION_CAP = 2_000;
/** Renames the CLI names one by one; the rest are counted. */
const NAMED_RENAMES = 20;
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
 * Prefixes that processes already give a meaning to (`NODE_OPTIONS`, `LD_PRELOAD`, `HTTPS_PROXY`,
 * `NO_PROXY`, `OTEL_…`, `MCP_AUTH`): a generated variable never starts so, whatever the title says.
 */
const RESERVED_PREFIXES = new Set(['NODE', 'NPM', 'UV', 'LD', 'DYLD', 'HTTP', 'HTTPS', 'NO', 'SSL', 'OTEL', 'MCP', 'GIT', 'PATH']);

/**
 * The environment variable prefix: the option as given, else the first two telling words of the
 * document's title (`GitHub's official OpenAPI spec` -> GITHUB, `Swagger Petstore` -> PETSTORE);
 * one the system reads already gets `_API` (`NODE` -> NODE_API).
 */
export function envPrefix(title: string, given?: string): string {
    return prefixOf(title, given).prefix;
}

/** The prefix, and the one it would have been when that one is reserved. */
function prefixOf(title: string, given?: string): { prefix: string; reserved?: string } {
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
    const named = /^[A-Z]/.test(prefix) ? prefix : `API${prefix ? `_${prefix}` : ''}`;
    return RESERVED_PREFIXES.has(named) ? { prefix: `${named}_API`, reserved: named } : { prefix: named };
}

function envName(prefix: string, ...parts: string[]): string {
    return [prefix, ...parts]
        .join('_')
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .replace(/_+$/, '');
}

/** The variables the generated server reads for itself, whatever the document holds. */
export function ownEnvNames(prefix: string): string[] {
    return ['BASE_URL', 'TOOLS', 'TOOL_MODE', 'TIMEOUT_MS', 'MAX_RESPONSE_CHARS'].map((name) => `${prefix}_${name}`);
}

/** The environment variables that carry a scheme's credentials, `base` naming the scheme in them. */
function schemeEnv(prefix: string, scheme: ApiScheme, base: string): Record<string, string> {
    switch (scheme.type) {
        case 'apiKey':
            return { value: envName(prefix, base) };
        case 'bearer':
            return { token: envName(prefix, base, 'token') };
        case 'basic':
            return { username: envName(prefix, base, 'username'), password: envName(prefix, base, 'password') };
        case 'oauth2':
            return scheme.tokenUrl
                ? {
                      clientId: envName(prefix, base, 'client_id'),
                      clientSecret: envName(prefix, base, 'client_secret'),
                      token: envName(prefix, base, 'token'),
                  }
                : { token: envName(prefix, base, 'token') };
    }
}

/**
 * Each scheme's variables, none the same as the server's own (`<PREFIX>_TOOLS`…) or another
 * scheme's (`api-key` and `api_key`, a bearer `x` and an API key `x_token`): a scheme whose
 * variables are taken gets a number (`<PREFIX>_X_2_TOKEN`), with a note.
 */
function schemeEnvs(prefix: string, schemes: ApiScheme[], warnings: string[]): SchemeEntry[] {
    const taken = new Set(ownEnvNames(prefix));
    return schemes.map((scheme) => {
        let env = schemeEnv(prefix, scheme, scheme.name);
        const wanted = Object.values(env);
        for (let n = 2; Object.values(env).some((name) => taken.has(name)); n++) env = schemeEnv(prefix, scheme, `${scheme.name}_${n}`);
        const names = Object.values(env);
        for (const name of names) taken.add(name);
        if (names[0] !== wanted[0]) {
            warnings.push(
                `OpenAPI: the security scheme ${quote(scheme.name)} reads ${names.join(', ')}: ${wanted.filter((w) => !names.includes(w)).join(', ')} was taken`,
            );
        }
        return { ...scheme, env };
    });
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

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A media type whose content is bytes rather than text (an image, a PDF, `application/octet-stream`). */
function isBytesMediaType(mediaType: string): boolean {
    const essence = mediaType.split(';')[0]!.trim().toLowerCase();
    return !(isJsonMediaType(essence) || essence.startsWith('text/') || /[/+]xml$/.test(essence) || essence === 'application/x-www-form-urlencoded');
}

/** The schema a reference leads to (a few hops at most). */
function target(ctx: SchemaContext, schema: Json | undefined): JsonObject | undefined {
    let node = schema;
    for (let hops = 0; hops < 10 && isObject(node) && typeof node.$ref === 'string'; hops++) node = resolvePointer(ctx.document, node.$ref);
    return isObject(node) ? node : undefined;
}

/**
 * Is a body property a file (raw bytes in a multipart part), or an array of files? `format: binary`
 * and Swagger's `type: file`; in 3.1 also a schema without type naming a `contentMediaType`, or
 * with no type at all when the part's content type is a binary one.
 */
function isFile(ctx: SchemaContext, schema: Json | undefined, partType: string | undefined): boolean {
    const node = target(ctx, schema);
    if (!node) return false;
    if (node.type === 'array') return isFile(ctx, node.items, partType);
    if (node.type === 'file' || (node.format === 'binary' && (node.type === undefined || node.type === 'string'))) return true;
    if (ctx.version !== '3.1' || node.type !== undefined || node.contentEncoding !== undefined) return false;
    return typeof node.contentMediaType === 'string' || (partType !== undefined && isBytesMediaType(partType));
}

/** A file's input: base64 text (one per file of an array of files). */
function fileInput(ctx: SchemaContext, schema: Json | undefined, description: string | undefined): JsonObject {
    const node = target(ctx, schema);
    const file: JsonObject = { type: 'string', contentEncoding: 'base64' };
    const input = node?.type === 'array' ? { type: 'array', items: file } : file;
    const text = description ?? (typeof node?.description === 'string' ? node.description : undefined);
    return { ...input, description: `${text ? `${text} ` : ''}(${node?.type === 'array' ? 'files' : 'a file'}, base64-encoded)` };
}

/** The most an output schema takes in a tool's description (serialized); a larger one is outlined. */
const OUTPUT_SCHEMA_CAP = 4_096;

/**
 * The tool's output schema: `{ result }`, the JSON answer as the document's 2xx responses describe
 * it (any of them when they differ). `result` is optional, so every answer conforms: one that does
 * not match the document, or is not JSON, comes without it (its text is always in the content).
 * A schema larger than OUTPUT_SCHEMA_CAP is outlined: its first levels only, deeper values taken as
 * they come.
 */
function outputSchemaOf(operation: ApiOperation, outputs: OutputContext): JsonObject | undefined {
    if (operation.responses.length === 0) return undefined;
    const { ctx } = outputs;
    const byText = new Map(operation.responses.map((schema) => convertSchema(ctx, schema)).map((s) => [JSON.stringify(s), s]));
    // Operations answering alike (the same schemas, often one reference) share one output schema, made once.
    const key = [...byText.keys()].join('\n');
    const known = outputs.made.get(key);
    if (known) return known;
    const variants = [...byText.values()];
    const result = variants.some((v) => Object.keys(v).length === 0) ? {} : variants.length === 1 ? variants[0]! : { anyOf: variants };
    // One answer schema: its text is the key, already written out.
    const made = outputSchemaFor(result, outputs, variants.length === 1 ? key : undefined);
    outputs.made.set(key, made);
    return made;
}

/** The output schema of an answer's schema: whole with what it reaches, or outlined past OUTPUT_SCHEMA_CAP. */
function outputSchemaFor(result: JsonObject, outputs: OutputContext, text = JSON.stringify(result)): JsonObject {
    const { ctx } = outputs;
    const wrap = (schema: JsonObject, defs?: Record<string, JsonObject>, outline?: boolean): JsonObject => ({
        type: 'object',
        description: `result: the JSON answer, present when it matches the schema the OpenAPI document gives it${outline ? ' (outlined here: its first levels)' : ''}`,
        properties: { result: schema },
        ...(defs && Object.keys(defs).length > 0 && { $defs: defs }),
    });
    // The schemas the answer reaches, unless they are already more than the cap (counted once each, then stopped).
    const reached = text.length > OUTPUT_SCHEMA_CAP ? undefined : reachedWithin(text, outputs, OUTPUT_SCHEMA_CAP);
    const definitionOf = (name: string) => definition(ctx, name);
    if (reached) {
        const full = wrap(result, Object.fromEntries(reached.map((name) => [name, definitionOf(name)!])));
        if (JSON.stringify(full).length <= OUTPUT_SCHEMA_CAP) return full;
    }
    // The most levels (up to 3) that fit: tried from the fewest up, since an outline grows with its
    // levels and the shallow ones are cheap to make; one past the cap stops being made once it is.
    let fitting = wrap(outlineSchema(result, definitionOf, 0), undefined, true);
    for (let levels = 1; levels <= 3; levels++) {
        const budget: OutlineBudget = { left: OUTPUT_SCHEMA_CAP };
        const outline = outlineSchema(result, definitionOf, levels, budget);
        if (budget.left < 0) break;
        const outlined = wrap(outline, undefined, true);
        if (JSON.stringify(outlined).length > OUTPUT_SCHEMA_CAP) break;
        fitting = outlined;
    }
    return fitting;
}

/** The response schemas of a table, converted once (and their sizes, measured once) for every operation's output. */
interface OutputContext {
    ctx: SchemaContext;
    sizes: Map<string, { chars: number; refs: string[] }>;
    /** Output schemas made, by the text of the answer's schemas. */
    made: Map<string, JsonObject>;
}

/** The shared schemas (`#/$defs/<name>`) a schema's JSON text references, in the order it names them. */
export function references(text: string): string[] {
    // What /"\$ref":"#\/\$defs\/([^"]+)"/g finds, found with indexOf: the texts are megabytes, the references few.
    const names: string[] = [];
    let at = text.indexOf(REFERENCE_START);
    while (at !== -1) {
        const start = at + REFERENCE_START.length;
        const end = text.indexOf('"', start);
        if (end === -1) break;
        if (end > start) names.push(text.slice(start, end));
        // Past the match, as a global regular expression goes on.
        at = text.indexOf(REFERENCE_START, end > start ? end + 1 : at + 1);
    }
    return names;
}

const REFERENCE_START = '"$ref":"#/$defs/';

/** The shared schemas a schema's JSON reaches, nearest first; undefined once they take more than `cap` characters. */
function reachedWithin(text: string, outputs: OutputContext, cap: number): string[] | undefined {
    const order: string[] = [];
    const seen = new Set<string>();
    let chars = text.length;
    const queue = references(text);
    for (const name of queue) {
        if (seen.has(name)) continue;
        seen.add(name);
        let known = outputs.sizes.get(name);
        if (!known) {
            const refs: string[] = [];
            known = { chars: jsonLength(definition(outputs.ctx, name) ?? {}, OUTPUT_SCHEMA_CAP, refs) + name.length + 4, refs };
            outputs.sizes.set(name, known);
        }
        chars += known.chars;
        if (chars > cap) return undefined;
        order.push(name);
        queue.push(...known.refs);
    }
    return order;
}

/** Each table's converted parameters: a parameter many operations share (one object) is converted once. */
const convertedParameters = new WeakMap<SchemaContext, WeakMap<ApiParameter, JsonObject>>();

/** A parameter as an input property: its schema, described with where it goes. */
function parameterProperty(ctx: SchemaContext, p: ApiParameter): JsonObject {
    let converted = convertedParameters.get(ctx);
    if (!converted) {
        converted = new WeakMap();
        convertedParameters.set(ctx, converted);
    }
    let property = converted.get(p);
    if (!property) {
        const schema = convertSchema(ctx, p.schema);
        const where = `${p.in} parameter "${p.name}"`;
        const given = p.description ?? (typeof schema.description === 'string' ? schema.description : undefined);
        const description = given === undefined ? undefined : htmlToMarkdown(given);
        property = { ...schema, description: description ? `${description} (${where})` : `The ${where}` };
        converted.set(p, property);
    }
    return property;
}

const DEFS_REFERENCE = /^"#\/\$defs\/([^"]+)"/;

/**
 * The length of a value's JSON text, counted only up to `limit` (past it, some larger number: a
 * large schema is not walked to its end), and in `refs` the shared schemas it references, in the
 * order its text names them (what `references` finds in that text).
 */
function jsonLength(value: Json, limit: number, refs: string[]): number {
    if (value === null) return 4;
    if (typeof value === 'boolean') return value ? 4 : 5;
    if (typeof value === 'number') return JSON.stringify(value).length;
    if (typeof value === 'string') return JSON.stringify(value).length;
    let length = 1;
    if (Array.isArray(value)) {
        for (const item of value) {
            length += (item === undefined ? 4 : jsonLength(item, limit - length, refs)) + 1;
            if (length > limit) return length;
        }
        return Math.max(length, 2);
    }
    for (const key in value) {
        const item = value[key];
        // As JSON.stringify leaves it out.
        if (item === undefined) continue;
        const keyText = JSON.stringify(key);
        if (key === '$ref' && typeof item === 'string') {
            const reference = DEFS_REFERENCE.exec(JSON.stringify(item));
            if (reference) refs.push(reference[1]!);
        }
        length += keyText.length + 1 + jsonLength(item, limit - length, refs) + 1;
        if (length > limit) return length;
    }
    return Math.max(length, 2);
}

/**
 * One operation as a tool entry (its name already chosen). `ctx` is shared by every tool of a table:
 * a schema many operations reach is converted once, into `ctx.defs`, and each input refers to it.
 */
export function toolEntry(operation: ApiOperation, name: string, ctx: SchemaContext, outputs: OutputContext): ToolEntry {
    // Keys are cleaned below and never a member every object has (OBJECT_MEMBERS): a plain object is safe.
    const properties: JsonObject = {};
    const required: string[] = [];

    // Parameter keys: the wire name when it is a valid key and unique, else `<location>_<name>`; never a
    // name every object already has (`constructor`), which a lookup in the input could not tell apart.
    const cleanKey = (raw: string) => (PROPERTY_KEY.test(raw) ? raw : raw.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'param');
    const counts = new Map<string, number>();
    for (const p of operation.parameters) counts.set(cleanKey(p.name), (counts.get(cleanKey(p.name)) ?? 0) + 1);
    const params: ParamEntry[] = [];
    for (const p of operation.parameters) {
        const plain = cleanKey(p.name);
        let key = counts.get(plain)! > 1 || OBJECT_MEMBERS.has(plain) ? cleanKey(`${p.in}_${p.name}`) : plain;
        for (let n = 2; Object.hasOwn(properties, key); n++) key = `${cleanKey(`${p.in}_${p.name}`).slice(0, 60)}_${n}`;
        properties[key] = parameterProperty(ctx, p);
        if (p.required) required.push(key);
        params.push({
            key,
            in: p.in,
            name: p.name,
            style: p.style,
            explode: p.explode,
            ...(p.allowReserved && { allowReserved: true as const }),
            ...(p.contentType !== undefined && { contentType: p.contentType }),
        });
    }

    let body: BodyEntry | undefined;
    if (operation.body) {
        const { mediaType, schema } = operation.body;
        const multipart = /^multipart\//i.test(mediaType);
        const form = multipart || /^application\/x-www-form-urlencoded/i.test(mediaType);
        const flat = isJsonMediaType(mediaType) || form ? objectProperties(ctx, schema) : undefined;
        const names = flat ? Object.keys(flat.properties) : [];
        const canFlatten =
            flat !== undefined && names.length > 0 && names.every((n) => PROPERTY_KEY.test(n) && !OBJECT_MEMBERS.has(n) && !Object.hasOwn(properties, n));
        // Form and multipart bodies: what the document says of each property, and which parts are files.
        // Keys are the document's names: without a prototype, any name is an entry.
        const encoding: Record<string, FieldEncoding> = Object.create(null);
        const files = new Set<string>();
        if (form) {
            const shape = flat ?? objectProperties(ctx, schema);
            for (const [prop, sub] of Object.entries(shape?.properties ?? {})) {
                const given = operation.body.encoding && Object.hasOwn(operation.body.encoding, prop) ? operation.body.encoding[prop] : undefined;
                const file = multipart && isFile(ctx, sub, given?.contentType);
                if (file) files.add(prop);
                if (given || file) encoding[prop] = { ...given, ...(file && { binary: true as const }) };
            }
        }
        if (canFlatten) {
            const fields: Record<string, string> = Object.create(null);
            for (const [prop, sub] of Object.entries(flat!.properties)) {
                properties[prop] = files.has(prop) ? fileInput(ctx, sub, undefined) : convertSchema(ctx, sub);
                fields[prop] = prop;
            }
            if (operation.body.required) required.push(...flat!.required);
            body = { mediaType, fields };
        } else {
            const key = Object.hasOwn(properties, 'body') ? 'request_body' : 'body';
            const converted = convertSchema(ctx, schema);
            const bytes = !isJsonMediaType(mediaType) && !form && !/^text\//i.test(mediaType);
            properties[key] = bytes
                ? { type: 'string', contentEncoding: 'base64', description: `The request body (${mediaType}), base64-encoded` }
                : {
                      ...converted,
                      description:
                          (operation.body.description && htmlToMarkdown(operation.body.description)) ??
                          (converted.description as string | undefined) ??
                          `The request body (${mediaType})`,
                  };
            if (operation.body.required) required.push(key);
            body = { mediaType, key, ...(bytes && { binary: true as const }) };
        }
        if (Object.keys(encoding).length > 0) body.encoding = encoding;
    }

    const inputSchema: JsonObject = { type: 'object', properties };
    if (required.length > 0) inputSchema.required = [...new Set(required)];

    const outputSchema = outputSchemaOf(operation, outputs);
    const line = `${operation.method.toUpperCase()} ${operation.path}`;
    // Descriptions written in HTML reach clients as Markdown.
    const summary = operation.summary === undefined ? undefined : htmlToMarkdown(operation.summary);
    const about = operation.description === undefined ? undefined : htmlToMarkdown(operation.description);
    const text = [summary, about && about !== summary ? about : undefined].filter(Boolean).join('\n\n');
    const description = `${operation.deprecated ? 'Deprecated. ' : ''}${cap(text, DESCRIPTION_CAP)}${text ? '\n\n' : ''}${line}`;
    return {
        name,
        title: cap(summary?.split('\n')[0] || name, TITLE_CAP),
        description,
        method: operation.method.toUpperCase(),
        // A fragment some documents add to tell two operations of one path apart is never sent.
        path: operation.path.split('#')[0]!,
        tags: operation.tags,
        annotations: annotationsOf(operation.method),
        inputSchema,
        ...(outputSchema && { outputSchema }),
        params,
        ...(body && { body }),
        security: operation.security,
    };
}

/**
 * A URL the generated project can hold as it is (its code, `.env.example`, client configurations):
 * absolute http(s), only the characters RFC 3986 allows (no space, quote, backslash or control).
 */
const PLAIN_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

function plainUrl(url: string): boolean {
    return PLAIN_URL.test(url) && URL.canParse(url);
}

/** The first server URL made absolute against where the document came from, if it can be; servers it cannot take are noted. */
function baseUrlOf(servers: string[], documentUrl: string | undefined, prefix: string, warnings: string[]): string | undefined {
    for (const server of servers) {
        if (/\{[^}]*\}/.test(server)) continue;
        let url: string | undefined;
        if (/^https?:\/\//i.test(server)) url = server;
        else if (documentUrl && URL.canParse(server, documentUrl)) url = new URL(server, documentUrl).href;
        else continue;
        if (plainUrl(url)) return url.replace(/\/+$/, '');
        warnings.push(`OpenAPI: the server URL ${quote(server)} is not a plain http(s) URL and is left out; set ${prefix}_BASE_URL`);
    }
    return undefined;
}

/** An OAuth2 token URL the server may post client credentials to: a plain absolute http(s) URL, else none (with a note). */
function checkedSchemes(schemes: ApiScheme[], warnings: string[]): ApiScheme[] {
    return schemes.map((scheme) => {
        if (scheme.type !== 'oauth2' || scheme.tokenUrl === undefined || plainUrl(scheme.tokenUrl)) return scheme;
        warnings.push(
            `OpenAPI: the token URL ${quote(scheme.tokenUrl)} of the security scheme ${quote(scheme.name)} is not a plain absolute http(s) URL; it takes an access token only`,
        );
        const { tokenUrl: _, ...rest } = scheme;
        return rest;
    });
}

/**
 * A tool's whole input schema, as the generated server serves it: its own, with the shared schemas
 * it reaches (nearest first) as `$defs`.
 */
export function wholeInputSchema(table: Pick<ToolTable, 'schemas'>, tool: Pick<ToolEntry, 'inputSchema'>): JsonObject {
    const defs: Record<string, JsonObject> = Object.create(null);
    const queue = references(JSON.stringify(tool.inputSchema));
    for (const name of queue) {
        if (Object.hasOwn(defs, name)) continue;
        const schema = table.schemas[name] ?? {};
        defs[name] = schema;
        queue.push(...references(JSON.stringify(schema)));
    }
    return Object.keys(defs).length > 0 ? { ...tool.inputSchema, $defs: defs } : tool.inputSchema;
}

/** What bounds the tool table: at most `chars` characters of JSON, `source` naming the document when it would be more. */
export interface TableLimit {
    chars: number;
    source: string;
}

/** Everything the generated server needs from the document. `taken`: tool names the project already uses. */
export function buildToolTable(
    api: Api,
    options: { filters: Filters; prefix?: string; documentUrl?: string; taken?: string[]; limit?: TableLimit; mode?: ToolMode },
): ToolTable {
    const kept = api.operations.filter((op) => keepOperation(op, options.filters));
    const names = nameOperations(kept, options.taken);
    // Every rename is said, up to NAMED_RENAMES; past them, how many more (a large API renames thousands).
    const renames = names.flatMap((n) => (n.renamed ? [n.renamed] : []));
    const warnings = renames.slice(0, NAMED_RENAMES);
    if (renames.length > NAMED_RENAMES) {
        warnings.push(`OpenAPI: ${renames.length - NAMED_RENAMES} more operations are renamed the same ways (the README says how names are made)`);
    }
    const { prefix, reserved } = prefixOf(api.title, options.prefix);
    if (reserved !== undefined) warnings.push(`OpenAPI: variables starting with ${reserved}_ mean something else already; the server's start with ${prefix}_`);
    const used = new Set(kept.flatMap((op) => op.security.flat()));
    // One conversion context for the whole table: a schema many operations reach is converted and
    // kept once (tools refer to it), so the table grows with the document, not with operations × schemas.
    const ctx = schemaContext(api.document, api.version);
    // Answers likewise: each response schema converted once, for every operation that answers with it.
    // Converted lazily: an output schema shows the first levels of what it reaches, rarely all of it.
    const outputs: OutputContext = { ctx: schemaContext(api.document, api.version, 'response', true), sizes: new Map(), made: new Map() };
    const tools = kept.map((op, i) => toolEntry(op, names[i]!.name, ctx, outputs));
    const schemas = ctx.defs;
    return {
        // For messages (the server's log lines among them): one line, escaped.
        title: oneLine(api.title, { max: TITLE_CAP }),
        prefix,
        mode: options.mode ?? 'operations',
        baseUrl: baseUrlOf(api.servers, options.documentUrl, prefix, warnings),
        schemes: schemeEnvs(
            prefix,
            checkedSchemes(
                api.schemes.filter((s) => used.has(s.name)),
                warnings,
            ),
            warnings,
        ),
        tools,
        schemas,
        ...(options.limit && { limit: options.limit }),
        total: api.operations.length,
        filteredOut: api.operations.length - kept.length,
        warnings,
    };
}
