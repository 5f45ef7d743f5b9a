/**
 * OpenAPI schemas to JSON Schema 2020-12, as MCP clients and the SDK's validator expect them. Pure.
 *
 * - `$ref`s stay references: each schema a tool's input reaches is converted once into that tool's
 *   `$defs`, so recursive schemas work and nothing is expanded.
 * - OpenAPI 3.0 and Swagger 2.0 keywords become their JSON Schema forms: `nullable` a `null` type,
 *   boolean `exclusiveMinimum`/`exclusiveMaximum` numbers, `type: file` a base64 string; `$ref`
 *   siblings are dropped there as those versions say.
 * - Request schemas lose `readOnly` properties; keywords only documents use (`discriminator`, `xml`,
 *   `example`, extensions) are left out, and so are formats a validator would not know.
 */
import type { Json, JsonObject } from './load.js';
import { decodePointerPart, resolvePointer } from './model.js';

/** Formats the generated server's validator (ajv with ajv-formats) checks; others are dropped, not guessed. */
const KNOWN_FORMATS = new Set([
    'date',
    'time',
    'date-time',
    'iso-time',
    'iso-date-time',
    'duration',
    'uri',
    'uri-reference',
    'uri-template',
    'url',
    'email',
    'hostname',
    'ipv4',
    'ipv6',
    'regex',
    'uuid',
    'json-pointer',
    'relative-json-pointer',
    'byte',
    'int32',
    'int64',
    'float',
    'double',
    'password',
    'binary',
]);

