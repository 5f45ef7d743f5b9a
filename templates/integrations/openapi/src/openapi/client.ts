/**
 * Calls the API for one tool: builds the request from the tool's input (path, query, header and
 * cookie parameters with their OpenAPI styles, and the body), adds credentials from environment
 * variables, sends it with native fetch and a timeout, and turns the response into tool content.
 *
 * Never throws for an API problem: a non-2xx status, a network failure or a missing credential is
 * a tool error (`isError`) the model can read.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { API } from './api.js';
import type { Operation, Param, Scheme } from './types.js';

const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;

/** Reads a positive integer setting, else the default. */
function intSetting(name: string, fallback: number): number {
    const value = Number(env(name));
    return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Longest text a result carries (`<PREFIX>_MAX_RESPONSE_CHARS`); the rest is cut with a note. */
const maxChars = (): number => intSetting(`${API.prefix}_MAX_RESPONSE_CHARS`, 100_000);
/** Request timeout (`<PREFIX>_TIMEOUT_MS`). */
const timeoutMs = (): number => intSetting(`${API.prefix}_TIMEOUT_MS`, 30_000);

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
    if (!URL.canParse(url)) return { problem: `${API.prefix}_BASE_URL is not a URL: ${JSON.stringify(url)}` };
    return { url: url.replace(/\/+$/, '') };
}

// ---------------------------------------------------------------------------------------------------------------------
// Parameters (OpenAPI `style` and `explode`)

/** Query string parts, each `name=value` already percent-encoded (delimiters between values stay as they are). */
type QueryParts = string[];

/** A media type without its parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
const essence = (mediaType: string): string => (mediaType.split(';')[0] ?? '').trim().toLowerCase();
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const scalar = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/** A path parameter's text: simple (`a,b`), label (`.a.b`) or matrix (`;id=a,b`). */
function pathText(param: Param, value: unknown): string {
    const enc = (v: unknown) => encodeURIComponent(scalar(v));
    const items: string[] = Array.isArray(value)
        ? value.map(enc)
        : isRecord(value)
          ? Object.entries(value).flatMap(([k, v]) =>
                param.explode ? [`${encodeURIComponent(k)}=${enc(v)}`] : [encodeURIComponent(k), enc(v)],
            )
          : [enc(value)];
    if (param.style === 'label') return `.${items.join(param.explode ? '.' : ',')}`;
    if (param.style === 'matrix') {
        if (param.explode && Array.isArray(value)) return items.map((v) => `;${param.name}=${v}`).join('');
        if (param.explode && isRecord(value)) return items.map((v) => `;${v}`).join('');
        return `;${param.name}=${items.join(',')}`;
    }
    return items.join(',');
}

const pair = (name: string, value: unknown) => `${encodeURIComponent(name)}=${encodeURIComponent(scalar(value))}`;

/** A query parameter's parts: form, spaceDelimited, pipeDelimited or deepObject. */
function queryParts(param: Param, value: unknown): QueryParts {
    const name = encodeURIComponent(param.name);
    const separator = param.style === 'spaceDelimited' ? '%20' : param.style === 'pipeDelimited' ? '|' : ',';
    if (Array.isArray(value)) {
        if (param.explode && param.style === 'form') return value.map((v) => pair(param.name, v));
        return [`${name}=${value.map((v) => encodeURIComponent(scalar(v))).join(separator)}`];
    }
    if (isRecord(value)) {
        if (param.style === 'deepObject') return Object.entries(value).map(([k, v]) => pair(`${param.name}[${k}]`, v));
        if (param.explode) return Object.entries(value).map(([k, v]) => pair(k, v));
        return [
            `${name}=${Object.entries(value)
                .flatMap(([k, v]) => [encodeURIComponent(k), encodeURIComponent(scalar(v))])
                .join(separator)}`,
        ];
    }
    return [pair(param.name, value)];
}

