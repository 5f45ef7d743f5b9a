/**
 * Calls the API for one tool: builds the request from the tool's input as the OpenAPI document
 * says (parameter styles, the body's encoding), adds credentials from environment variables, sends
 * it with native fetch, and turns the answer into tool content.
 *
 * - Path parameters never change the endpoint: `/` is always encoded, and a value that would make
 *   a `.` or `..` segment (or an empty one) is refused.
 * - Redirects are followed here (at most 5, http and https only). Credentials go to the API's
 *   origin only: a redirect to another origin is followed without them.
 * - Answers are read as a stream and reading stops at the caps: `<PREFIX>_MAX_RESPONSE_CHARS` of
 *   text, `<PREFIX>_MAX_RESPONSE_BYTES` of anything (images included). The rest is never downloaded.
 *
 * Never throws for an API problem: a non-2xx status, a network failure, a refused value or a
 * missing credential is a tool error (`isError`) the model can read.
 */
import { randomBytes } from 'node:crypto';
import { TextDecoder } from 'node:util';
import type { CallToolResult, JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { API } from './api.js';
import type { Encoding, Operation, Param, Scheme } from './types.js';

const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;

/** Reads a positive integer setting, else the default. */
function intSetting(name: string, fallback: number): number {
    const value = Number(env(name));
    return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Longest text a result carries (`<PREFIX>_MAX_RESPONSE_CHARS`); the rest is cut with a note. */
const maxChars = (): number => intSetting(`${API.prefix}_MAX_RESPONSE_CHARS`, 100_000);
/** Most bytes read of one answer (`<PREFIX>_MAX_RESPONSE_BYTES`), whatever its type. */
const maxBytes = (): number => intSetting(`${API.prefix}_MAX_RESPONSE_BYTES`, 1_048_576);
/** Time for the whole call, redirects and reading included (`<PREFIX>_TIMEOUT_MS`). */
const timeoutMs = (): number => intSetting(`${API.prefix}_TIMEOUT_MS`, 30_000);
/** Redirects followed before giving up. */
const MAX_REDIRECTS = 5;

/**
 * The API's base URL, read at each call: `<PREFIX>_BASE_URL`, else the document's first server.
 * When neither gives one, the reason instead: the server still starts, says so on stderr, and
 * every call returns that reason as a tool error.
 */
export function baseUrl(): { url: string } | { problem: string } {
    const url = env(`${API.prefix}_BASE_URL`) ?? API.baseUrl;
    if (!url)
        return {
            problem: `${API.prefix}_BASE_URL is not set and the OpenAPI document of ${API.title} names no absolute server URL; set it to the API's base URL`,
        };
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        return { problem: `${API.prefix}_BASE_URL is not an http or https URL: ${JSON.stringify(url)}` };
    }
    return { url: url.replace(/\/+$/, '') };
}

/** A problem with the call that the model can fix or read: the tool answers it as an error. */
class CallError extends Error {}

// ---------------------------------------------------------------------------------------------------------------------
// Validation

const ajv = new AjvJsonSchemaValidator();
const compiled = new WeakMap<object, JsonSchemaValidator<unknown>>();

/**
 * The JSON Schema validator of the tools' input and output schemas (ajv, JSON Schema 2020-12).
 * A schema is compiled when it first validates something, not when its tool is registered, so a
 * server with a thousand operations starts at once; and only once, for the SDK and this module alike.
 */
export const validator: jsonSchemaValidator = {
    getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
        return (input) => {
            let check = compiled.get(schema);
            if (!check) {
                check = ajv.getValidator<unknown>(schema);
                compiled.set(schema, check);
            }
            return check(input) as ReturnType<JsonSchemaValidator<T>>;
        };
    },
};

// ---------------------------------------------------------------------------------------------------------------------
// Serialization (OpenAPI `style` and `explode`, RFC 6570 percent-encoding)

