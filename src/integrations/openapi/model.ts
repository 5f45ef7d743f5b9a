/**
 * One shape for Swagger 2.0, OpenAPI 3.0 and 3.1: the operations with their parameters and request
 * bodies, the servers and the security schemes. Pure; `$ref`s are followed only where the
 * structure demands it (a referenced parameter or request body), schemas stay as they are.
 */
import type { Json, JsonObject } from './load.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type Method = (typeof METHODS)[number];

export interface ApiParameter {
    name: string;
    in: 'path' | 'query' | 'header' | 'cookie';
    required: boolean;
    description?: string;
    /** A schema of the document (may hold `$ref`s into it). */
    schema: Json;
    style: string;
    explode: boolean;
    /** Query only: reserved characters pass unencoded. */
    allowReserved: boolean;
    /** A parameter described by `content`: its media type (the value is written in it, JSON say, not by style). */
    contentType?: string;
}

/** How one property of a form or multipart body is serialized (the document's Encoding Object). */
export interface ApiEncoding {
    /** The part's (or, content-based, the value's) media type; the first of a comma list. */
    contentType?: string;
    style?: string;
    explode?: boolean;
    allowReserved?: boolean;
}

export interface ApiBody {
    mediaType: string;
    required: boolean;
    description?: string;
    schema: Json;
    /** Body property -> its encoding, as the document gives it (forms and multipart only). */
    encoding?: Record<string, ApiEncoding>;
}

export interface ApiOperation {
    method: Method;
    path: string;
    operationId?: string;
    summary?: string;
    description?: string;
    tags: string[];
    deprecated: boolean;
    parameters: ApiParameter[];
    /** The request body in the media type the tool sends (JSON first, then forms, then anything). */
    body?: ApiBody;
    /**
     * Schemas of the JSON answers of the 2xx responses (one per response that has one); `true`
     * stands for a JSON answer the document gives no schema for.
     */
    responses: Json[];
    /** Alternatives of security requirements (each: scheme names that apply together); [] = none. */
    security: string[][];
    /** `x-mcp: false` on the operation. */
    hidden: boolean;
}

export type ApiScheme =
    | { name: string; type: 'apiKey'; in: 'header' | 'query' | 'cookie'; param: string; description?: string }
    | { name: string; type: 'bearer' | 'basic'; description?: string }
    | { name: string; type: 'oauth2'; tokenUrl?: string; scopes: string[]; description?: string };