/** Keywords copied as they are (values that are not schemas). */
const PLAIN = new Set([
    'title',
    'description',
    'default',
    'enum',
    'const',
    'multipleOf',
    'maximum',
    'minimum',
    'maxLength',
    'minLength',
    'pattern',
    'maxItems',
    'minItems',
    'uniqueItems',
    'maxProperties',
    'minProperties',
    'deprecated',
    'contentEncoding',
    'contentMediaType',
    'examples',
]);
/** Keywords whose value is one schema. */
const ONE = new Set(['items', 'not', 'additionalProperties', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']);
/** Keywords whose value is a list of schemas. */
const MANY = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to schemas. */
const MAP = new Set(['properties', 'patternProperties', 'dependentSchemas']);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface SchemaContext {
    document: JsonObject;
    version: '2.0' | '3.0' | '3.1';
    /** Definitions collected for the tool, by name (no prototype: any name is a definition). */
    defs: Record<string, JsonObject>;
    /** Definition name of each pointer already converted (or being converted). */
    names: Map<string, string>;
    /** Next suffix to try for each base name, so many definitions named alike stay linear. */
    suffixes: Map<string, number>;
    /** References met whose target is converted next (a worklist: a long chain of references needs no deep recursion). */
    pending: { ref: string; name: string }[];
    /** A conversion is under way (the outermost call works through `pending`). */
    busy: boolean;
}

export function schemaContext(document: JsonObject, version: SchemaContext['version']): SchemaContext {
    return { document, version, defs: Object.create(null), names: new Map(), suffixes: new Map(), pending: [], busy: false };
}

function defName(ctx: SchemaContext, ref: string): string {
    const last = ref.split('/').pop() ?? 'schema';
    const base = decodePointerPart(last).replace(/[^A-Za-z0-9_.-]/g, '_') || 'schema';
    let name = base;
    for (let n = ctx.suffixes.get(base) ?? 2; Object.hasOwn(ctx.defs, name); n++) {
        name = `${base}_${n}`;
        ctx.suffixes.set(base, n + 1);
    }
    return name;
}

/** The `$defs` entry for a reference; its target is converted once, after the schema at hand. */
function reference(ctx: SchemaContext, ref: string): JsonObject {
    let name = ctx.names.get(ref);
    if (name === undefined) {
        name = defName(ctx, ref);
        ctx.names.set(ref, name);
        ctx.defs[name] = {};
        ctx.pending.push({ ref, name });
    }
    return { $ref: `#/$defs/${name}` };
}

/**
 * Converts one schema of the document (a request schema: `readOnly` properties are left out),
 * and every definition it reaches into `ctx.defs`.
 */
export function convertSchema(ctx: SchemaContext, node: Json): JsonObject {
    if (ctx.busy) return convertNode(ctx, node);
    ctx.busy = true;
    try {
        const out = convertNode(ctx, node);
        for (let i = 0; i < ctx.pending.length; i++) {
            const { ref, name } = ctx.pending[i]!;
            const target = resolvePointer(ctx.document, ref);
            // A reference that leads nowhere accepts anything rather than failing every call.
            ctx.defs[name] = target === undefined ? {} : convertNode(ctx, target);
        }
        return out;
    } finally {
        ctx.pending.length = 0;
        ctx.busy = false;
    }
}

function convertNode(ctx: SchemaContext, node: Json): JsonObject {
    if (node === true || node === undefined) return {};
    if (node === false) return { not: {} };
    if (!isObject(node)) return {};
    if (typeof node.$ref === 'string') {
        const ref = reference(ctx, node.$ref);
        // OpenAPI 3.1 allows keywords beside a reference; 2.0 and 3.0 ignore them.
        const siblings = Object.keys(node).filter((k) => k !== '$ref' && (PLAIN.has(k) || ONE.has(k) || MANY.has(k) || MAP.has(k) || k === 'type'));
        if (ctx.version !== '3.1' || siblings.length === 0) return ref;
        const { $ref: _, ...rest } = node;
        return { allOf: [ref, convertSchema(ctx, rest)] };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
        if (PLAIN.has(key)) out[key] = value;
        else if (key === 'type') out.type = value === 'file' ? 'string' : value;
        else if (key === 'format' && typeof value === 'string' && KNOWN_FORMATS.has(value)) out.format = value;
        else if (ONE.has(key)) {
            // `items` as a list is draft-04 tuple form; JSON Schema 2020-12 calls it prefixItems.
            if (key === 'items' && Array.isArray(value)) out.prefixItems = value.map((v) => convertSchema(ctx, v));
            else out[key] = typeof value === 'boolean' ? value : convertSchema(ctx, value);
        } else if (MANY.has(key) && Array.isArray(value)) out[key] = value.map((v) => convertSchema(ctx, v));
        else if (MAP.has(key) && isObject(value)) {
            // Keys are the document's names: without a prototype, a property named `__proto__` keeps its place.
            const converted: JsonObject = Object.create(null);
            for (const [name, sub] of Object.entries(value)) {
                if (key === 'properties' && isReadOnly(ctx, sub)) continue;
                converted[name] = convertSchema(ctx, sub);
            }
            out[key] = converted;
        } else if (key === 'required' && Array.isArray(value)) {
            const properties = isObject(node.properties) ? node.properties : {};
            const kept = value.filter((name) => typeof name === 'string' && !isReadOnly(ctx, properties[name]));
            if (kept.length > 0) out.required = kept;
        } else if (key === 'example' && !('examples' in node)) out.examples = [value];
    }
    if (node.type === 'file' || (out.type === 'string' && node.format === 'binary')) {
        out.contentEncoding = 'base64';
        delete out.format;
    }
    if (ctx.version !== '3.1') {
        // Draft-04 style exclusive bounds: a boolean beside minimum/maximum.
        for (const [flag, bound] of [
            ['exclusiveMinimum', 'minimum'],
            ['exclusiveMaximum', 'maximum'],
        ] as const) {
            if (node[flag] === true && typeof node[bound] === 'number') {
                out[flag] = node[bound];
                delete out[bound];
            }
        }
        if (node.nullable === true) makeNullable(out);
    } else {
        for (const flag of ['exclusiveMinimum', 'exclusiveMaximum']) if (typeof node[flag] === 'number') out[flag] = node[flag];
    }
    return out;
}

/** `nullable: true`: null joins the type (and the enum); without a type, null is already allowed. */
function makeNullable(schema: JsonObject): void {
    if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
    else if (Array.isArray(schema.type) && !schema.type.includes('null')) schema.type = [...schema.type, 'null'];
    else if (schema.type === undefined && (schema.allOf || schema.oneOf || schema.anyOf)) {
        const { description, ...rest } = schema;
        for (const key of Object.keys(schema)) delete schema[key];
        if (description !== undefined) schema.description = description;
        schema.anyOf = [rest, { type: 'null' }];
        return;
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
}

/** Is a property schema read-only (directly or through its reference)? */
function isReadOnly(ctx: SchemaContext, node: Json | undefined): boolean {
    for (let hops = 0; hops < 10 && isObject(node); hops++) {
        if (node.readOnly === true) return true;
        if (typeof node.$ref !== 'string') return false;
        node = resolvePointer(ctx.document, node.$ref);
    }
    return false;
}

/** Follows references to the object a schema describes (for flattening a body into the tool input). */
export function objectProperties(ctx: SchemaContext, schema: Json): { properties: JsonObject; required: string[] } | undefined {
    let node: Json | undefined = schema;
    for (let hops = 0; hops < 10 && isObject(node); hops++) {
        if (typeof node.$ref === 'string') {
            node = resolvePointer(ctx.document, node.$ref);
            continue;
        }
        if (!isObject(node.properties) || node.oneOf || node.anyOf || node.allOf || (node.type !== undefined && node.type !== 'object')) return undefined;
        if (node.additionalProperties !== undefined && node.additionalProperties !== false) return undefined;
        const properties = Object.fromEntries(Object.entries(node.properties).filter(([, sub]) => !isReadOnly(ctx, sub)));
        const required = (Array.isArray(node.required) ? node.required : []).filter((n): n is string => typeof n === 'string' && n in properties);
        return { properties, required };
    }
    return undefined;
}