/** A media type without its parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
const essence = (mediaType: string): string => (mediaType.split(';')[0] ?? '').trim().toLowerCase();
const isJson = (mediaType: string): boolean => /^application\/(.+\+)?json$/.test(essence(mediaType));
/** A map's own entry for a name from the document (a property named `constructor` is not Object's). */
const own = <T>(map: Record<string, T>, name: string): T | undefined => (Object.hasOwn(map, name) ? map[name] : undefined);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A value as text: strings as they are, null as nothing, objects and arrays as JSON. */
const scalar = (value: unknown): string =>
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
/** Lone surrogates (which no URL or header can carry) become U+FFFD. */
const wellFormed = (text: string): string =>
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
/** Reserved characters that `allowReserved` leaves as they are (`[ ] #` are never allowed in a query, `& = +` mean something in a form). */
const PASS_RESERVED = /[:/?@!$'()*,;]/;

/** encodeURIComponent, `!'()*` included: only the unreserved characters (`A-Z a-z 0-9 - . _ ~`) stay. */
const strictEncode = (text: string): string =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Percent-encodes text as RFC 6570 does: everything but the unreserved characters; with
 * `allowReserved`, reserved characters and percent-encoded triples pass too.
 */
function encode(text: string, allowReserved = false): string {
    const clean = wellFormed(text);
    if (!allowReserved) return strictEncode(clean);
    return clean.replace(/%[0-9A-Fa-f]{2}|[\s\S]/gu, (part) => (part.length === 3 || PASS_RESERVED.test(part) ? part : strictEncode(part)));
}

/** One `name=value` of a query string, a form or a multipart body: the value's items joined by `separator`. */
interface Pair {
    name: string;
    items: string[];
    separator: string;
}

const SEPARATORS: Record<string, string> = { spaceDelimited: ' ', pipeDelimited: '|', tabDelimited: '\t' };

/** deepObject: `name[key]=value`, nested objects and arrays (`items[0][price]`) the way form parsers read them. */
function deepPairs(name: string, value: unknown): Pair[] {
    if (Array.isArray(value)) return value.flatMap((item, i) => deepPairs(`${name}[${i}]`, item));
    if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => deepPairs(`${name}[${key}]`, item));
    return [{ name, items: [scalar(value)], separator: ',' }];
}

/** The pairs of a query (or form) value: form, spaceDelimited, pipeDelimited or deepObject. */
function pairs(name: string, value: unknown, style: string, explode: boolean): Pair[] {
    if (style === 'deepObject') return deepPairs(name, value);
    const separator = own(SEPARATORS, style) ?? ',';
    if (Array.isArray(value)) {
        if (explode) return value.map((item) => ({ name, items: [scalar(item)], separator }));
        return value.length > 0 ? [{ name, items: value.map(scalar), separator }] : [];
    }
    if (isRecord(value)) {
        const entries = Object.entries(value);
        if (explode) return entries.map(([key, item]) => ({ name: key, items: [scalar(item)], separator }));
        return entries.length > 0 ? [{ name, items: entries.flatMap(([key, item]) => [key, scalar(item)]), separator }] : [];
    }
    return [{ name, items: [scalar(value)], separator }];
}

/** A pair as URL text: `,` stays a delimiter; space, `|` and tab are percent-encoded like everything else. */
const urlPair = (pair: Pair, allowReserved = false): string =>
    `${encode(pair.name)}=${pair.items.map((item) => encode(item, allowReserved)).join(pair.separator === ',' ? ',' : encode(pair.separator))}`;