export interface Api {
    version: '2.0' | '3.0' | '3.1';
    title: string;
    /** Server URLs with variables filled with their defaults (possibly relative). */
    servers: string[];
    schemes: ApiScheme[];
    operations: ApiOperation[];
    document: JsonObject;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One segment of a JSON pointer in a URI fragment: percent-decoded (as written when that fails), then `~1` and `~0`. */
export function decodePointerPart(raw: string): string {
    if (!/[%~]/.test(raw)) return raw;
    let text = raw;
    try {
        text = decodeURIComponent(raw);
    } catch {
        // A stray `%`: the segment as written.
    }
    return text.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Pointers already followed, by document: a schema many operations reach is looked up once. */
const resolved = new WeakMap<JsonObject, Map<string, Json | undefined>>();

/** Follows a JSON pointer (`#/a/b`) in the document; undefined when it leads nowhere. */
export function resolvePointer(document: JsonObject, ref: string): Json | undefined {
    let cache = resolved.get(document);
    if (!cache) {
        cache = new Map();
        resolved.set(document, cache);
    }
    if (cache.has(ref)) return cache.get(ref);
    const node = followPointer(document, ref);
    cache.set(ref, node);
    return node;
}

function followPointer(document: JsonObject, ref: string): Json | undefined {
    if (!ref.startsWith('#')) return undefined;
    let node: Json | undefined = document;
    for (const raw of ref.slice(1).split('/').slice(1)) {
        const key = decodePointerPart(raw);
        if (Array.isArray(node)) node = node[Number(key)];
        else if (isObject(node)) node = Object.hasOwn(node, key) ? node[key] : undefined;
        else return undefined;
    }
    return node;
}

/** Follows `$ref`s until an object that is not a reference (at most 20 hops; a loop gives undefined). */
function deref(document: JsonObject, node: Json | undefined): JsonObject | undefined {
    for (let hops = 0; hops < 20; hops++) {
        if (!isObject(node)) return undefined;
        if (typeof node.$ref !== 'string') return node;
        node = resolvePointer(document, node.$ref);
    }
    return undefined;
}

const text = (value: Json | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * A media type the generated server can send as its Content-Type: `type/subtype` of token
 * characters, parameters of printable ASCII (RFC 9110). Others (a line break, a control character)
 * are not offered at all.
 */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*;[\x20-\x7e\t]*)?$/;

/** A media type without its parameters, lower-cased. */
function essence(mediaType: string): string {
    return mediaType.split(';')[0]!.trim().toLowerCase();
}

/** JSON: `application/json`, any `+json` type, and `*\/*` (anything, so JSON too). */
export function isJsonMediaType(mediaType: string): boolean {
    const type = essence(mediaType);
    return type === 'application/json' || type.endsWith('+json') || type === '*/*';
}

/** JSON media types first, then forms, then any other; `*\/*` counts as JSON. */
function mediaRank(type: string): number {
    if (isJsonMediaType(type)) return 0;
    const plain = essence(type);
    if (plain === 'application/x-www-form-urlencoded') return 1;
    if (plain === 'multipart/form-data') return 2;
    if (plain.startsWith('text/')) return 3;
    return 4;
}

function defaultStyle(location: ApiParameter['in']): string {
    return location === 'query' || location === 'cookie' ? 'form' : 'simple';
}

/** A Swagger 2.0 parameter's schema: its type keywords, `collectionFormat` aside. */
function swaggerParamSchema(param: JsonObject): JsonObject {
    const schema: JsonObject = {};
    for (const [key, value] of Object.entries(param)) {
        if (['name', 'in', 'required', 'description', 'collectionFormat', 'allowEmptyValue'].includes(key) || key.startsWith('x-')) continue;
        schema[key] = value;
    }
    return schema;
}

const COLLECTION_STYLES: Record<string, { style: string; explode: boolean }> = {
    csv: { style: 'form', explode: false },
    ssv: { style: 'spaceDelimited', explode: false },
    tsv: { style: 'tabDelimited', explode: false },
    pipes: { style: 'pipeDelimited', explode: false },
    multi: { style: 'form', explode: true },
};

/** A Swagger 2.0 `collectionFormat` as a style (csv, the default, for one it does not know). */
function collectionStyle(format: Json | undefined): { style: string; explode: boolean } {
    const name = typeof format === 'string' && Object.hasOwn(COLLECTION_STYLES, format) ? format : 'csv';
    return COLLECTION_STYLES[name]!;
}

/** The Encoding Objects of a media type, only what they say about serialization. */
function encodingOf(document: JsonObject, media: JsonObject): Record<string, ApiEncoding> | undefined {
    if (!isObject(media.encoding)) return undefined;
    // Keys are the document's names: without a prototype, `__proto__` is a property like any other.
    const encoding: Record<string, ApiEncoding> = Object.create(null);
    for (const [property, raw] of Object.entries(media.encoding)) {
        const entry = deref(document, raw);
        if (!entry) continue;
        const read: ApiEncoding = {};
        // The first of a comma list; only a media type (or range), which goes into a part's headers as it is.
        const contentType = typeof entry.contentType === 'string' ? entry.contentType.split(',')[0]!.trim() : '';
        if (/^[\w.+*-]+\/[\w.+*-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/.test(contentType)) read.contentType = contentType;
        if (typeof entry.style === 'string') read.style = entry.style;
        if (typeof entry.explode === 'boolean') read.explode = entry.explode;
        if (typeof entry.allowReserved === 'boolean') read.allowReserved = entry.allowReserved;
        if (Object.keys(read).length > 0) encoding[property] = read;
    }
    return Object.keys(encoding).length > 0 ? encoding : undefined;
}

function parameterOf(document: JsonObject, raw: Json, version: Api['version']): ApiParameter | { formData: JsonObject } | { body: JsonObject } | undefined {
    const param = deref(document, raw);
    if (!param || typeof param.name !== 'string' || typeof param.in !== 'string') return undefined;
    if (version === '2.0' && param.in === 'body') return { body: param };
    if (version === '2.0' && param.in === 'formData') return { formData: param };
    const location = param.in as ApiParameter['in'];
    if (!['path', 'query', 'header', 'cookie'].includes(location)) return undefined;
    // Headers the HTTP layer owns are not the tool's to set.
    if (location === 'header' && /^(accept|content-type|authorization)$/i.test(param.name)) return undefined;
    if (version === '2.0') {
        const format = collectionStyle(param.collectionFormat);
        return {
            name: param.name,
            in: location,
            required: location === 'path' || param.required === true,
            description: text(param.description),
            schema: swaggerParamSchema(param),
            style: location === 'query' ? format.style : 'simple',
            explode: location === 'query' ? format.explode : false,
            allowReserved: false,
        };
    }
    let schema: Json = param.schema ?? {};
    let contentType: string | undefined;
    if (!param.schema && isObject(param.content)) {
        // A parameter described by `content` (JSON in a query string): its only media type and its schema.
        const [first] = Object.entries(param.content);
        if (first) {
            contentType = first[0];
            schema = isObject(first[1]) ? (first[1].schema ?? {}) : {};
        }
    }
    const style = typeof param.style === 'string' ? param.style : defaultStyle(location);
    return {
        name: param.name,
        in: location,
        required: location === 'path' || param.required === true,
        description: text(param.description),
        schema,
        style,
        explode: typeof param.explode === 'boolean' ? param.explode : style === 'form' || style === 'cookie',
        // The specification gives allowReserved to query parameters only.
        allowReserved: location === 'query' && param.allowReserved === true,
        ...(contentType !== undefined && { contentType }),
    };
}

function securityOf(raw: Json | undefined): string[][] | undefined {
    if (!Array.isArray(raw)) return undefined;
    return raw.filter(isObject).map((requirement) => Object.keys(requirement));
}

function schemesOf(document: JsonObject, version: Api['version']): ApiScheme[] {
    const raw = version === '2.0' ? document.securityDefinitions : isObject(document.components) ? document.components.securitySchemes : undefined;
    if (!isObject(raw)) return [];
    const schemes: ApiScheme[] = [];
    for (const [name, value] of Object.entries(raw)) {
        const scheme = deref(document, value);
        if (!scheme) continue;
        const description = text(scheme.description);
        const type = scheme.type;
        if (type === 'apiKey' && typeof scheme.name === 'string' && ['header', 'query', 'cookie'].includes(scheme.in as string)) {
            schemes.push({ name, type: 'apiKey', in: scheme.in as 'header', param: scheme.name, description });
        } else if (type === 'basic' || (type === 'http' && String(scheme.scheme).toLowerCase() === 'basic')) {
            schemes.push({ name, type: 'basic', description });
        } else if (type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') {
            schemes.push({ name, type: 'bearer', description });
        } else if (type === 'oauth2' || type === 'openIdConnect') {
            // Client credentials are fetched and cached; any other flow takes an access token as given.
            const flows = isObject(scheme.flows) ? scheme.flows : {};
            const credentials = isObject(flows.clientCredentials) ? flows.clientCredentials : scheme.flow === 'application' ? scheme : undefined;
            const scopes = credentials && isObject(credentials.scopes) ? Object.keys(credentials.scopes) : [];
            schemes.push({ name, type: 'oauth2', tokenUrl: credentials ? text(credentials.tokenUrl) : undefined, scopes, description });
        }
    }
    return schemes;
}

function serversOf(document: JsonObject, version: Api['version']): string[] {
    if (version === '2.0') {
        if (typeof document.host !== 'string') return typeof document.basePath === 'string' ? [document.basePath] : [];
        const schemes = Array.isArray(document.schemes) ? document.schemes : ['https'];
        const scheme = schemes.includes('https') ? 'https' : String(schemes[0] ?? 'https');
        return [`${scheme}://${document.host}${typeof document.basePath === 'string' ? document.basePath : ''}`];
    }
    if (!Array.isArray(document.servers)) return [];
    return document.servers.filter(isObject).flatMap((server) => {
        if (typeof server.url !== 'string') return [];
        const variables = isObject(server.variables) ? server.variables : {};
        return [
            server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
                const variable = Object.hasOwn(variables, name) ? variables[name] : undefined;
                return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
            }),
        ];
    });
}

/** The Swagger 2.0 request body: a `body` parameter, or `formData` parameters as a form. */
function swaggerBody(operation: JsonObject, document: JsonObject, body: JsonObject | undefined, form: JsonObject[]): ApiBody | undefined {
    const consumes = (Array.isArray(operation.consumes) ? operation.consumes : Array.isArray(document.consumes) ? document.consumes : []).filter(
        (c): c is string => typeof c === 'string' && MEDIA_TYPE.test(c),
    );
    if (body) {
        const mediaType = [...consumes].sort((a, b) => mediaRank(a) - mediaRank(b))[0] ?? 'application/json';
        return { mediaType, required: body.required === true, description: text(body.description), schema: body.schema ?? {} };
    }
    if (form.length === 0) return undefined;
    const multipart = form.some((p) => p.type === 'file') || consumes.some((c) => c.startsWith('multipart/form-data'));
    // Keys are the document's names: without a prototype, `__proto__` is a field like any other.
    const properties: JsonObject = Object.create(null);
    const required: string[] = [];
    const encoding: Record<string, ApiEncoding> = Object.create(null);
    for (const param of form) {
        // An array's collectionFormat is its encoding (csv, the default, is form without explode).
        if (param.type === 'array') {
            const format = collectionStyle(param.collectionFormat);
            encoding[param.name as string] = { ...format };
        }
        const schema = swaggerParamSchema(param);
        if (schema.type === 'file') {
            schema.type = 'string';
            schema.format = 'binary';
        }
        if (typeof param.description === 'string') schema.description = param.description;
        properties[param.name as string] = schema;
        if (param.required === true) required.push(param.name as string);
    }
    return {
        mediaType: multipart ? 'multipart/form-data' : 'application/x-www-form-urlencoded',
        required: required.length > 0,
        schema: { type: 'object', properties, ...(required.length > 0 && { required }) },
        ...(Object.keys(encoding).length > 0 && { encoding }),
    };
}

function openApiBody(document: JsonObject, raw: Json | undefined): ApiBody | undefined {
    const body = deref(document, raw);
    if (!body || !isObject(body.content)) return undefined;
    const types = Object.keys(body.content)
        .filter((type) => MEDIA_TYPE.test(type))
        .sort((a, b) => mediaRank(a) - mediaRank(b));
    const mediaType = types[0];
    if (mediaType === undefined) return undefined;
    const media = body.content[mediaType];
    const encoding = isObject(media) && /^(application\/x-www-form-urlencoded|multipart\/)/i.test(mediaType) ? encodingOf(document, media) : undefined;
    return {
        mediaType,
        required: body.required === true,
        description: text(body.description),
        schema: isObject(media) ? (media.schema ?? {}) : {},
        ...(encoding && { encoding }),
    };
}

/** The JSON answers of an operation's 2xx responses (`2XX` included). */
function responsesOf(document: JsonObject, operation: JsonObject, version: Api['version']): Json[] {
    if (!isObject(operation.responses)) return [];
    const produces = version === '2.0' ? (Array.isArray(operation.produces) ? operation.produces : document.produces) : undefined;
    // Swagger 2.0: one schema per response, in whatever the operation produces (JSON when unsaid).
    const producesJson = !Array.isArray(produces) || produces.length === 0 || produces.some((type) => typeof type === 'string' && isJsonMediaType(type));
    const schemas: Json[] = [];
    for (const [status, raw] of Object.entries(operation.responses)) {
        if (!/^2(\d\d|XX)$/i.test(status)) continue;
        const response = deref(document, raw);
        if (!response) continue;
        if (version === '2.0') {
            if (producesJson && response.schema !== undefined) schemas.push(response.schema);
            continue;
        }
        if (!isObject(response.content)) continue;
        const json = Object.entries(response.content).find(([type]) => isJsonMediaType(type) && essence(type) !== '*/*');
        if (json) schemas.push(isObject(json[1]) && json[1].schema !== undefined ? json[1].schema : true);
    }
    return schemas;
}

/** Reads the operations, servers and security schemes of a bundled document. */
export function readApi(document: JsonObject, version: Api['version']): Api {
    const info = isObject(document.info) ? document.info : {};
    const globalSecurity = securityOf(document.security) ?? [];
    const operations: ApiOperation[] = [];
    const paths = isObject(document.paths) ? document.paths : {};
    // A parameter many operations share (a path's, or one referenced) is read once, and is then one
    // object: the tool table converts it once too.
    const read = new WeakMap<object, ReturnType<typeof parameterOf>>();
    const parameter = (raw: Json) => {
        const node = deref(document, raw);
        if (!node) return undefined;
        if (!read.has(node)) read.set(node, parameterOf(document, node, version));
        return read.get(node);
    };
    for (const [path, rawItem] of Object.entries(paths)) {
        const item = deref(document, rawItem);
        if (!item) continue;
        for (const method of METHODS) {
            const operation = item[method];
            if (!isObject(operation)) continue;
            // Operation parameters override path-level ones of the same name and location.
            const byKey = new Map<string, ApiParameter>();
            let swaggerBodyParam: JsonObject | undefined;
            const formData: JsonObject[] = [];
            for (const raw of [
                ...(Array.isArray(item.parameters) ? item.parameters : []),
                ...(Array.isArray(operation.parameters) ? operation.parameters : []),
            ]) {
                const param = parameter(raw);
                if (!param) continue;
                if ('body' in param) swaggerBodyParam = param.body;
                else if ('formData' in param) formData.push(param.formData);
                else byKey.set(`${param.in}:${param.name}`, param);
            }
            // A path template variable with no parameter still needs a value.
            for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
                if (![...byKey.values()].some((p) => p.in === 'path' && p.name === name)) {
                    byKey.set(`path:${name}`, {
                        name: name!,
                        in: 'path',
                        required: true,
                        schema: { type: 'string' },
                        style: 'simple',
                        explode: false,
                        allowReserved: false,
                    });
                }
            }
            const body =
                version === '2.0'
                    ? swaggerBody(operation, document, swaggerBodyParam && { ...swaggerBodyParam }, formData)
                    : openApiBody(document, operation.requestBody);
            operations.push({
                method,
                path,
                operationId: text(operation.operationId),
                summary: text(operation.summary),
                description: text(operation.description),
                tags: Array.isArray(operation.tags) ? operation.tags.filter((t): t is string => typeof t === 'string') : [],
                deprecated: operation.deprecated === true,
                parameters: [...byKey.values()],
                ...(body && { body }),
                responses: responsesOf(document, operation, version),
                security: securityOf(operation.security) ?? globalSecurity,
                hidden: operation['x-mcp'] === false,
            });
        }
    }
    return {
        version,
        title: text(info.title) ?? 'API',
        servers: serversOf(document, version),
        schemes: schemesOf(document, version),
        operations,
        document,
    };
}