/** A header's (or cookie's) value: arrays and objects comma-separated. */
function headerText(param: Param, value: unknown): string {
    if (Array.isArray(value)) return value.map(scalar).join(',');
    if (isRecord(value))
        return Object.entries(value)
            .map(([k, v]) => (param.explode ? `${k}=${scalar(v)}` : `${k},${scalar(v)}`))
            .join(',');
    return scalar(value);
}

// ---------------------------------------------------------------------------------------------------------------------
// Credentials

/** Cached OAuth2 client-credentials tokens, by scheme name. */
const tokens = new Map<string, { token: string; expires: number }>();

async function clientCredentialsToken(scheme: string, tokenUrl: string, scopes: string[], id: string, secret: string): Promise<string> {
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
        signal: AbortSignal.timeout(timeoutMs()),
    });
    const data = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!response.ok || !data.access_token) {
        throw new Error(`the token endpoint of ${scheme} answered ${response.status} ${response.statusText} without an access token`);
    }
    // Renewed a minute before it expires.
    tokens.set(scheme, { token: data.access_token, expires: Date.now() + Math.max(0, (data.expires_in ?? 3600) - 60) * 1000 });
    return data.access_token;
}

interface Request {
    headers: Record<string, string>;
    query: QueryParts;
    cookies: string[];
}

/** Puts a credential into the request. */
type Apply = (request: Request) => Promise<void> | void;

/** How to apply a scheme's credentials, or the environment variables it still needs. */
function credentials(scheme: Scheme): Apply | { missing: string } {
    const need = (...names: string[]) => ({ missing: names.filter((n) => !env(n)).join(' and ') });
    if (scheme.type === 'apiKey') {
        const value = env(scheme.env.value);
        if (value === undefined) return need(scheme.env.value);
        return (request) => {
            if (scheme.in === 'header') request.headers[scheme.param.toLowerCase()] = value;
            else if (scheme.in === 'query') request.query.push(pair(scheme.param, value));
            else request.cookies.push(`${scheme.param}=${encodeURIComponent(value)}`);
        };
    }
    if (scheme.type === 'basic') {
        const [username, password] = [env(scheme.env.username), env(scheme.env.password)];
        if (username === undefined || password === undefined) return need(scheme.env.username, scheme.env.password);
        return (request) => {
            request.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
        };
    }
    const token = env(scheme.env.token);
    if (token !== undefined) {
        return (request) => {
            request.headers.authorization = `Bearer ${token}`;
        };
    }
    if (scheme.type === 'oauth2' && scheme.tokenUrl && scheme.env.clientId && scheme.env.clientSecret) {
        const { tokenUrl, scopes } = scheme;
        const [id, secret] = [env(scheme.env.clientId), env(scheme.env.clientSecret)];
        if (id === undefined || secret === undefined)
            return { missing: `${scheme.env.token} (or ${need(scheme.env.clientId, scheme.env.clientSecret).missing})` };
        return async (request) => {
            request.headers.authorization = `Bearer ${await clientCredentialsToken(scheme.name, tokenUrl, scopes, id, secret)}`;
        };
    }
    return need(scheme.env.token);
}

/**
 * Applies the first alternative of the operation's security requirements whose credentials are all
 * set; returns what is missing when none is.
 */
async function authorize(operation: Operation, request: Request): Promise<string | undefined> {
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
            for (const step of apply) await step(request);
            return undefined;
        }
        problems.push(missing.join(' and '));
    }
    return problems.length > 0 ? `set ${problems.join(', or ')}` : 'no supported security scheme';
}

// ---------------------------------------------------------------------------------------------------------------------
// Body

function requestBody(operation: Operation, args: Record<string, unknown>): { body?: RequestInit['body']; contentType?: string } {
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
    if (spec.binary === true) return { body: new Blob([Buffer.from(String(value), 'base64')]), contentType: spec.mediaType };
    if (type === 'multipart/form-data' && isRecord(value)) {
        const form = new FormData();
        const binary = Array.isArray(spec.binary) ? spec.binary : [];
        for (const [name, part] of Object.entries(value)) {
            if (binary.includes(name)) form.append(name, new Blob([Buffer.from(String(part), 'base64')]), name);
            else form.append(name, scalar(part));
        }
        // fetch sets the multipart content type with its boundary.
        return { body: form };
    }
    if (type === 'application/x-www-form-urlencoded' && isRecord(value)) {
        return {
            body: Object.entries(value)
                .map(([k, v]) => pair(k, v))
                .join('&'),
            contentType: spec.mediaType,
        };
    }
    if (type.startsWith('text/') && typeof value === 'string') return { body: value, contentType: spec.mediaType };
    return { body: JSON.stringify(value), contentType: type === '*/*' ? 'application/json' : spec.mediaType };
}