/** A path parameter's text: simple (`a,b`), label (`.a.b`) or matrix (`;id=a,b`), percent-encoded (`/` included). */
function pathText(param: Param, value: unknown): string {
    const { style, explode } = param;
    const name = encode(param.name);
    const item = (v: unknown) => encode(scalar(v));
    const entries = isRecord(value) ? Object.entries(value) : [];
    if (style === 'matrix') {
        if (Array.isArray(value))
            return explode ? value.map((v) => `;${name}=${item(v)}`).join('') : `;${name}=${value.map(item).join(',')}`;
        if (isRecord(value)) {
            return explode
                ? entries.map(([k, v]) => `;${encode(k)}=${item(v)}`).join('')
                : `;${name}=${entries.flatMap(([k, v]) => [encode(k), item(v)]).join(',')}`;
        }
        const text = item(value);
        return text === '' ? `;${name}` : `;${name}=${text}`;
    }
    const prefix = style === 'label' ? '.' : '';
    const separator = style === 'label' && explode ? '.' : ',';
    if (Array.isArray(value)) return prefix + value.map(item).join(separator);
    if (isRecord(value)) {
        const parts = explode ? entries.map(([k, v]) => `${encode(k)}=${item(v)}`) : entries.flatMap(([k, v]) => [encode(k), item(v)]);
        return prefix + parts.join(separator);
    }
    return prefix + item(value);
}

/** A parameter described by `content` is one text in its media type (JSON as JSON text), serialized as a string is. */
function contentValue(param: Param, value: unknown): unknown {
    if (param.contentType === undefined || value === undefined || value === null) return value;
    return isJson(param.contentType) ? JSON.stringify(value) : scalar(value);
}

/** Can a header carry the text? Not control characters (tab aside), nor characters above U+00FF. */
function headerSafe(text: string): boolean {
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        if (code !== 9 && (code < 0x20 || code === 0x7f || code > 0xff)) return false;
    }
    return true;
}

/** A header parameter's value: simple style, no percent-encoding (HTTP headers are not URLs). */
function headerText(param: Param, value: unknown): string {
    const text = Array.isArray(value)
        ? value.map(scalar).join(',')
        : isRecord(value)
          ? Object.entries(value)
                .map(([k, v]) => (param.explode ? `${k}=${scalar(v)}` : `${k},${scalar(v)}`))
                .join(',')
          : scalar(value);
    if (!headerSafe(text))
        throw new CallError(`header parameter "${param.name}" has characters a header cannot carry (control characters or above U+00FF)`);
    return text;
}

/**
 * A cookie parameter's `name=value` pairs. `form` (the default) percent-encodes values, with several
 * pairs separated as cookies are (`; `) rather than with `&`; `cookie` (OpenAPI 3.2) passes values
 * unchanged, so they must not hold `;`.
 */
function cookiePairs(param: Param, value: unknown): string[] {
    if (param.style === 'cookie') {
        const raw = pairs(param.name, value, 'form', param.explode).map((p) => `${p.name}=${p.items.join(',')}`);
        for (const pair of raw) {
            if (pair.includes(';') || !headerSafe(pair))
                throw new CallError(`cookie parameter "${param.name}" has a ";" or a character a cookie cannot carry`);
        }
        return raw;
    }
    return pairs(param.name, value, 'form', param.explode).map((p) => urlPair(p));
}

/** Is a path segment `.` or `..`, as it is or once a server decodes it (however many times it decodes)? */
function isDotSegment(segment: string): boolean {
    let text = segment;
    for (let round = 0; round < 8; round++) {
        if (text.split(/[/\\]/).some((part) => part === '.' || part === '..')) return true;
        let decoded: string;
        try {
            decoded = decodeURIComponent(text);
        } catch {
            return false;
        }
        if (decoded === text) return false;
        text = decoded;
    }
    return true;
}

/**
 * The operation's path with its parameters in place. A value that would make a segment `.`, `..`
 * (as it is or once decoded: `%2e%2e`, `.%2E`) or empty is refused: it would change the endpoint.
 */
function buildPath(operation: Operation, args: Record<string, unknown>): string {
    let current = { text: '', params: [] as string[] };
    const segments = [current];
    for (const piece of operation.path.split(/(\{[^}]*\})/)) {
        const param = /^\{(.*)\}$/.test(piece) ? operation.params.find((p) => p.in === 'path' && `{${p.name}}` === piece) : undefined;
        const value = param ? contentValue(param, args[param.key]) : undefined;
        if (!param || value === undefined || value === null) {
            const [first = '', ...rest] = piece.split('/');
            current.text += first;
            for (const text of rest) {
                current = { text, params: [] };
                segments.push(current);
            }
            continue;
        }
        current.text += pathText(param, value);
        current.params.push(param.name);
    }
    for (const { text, params } of segments) {
        if (params.length === 0) continue;
        const names = params.map((name) => `"${name}"`).join(' and ');
        if (text === '') throw new CallError(`path parameter ${names} cannot be empty: it would change the endpoint`);
        if (isDotSegment(text))
            throw new CallError(`path parameter ${names} cannot make the path segment "${text}": "." and ".." would change the endpoint`);
    }
    return segments.map((s) => s.text).join('/');
}

// ---------------------------------------------------------------------------------------------------------------------
// Credentials

/** Cached OAuth2 client-credentials tokens, by scheme name. */
const tokens = new Map<string, { token: string; expires: number }>();

async function clientCredentialsToken(
    scheme: string,
    tokenUrl: string,
    scopes: string[],
    id: string,
    secret: string,
    signal: AbortSignal,
): Promise<string> {
    const cached = tokens.get(scheme);
    if (cached && cached.expires > Date.now()) return cached.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        },
        body: form,
        // The client's secret is never sent where a redirect points.
        redirect: 'manual',
        signal,
    });
    const { text } = await readText(response, 100_000, maxBytes());
    let data: { access_token?: unknown; expires_in?: unknown } = {};
    try {
        data = JSON.parse(text);
    } catch {
        // Not JSON: no token, said below.
    }
    if (!response.ok || typeof data.access_token !== 'string') {
        throw new CallError(`the token endpoint of ${scheme} answered ${response.status} ${response.statusText} without an access token`);
    }
    // Renewed a minute before it expires.
    const lifetime = typeof data.expires_in === 'number' ? data.expires_in : 3600;
    tokens.set(scheme, { token: data.access_token, expires: Date.now() + Math.max(0, lifetime - 60) * 1000 });
    return data.access_token;
}

/** The request being built. */
interface Request {
    headers: Record<string, string>;
    /** Query string parts, each `name=value`, percent-encoded. */
    query: string[];
    cookies: string[];
    /** Query parameters that carry a credential (never sent to another origin, even if a redirect names them). */
    secretQuery: Set<string>;
}

/** Puts a credential into the request. */
type Apply = (request: Request, signal: AbortSignal) => Promise<void> | void;

/** A value as a cookie carries it: as it is when it can be, else percent-encoded. */
const cookieValue = (value: string): string => (/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/.test(value) ? value : encode(value));

/** How to apply a scheme's credentials, or the environment variables it still needs. */
function credentials(scheme: Scheme): Apply | { missing: string } {
    const need = (...names: string[]) => ({ missing: names.filter((n) => !env(n)).join(' and ') });
    const bearer = (request: Request, token: string) => {
        request.headers.authorization = `Bearer ${token}`;
    };
    if (scheme.type === 'apiKey') {
        const value = env(scheme.env.value);
        if (value === undefined) return need(scheme.env.value);
        return (request) => {
            if (scheme.in === 'header') request.headers[scheme.param.toLowerCase()] = value;
            else if (scheme.in === 'query') {
                request.query.push(urlPair({ name: scheme.param, items: [value], separator: ',' }));
                request.secretQuery.add(scheme.param);
            } else request.cookies.push(`${scheme.param}=${cookieValue(value)}`);
        };
    }
    if (scheme.type === 'basic') {
        // A user name alone is a credential: an API key as user name with an empty password, as Stripe has it.
        const username = env(scheme.env.username);
        if (username === undefined) return need(scheme.env.username);
        const password = process.env[scheme.env.password] ?? '';
        return (request) => {
            request.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
        };
    }
    const token = env(scheme.env.token);
    if (token !== undefined) return (request) => bearer(request, token);
    if (scheme.type === 'oauth2' && scheme.tokenUrl && scheme.env.clientId && scheme.env.clientSecret) {
        const { tokenUrl, scopes } = scheme;
        const [id, secret] = [env(scheme.env.clientId), env(scheme.env.clientSecret)];
        if (id === undefined || secret === undefined)
            return { missing: `${scheme.env.token} (or ${need(scheme.env.clientId, scheme.env.clientSecret).missing})` };
        return async (request, signal) => bearer(request, await clientCredentialsToken(scheme.name, tokenUrl, scopes, id, secret, signal));
    }
    return need(scheme.env.token);
}