// ---------------------------------------------------------------------------------------------------------------------
// Response

function capped(text: string): string {
    const max = maxChars();
    if (text.length <= max) return text;
    return `${text.slice(0, max)}\n\n[truncated: ${max} of ${text.length} characters shown; narrow the request to see the rest]`;
}

async function toolResult(response: Response): Promise<CallToolResult> {
    const status = `${response.status} ${response.statusText}`.trim();
    const type = essence(response.headers.get('content-type') ?? '');
    if (!response.ok) {
        const text = await response.text().catch(() => '');
        return { content: [{ type: 'text', text: capped(`HTTP ${status}${text ? `\n\n${text}` : ''}`) }], isError: true };
    }
    if (type.startsWith('image/')) {
        const bytes = Buffer.from(await response.arrayBuffer());
        return { content: [{ type: 'image', data: bytes.toString('base64'), mimeType: type }] };
    }
    const isText = type === '' || type.startsWith('text/') || /[/+](json|xml)$/.test(type) || type === 'application/x-www-form-urlencoded';
    if (!isText) {
        const bytes = (await response.arrayBuffer()).byteLength;
        return { content: [{ type: 'text', text: `HTTP ${status}: ${bytes} bytes of ${type}` }] };
    }
    const text = await response.text();
    return { content: [{ type: 'text', text: text === '' ? `HTTP ${status}` : capped(text) }] };
}

// ---------------------------------------------------------------------------------------------------------------------
// The call

/** Sends the operation's request built from `args` (already checked against its input schema). */
export async function callOperation(operation: Operation, args: Record<string, unknown>): Promise<CallToolResult> {
    const resolved = baseUrl();
    if ('problem' in resolved) return { content: [{ type: 'text', text: resolved.problem }], isError: true };
    const base = resolved.url;
    const request: Request = { headers: { accept: 'application/json, */*;q=0.8' }, query: [], cookies: [] };
    let path = operation.path;
    for (const param of operation.params) {
        const value = args[param.key];
        if (value === undefined || value === null) continue;
        if (param.in === 'path') path = path.replaceAll(`{${param.name}}`, pathText(param, value));
        else if (param.in === 'query') request.query.push(...queryParts(param, value));
        else if (param.in === 'header') request.headers[param.name.toLowerCase()] = headerText(param, value);
        else request.cookies.push(`${param.name}=${encodeURIComponent(headerText(param, value))}`);
    }
    let missing: string | undefined;
    try {
        missing = await authorize(operation, request);
    } catch (error) {
        return { content: [{ type: 'text', text: `Could not get credentials: ${(error as Error).message}` }], isError: true };
    }
    if (missing) return { content: [{ type: 'text', text: `${operation.name} needs credentials: ${missing}` }], isError: true };

    const { body, contentType } = requestBody(operation, args);
    if (contentType) request.headers['content-type'] = contentType;
    if (request.cookies.length > 0) request.headers.cookie = request.cookies.join('; ');
    const url = `${base}${path}${request.query.length > 0 ? `?${request.query.join('&')}` : ''}`;
    try {
        const response = await fetch(url, {
            method: operation.method,
            headers: request.headers,
            body,
            signal: AbortSignal.timeout(timeoutMs()),
        });
        return await toolResult(response);
    } catch (error) {
        const reason =
            (error as Error).name === 'TimeoutError'
                ? `no answer within ${timeoutMs()} ms`
                : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
        return { content: [{ type: 'text', text: `${operation.method} ${base}${path} failed: ${reason}` }], isError: true };
    }
}