/**
 * Applies the first alternative of the operation's security requirements whose credentials are all
 * set; returns what is missing when none is.
 */
async function authorize(operation: Operation, request: Request, signal: AbortSignal): Promise<string | undefined> {
    if (operation.security.length === 0) return undefined;
    const problems: string[] = [];
    alternatives: for (const alternative of operation.security) {
        const apply: Apply[] = [];
        const missing: string[] = [];
        for (const name of alternative) {
            const scheme = API.schemes.find((s) => s.name === name);
            // A scheme this generator cannot apply (mutual TLS, say) rules its alternative out.
            if (!scheme) continue alternatives;
            const found = credentials(scheme);
            if (typeof found === 'function') apply.push(found);
            else missing.push(found.missing);
        }
        if (missing.length === 0) {
            for (const step of apply) await step(request, signal);
            return undefined;
        }
        problems.push(missing.join(' and '));
    }
    return problems.length > 0 ? `set ${problems.join(', or ')}` : 'no supported security scheme';
}

// ---------------------------------------------------------------------------------------------------------------------
// Body

/** Does the encoding serialize the property like a query parameter (style, explode or allowReserved given)? */
const styled = (encoding: Encoding | undefined): boolean =>
    encoding?.style !== undefined || encoding?.explode !== undefined || encoding?.allowReserved !== undefined;

/** The pairs of one form property: by its style when the document gives one, else by its content type (objects as JSON). */
function formPairs(name: string, value: unknown, encoding: Encoding | undefined): Pair[] {
    if (styled(encoding)) {
        const style = encoding?.style ?? 'form';
        return pairs(name, value, style, encoding?.explode ?? style === 'form');
    }
    const text = (item: unknown) => (encoding?.contentType && isJson(encoding.contentType) ? JSON.stringify(item) : scalar(item));
    // Without a style, an array is one pair per item, as multipart parts are.
    return (Array.isArray(value) ? value : [value]).map((item) => ({ name, items: [text(item)], separator: ',' }));
}

/** A multipart part's name or file name: quotes and line breaks percent-encoded, as browsers do. */
const partName = (name: string): string => name.replace(/["\r\n]/g, (c) => encodeURIComponent(c));

/** A multipart/form-data body, built here so that each part has the content type the document gives it. */
function multipart(value: Record<string, unknown>, encodings: Record<string, Encoding>): { body: Buffer; contentType: string } {
    const boundary = `----mcp-${randomBytes(12).toString('hex')}`;
    const chunks: Buffer[] = [];
    const part = (name: string, data: string | Buffer, contentType?: string, filename?: string) => {
        const disposition = `form-data; name="${partName(name)}"${filename === undefined ? '' : `; filename="${partName(filename)}"`}`;
        // A content type never ends the part's headers early.
        const type = contentType?.replace(/[\r\n]/g, '');
        const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`;
        chunks.push(Buffer.from(head), typeof data === 'string' ? Buffer.from(data) : data, Buffer.from('\r\n'));
    };
    for (const [name, item] of Object.entries(value)) {
        if (item === undefined || item === null) continue;
        const encoding = own(encodings, name);
        const declared = encoding?.contentType && !encoding.contentType.includes('*') ? encoding.contentType : undefined;
        if (encoding?.binary) {
            // Files: one part each (an array of files is several parts of one name).
            for (const file of Array.isArray(item) ? item : [item]) {
                part(name, Buffer.from(String(file), 'base64'), declared ?? 'application/octet-stream', name);
            }
        } else if (styled(encoding)) {
            for (const pair of formPairs(name, item, encoding)) part(pair.name, pair.items.join(pair.separator));
        } else {
            for (const element of Array.isArray(item) ? item : [item]) {
                // Objects are JSON parts; text parts say their type only when the document gives one.
                const type = declared ?? (isRecord(element) || Array.isArray(element) ? 'application/json' : undefined);
                part(name, type && isJson(type) ? JSON.stringify(element) : scalar(element), type);
            }
        }
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function requestBody(operation: Operation, args: Record<string, unknown>): { body?: Uint8Array | string; contentType?: string } {
    const spec = operation.body;
    if (!spec) return {};
    let value: unknown;
    if (spec.key !== undefined) value = args[spec.key];
    else {
        const fields = Object.entries(spec.fields ?? {}).filter(([key]) => args[key] !== undefined);
        if (fields.length === 0) return {};
        value = Object.fromEntries(fields.map(([key, prop]) => [prop, args[key]]));
    }
    if (value === undefined) return {};
    const type = essence(spec.mediaType);
    const encodings = spec.encoding ?? {};
    if (spec.binary === true) return { body: Buffer.from(String(value), 'base64'), contentType: spec.mediaType };
    if (type === 'multipart/form-data' && isRecord(value)) return multipart(value, encodings);
    if (type === 'application/x-www-form-urlencoded' && isRecord(value)) {
        const body = Object.entries(value)
            .filter(([, item]) => item !== null && item !== undefined)
            .flatMap(([name, item]) => {
                const encoding = own(encodings, name);
                return formPairs(name, item, encoding).map((pair) => urlPair(pair, encoding?.allowReserved));
            })
            .join('&');
        return { body, contentType: spec.mediaType };
    }
    if (type.startsWith('text/') && typeof value === 'string') return { body: value, contentType: spec.mediaType };
    return { body: JSON.stringify(value), contentType: type === '*/*' ? 'application/json' : spec.mediaType };
}

// ---------------------------------------------------------------------------------------------------------------------
// Sending: redirects followed here, credentials kept to the API's origin

interface Outgoing {
    method: string;
    url: URL;
    headers: Record<string, string>;
    body?: Uint8Array | string;
}

/** A query string without the parameters named (the rest left byte for byte as it was). */
function withoutQuery(url: URL, names: Set<string>): URL {
    if (url.search === '' || names.size === 0) return url;
    const kept = url.search
        .slice(1)
        .split('&')
        .filter((part) => {
            const [raw = ''] = part.split('=');
            let name = raw;
            try {
                name = decodeURIComponent(raw.replace(/\+/g, ' '));
            } catch {
                // Not percent-encoded as it should be: compared as it is.
            }
            return !names.has(name);
        });
    const next = new URL(url);
    next.search = kept.length > 0 ? `?${kept.join('&')}` : '';
    return next;
}

/**
 * Sends the request, following redirects (at most 5; only to http and https URLs; 301, 302 and 303
 * turn a POST into a GET as browsers do). A redirect away from the API's origin is followed
 * without credentials: no Authorization, no header, cookie or query parameter of a security
 * scheme, no header parameter; they are not put back on a later hop.
 */
async function send(request: Outgoing, secretQuery: Set<string>, signal: AbortSignal): Promise<Response> {
    const origin = request.url.origin;
    let { method, url, headers, body } = request;
    for (let hop = 0; ; hop++) {
        const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return response;
        await response.body?.cancel();
        if (hop === MAX_REDIRECTS) throw new CallError(`${method} ${url.href}: more than ${MAX_REDIRECTS} redirects`);
        if (!URL.canParse(location, url.href))
            throw new CallError(`${method} ${url.href} redirected to an invalid URL: ${JSON.stringify(location)}`);
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            throw new CallError(`${method} ${url.href} redirected to ${next.protocol} URL, which is not followed`);
        }
        if ((response.status === 303 && method !== 'GET' && method !== 'HEAD') || (response.status <= 302 && method === 'POST')) {
            method = 'GET';
            body = undefined;
            const { 'content-type': _, ...rest } = headers;
            headers = rest;
        }
        if (next.origin !== origin) {
            // Away from the API: only what says what the request is (its body's type, the answer wanted).
            headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name === 'accept' || name === 'content-type'));
            url = withoutQuery(next, secretQuery);
        } else url = next;
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading the answer, within the caps

/** Reads up to `limit` bytes of the answer, then stops the download. */
async function readBytes(response: Response, limit: number): Promise<{ data: Buffer; complete: boolean }> {
    if (!response.body) return { data: Buffer.alloc(0), complete: true };
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
        while (size <= limit) {
            const { done, value } = await reader.read();
            if (done) return { data: Buffer.concat(chunks), complete: true };
            chunks.push(value);
            size += value.byteLength;
        }
        return { data: Buffer.concat(chunks).subarray(0, limit), complete: false };
    } finally {
        // The rest of the answer is never read: the connection is closed.
        await reader.cancel().catch(() => undefined);
    }
}

/** The charset a content type names, if TextDecoder knows it; else UTF-8. */
function decoder(contentType: string): TextDecoder {
    const charset = /;\s*charset="?([^";]+)"?/i.exec(contentType)?.[1];
    try {
        return new TextDecoder(charset ?? 'utf-8');
    } catch {
        return new TextDecoder('utf-8');
    }
}

/**
 * Reads the answer as text up to `chars` characters or `bytes` bytes, then stops the download.
 * A character cut by the byte cap is left out whole.
 */
async function readText(response: Response, chars: number, bytes: number): Promise<{ text: string; complete: boolean }> {
    if (!response.body) return { text: '', complete: true };
    const reader = response.body.getReader();
    const decode = decoder(response.headers.get('content-type') ?? '');
    let text = '';
    let size = 0;
    try {
        for (;;) {
            const { done, value } = await reader.read();
            if (done) return { text: text + decode.decode(), complete: true };
            const room = bytes - size;
            size += value.byteLength;
            // stream: an incomplete character at the end waits for the next chunk (or is dropped).
            text += decode.decode(value.byteLength > room ? value.subarray(0, room) : value, { stream: true });
            if (text.length > chars) {
                // Never half of a surrogate pair.
                const end = /[\uD800-\uDBFF]/.test(text[chars - 1] ?? '') ? chars - 1 : chars;
                return { text: text.slice(0, end), complete: false };
            }
            if (size > bytes) return { text, complete: false };
        }
    } finally {
        await reader.cancel().catch(() => undefined);
    }
}

/** The note under a cut answer. */
function cutNote(response: Response, shown: number): string {
    const length = Number(response.headers.get('content-length'));
    const total = Number.isInteger(length) && length > 0 ? ` of an answer of ${length} bytes` : '';
    return `\n\n[truncated: the first ${shown} characters shown${total}; narrow the request to see the rest]`;
}

async function toolResult(operation: Operation, response: Response): Promise<CallToolResult> {
    const status = `${response.status} ${response.statusText}`.trim();
    const contentType = response.headers.get('content-type') ?? '';
    const type = essence(contentType);
    if (!response.ok) {
        const { text, complete } = await readText(response, maxChars(), maxBytes());
        const body = text + (complete ? '' : cutNote(response, text.length));
        return { content: [{ type: 'text', text: `HTTP ${status}${text ? `\n\n${body}` : ''}` }], isError: true };
    }
    // A tool that declares an output schema answers with structured content, even when empty.
    const structured = (result?: unknown) => (operation.outputSchema ? { structuredContent: result === undefined ? {} : { result } } : {});
    if (type.startsWith('image/')) {
        const limit = maxBytes();
        const { data, complete } = await readBytes(response, limit);
        if (!complete) {
            return {
                content: [
                    {
                        type: 'text',
                        text: `HTTP ${status}: a ${type} image larger than ${limit} bytes (${API.prefix}_MAX_RESPONSE_BYTES), not returned`,
                    },
                ],
                ...structured(),
            };
        }
        return { content: [{ type: 'image', data: data.toString('base64'), mimeType: type }], ...structured() };
    }
    const isText = type === '' || type.startsWith('text/') || /[/+](json|xml)$/.test(type) || type === 'application/x-www-form-urlencoded';
    if (!isText) {
        const limit = maxBytes();
        const { data, complete } = await readBytes(response, limit);
        const size = complete ? `${data.byteLength} bytes` : `more than ${limit} bytes`;
        return { content: [{ type: 'text', text: `HTTP ${status}: ${size} of ${type}` }], ...structured() };
    }
    const { text, complete } = await readText(response, maxChars(), maxBytes());
    if (text === '') return { content: [{ type: 'text', text: `HTTP ${status}` }], ...structured() };
    if (!complete) return { content: [{ type: 'text', text: text + cutNote(response, text.length) }], ...structured() };
    if (!operation.outputSchema || !isJson(type)) return { content: [{ type: 'text', text }], ...structured() };
    // Typed results: the JSON answer as `result`, when it is what the document says it is.
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return { content: [{ type: 'text', text }], ...structured() };
    }
    const check = validator.getValidator(operation.outputSchema)({ result: parsed });
    if (check.valid) return { content: [{ type: 'text', text }], ...structured(parsed) };
    const why = (check.errorMessage ?? '').slice(0, 300);
    return {
        content: [
            { type: 'text', text },
            {
                type: 'text',
                text: `(The answer does not match the schema the OpenAPI document gives it, so it comes as text only: ${why})`,
            },
        ],
        ...structured(),
    };
}

// ---------------------------------------------------------------------------------------------------------------------
// The call

const failure = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/** Sends the operation's request built from `args` (already checked against its input schema). */
export async function callOperation(operation: Operation, args: Record<string, unknown>): Promise<CallToolResult> {
    const resolved = baseUrl();
    if ('problem' in resolved) return failure(resolved.problem);
    const base = resolved.url;
    const signal = AbortSignal.timeout(timeoutMs());
    const request: Request = { headers: { accept: 'application/json, */*;q=0.8' }, query: [], cookies: [], secretQuery: new Set() };
    let path = operation.path;
    try {
        path = buildPath(operation, args);
        for (const param of operation.params) {
            const value = contentValue(param, args[param.key]);
            if (value === undefined || value === null || param.in === 'path') continue;
            if (param.in === 'query')
                request.query.push(...pairs(param.name, value, param.style, param.explode).map((p) => urlPair(p, param.allowReserved)));
            else if (param.in === 'header') request.headers[param.name.toLowerCase()] = headerText(param, value);
            else request.cookies.push(...cookiePairs(param, value));
        }
        const missing = await authorize(operation, request, signal);
        if (missing) return failure(`${operation.name} needs credentials: ${missing}`);
        const { body, contentType } = requestBody(operation, args);
        if (contentType) request.headers['content-type'] = contentType;
        if (request.cookies.length > 0) request.headers.cookie = request.cookies.join('; ');
        const url = new URL(`${base}${path}${request.query.length > 0 ? `?${request.query.join('&')}` : ''}`);
        const response = await send({ method: operation.method, url, headers: request.headers, body }, request.secretQuery, signal);
        return await toolResult(operation, response);
    } catch (error) {
        if (error instanceof CallError) return failure(`${operation.method} ${operation.path}: ${error.message}`);
        const reason =
            (error as Error).name === 'TimeoutError'
                ? `no answer within ${timeoutMs()} ms`
                : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
        return failure(`${operation.method} ${base}${path} failed: ${reason}`);
    }
}
