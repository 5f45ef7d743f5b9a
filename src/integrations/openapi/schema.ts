/**
 * OpenAPI schemas to JSON Schema 2020-12, as MCP clients and the SDK's validator expect them. Pure.
 *
 * - `$ref`s stay references: each schema a tool's input reaches is converted once into that tool's
 *   `$defs`, so recursive schemas work and nothing is expanded.
 * - OpenAPI 3.0 and Swagger 2.0 keywords become their JSON Schema forms: `nullable` a `null` type,
 *   boolean `exclusiveMinimum`/`exclusiveMaximum` numbers, `type: file` a base64 string; `$ref`
 *   siblings are dropped there as those versions say.
 * - Request schemas lose `readOnly` properties, response schemas `writeOnly` ones; keywords only
 *   documents use (`discriminator`, `xml`, `example`, extensions) are left out, and so are formats a
 *   validator would not know.
 * - Every schema compiles in the SDK's validator (ajv, JSON Schema 2020-12, regular expressions in
 *   Unicode mode): patterns are rewritten for Unicode mode (`^arn\:aws` becomes `^arn:aws`), and
 *   what cannot be (a pattern of another dialect, a type or bound of the wrong kind, an empty enum)
 *   is left out with a note in the schema's description, so no tool fails on every call.
 */
import type { Json, JsonObject } from './load.js';
import { decodePointerPart, resolvePointer } from './model.js';
import { unicodePattern } from './regex.js';
import { htmlToMarkdown } from './text.js';

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
const PLAIN = new Set(['default', 'const']);
/** Keywords whose value is text. */
const TEXT = new Set(['title', 'description', 'contentEncoding', 'contentMediaType']);
/** Keywords whose value is a number; the second set must be a non-negative integer. */
const NUMBERS = new Set(['multipleOf', 'maximum', 'minimum']);
const COUNTS = new Set(['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties']);
/** Keywords whose value is a boolean. */
const FLAGS = new Set(['uniqueItems', 'deprecated']);
/** The types of JSON Schema (`file`, of Swagger 2.0, becomes a string). */
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
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
    /** What the schema describes: what a caller sends (`readOnly` left out) or what the API answers (`writeOnly` left out). */
    direction: 'request' | 'response';
    /** Definitions collected for the tool, by name (no prototype: any name is a definition). */
    defs: Record<string, JsonObject>;
    /** Definition name of each pointer already converted (or being converted). */
    names: Map<string, string>;
    /** The pointer each definition name stands for (names taken). */
    pointers: Map<string, string>;
    /**
     * Definitions are converted when they are first asked for (`definition`), not all at once: an
     * answer's output schema reads only the few levels it shows, so the rest of what it reaches is
     * never converted.
     */
    lazy: boolean;
    /** Next suffix to try for each base name, so many definitions named alike stay linear. */
    suffixes: Map<string, number>;
    /** References met whose target is converted next (a worklist: a long chain of references needs no deep recursion). */
    pending: { ref: string; name: string }[];
    /** A conversion is under way (the outermost call works through `pending`). */
    busy: boolean;
    /** How deep in the schema at hand the conversion is (each shared schema starts at 0). */
    depth: number;
}

/** Exclusive bounds and the bound each takes its number from in draft-04 style (a boolean beside it). */
const EXCLUSIVE_BOUNDS = [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
] as const;

/** Levels of an answer's schema that are converted (see convertSchema). */
const ANSWER_LEVELS = 8;

export function schemaContext(
    document: JsonObject,
    version: SchemaContext['version'],
    direction: SchemaContext['direction'] = 'request',
    lazy = false,
): SchemaContext {
    return {
        document,
        version,
        direction,
        defs: Object.create(null),
        names: new Map(),
        pointers: new Map(),
        lazy,
        suffixes: new Map(),
        pending: [],
        busy: false,
        depth: 0,
    };
}

function defName(ctx: SchemaContext, ref: string): string {
    const last = ref.split('/').pop() ?? 'schema';
    const base = decodePointerPart(last).replace(/[^A-Za-z0-9_.-]/g, '_') || 'schema';
    let name = base;
    for (let n = ctx.suffixes.get(base) ?? 2; ctx.pointers.has(name); n++) {
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
        ctx.pointers.set(name, ref);
        if (!ctx.lazy) {
            ctx.defs[name] = {};
            ctx.pending.push({ ref, name });
        }
    }
    return { $ref: `#/$defs/${name}` };
}

/** A number, or the number a numeric string spells; undefined for anything else. */
function numberOf(value: Json | undefined): number | undefined {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** A type keyword's JSON Schema types; undefined when none is one. */
function typesOf(value: Json): string | string[] | undefined {
    // Nearly every schema names one type: answered without building a list.
    if (typeof value === 'string') return value === 'file' ? 'string' : TYPES.has(value) ? value : undefined;
    const list = (Array.isArray(value) ? value : [value])
        .map((type) => (type === 'file' ? 'string' : type))
        .filter((type): type is string => typeof type === 'string' && TYPES.has(type));
    const unique = [...new Set(list)];
    if (unique.length === 0) return undefined;
    return Array.isArray(value) ? unique : unique[0];
}

/** A value as the note names it: JSON, at most 80 characters. */
function quoted(value: Json): string {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/**
 * Converts one schema of the document, and every definition it reaches into `ctx.defs`. Keywords
 * the validator would refuse are left out and named in a note at the end of the description.
 */
export function convertSchema(ctx: SchemaContext, node: Json): JsonObject {
    if (ctx.busy) {
        // An answer's schema is read to ANSWER_LEVELS levels: its output schema shows a few (outlined
        // past 4 KB), and a deeper value is taken as it comes. Large inline answers cost no more.
        if (ctx.direction === 'response' && ctx.depth >= ANSWER_LEVELS) return {};
        ctx.depth++;
        try {
            return convertNode(ctx, node);
        } finally {
            ctx.depth--;
        }
    }
    ctx.busy = true;
    try {
        const out = convertNode(ctx, node);
        for (let i = 0; i < ctx.pending.length; i++) {
            const { ref, name } = ctx.pending[i]!;
            ctx.defs[name] = convertTarget(ctx, ref);
        }
        return out;
    } finally {
        ctx.pending.length = 0;
        ctx.busy = false;
    }
}

/** A definition the context has named, converted (in a lazy context, now if not yet); undefined for a name it has not. */
export function definition(ctx: SchemaContext, name: string): JsonObject | undefined {
    if (Object.hasOwn(ctx.defs, name)) return ctx.defs[name];
    const ref = ctx.pointers.get(name);
    if (ref === undefined) return undefined;
    // Converted as the eager way converts it: from depth 0, what it references only named.
    ctx.busy = true;
    try {
        ctx.defs[name] = convertTarget(ctx, ref);
    } finally {
        ctx.busy = false;
    }
    return ctx.defs[name];
}

/** The schema a definition's pointer leads to, converted; one that leads nowhere accepts anything rather than failing every call. */
function convertTarget(ctx: SchemaContext, ref: string): JsonObject {
    const target = resolvePointer(ctx.document, ref);
    return target === undefined ? {} : convertNode(ctx, target);
}

function convertNode(ctx: SchemaContext, node: Json): JsonObject {
    if (node === true || node === undefined) return {};
    if (node === false) return { not: {} };
    if (!isObject(node)) return {};
    if (typeof node.$ref === 'string') {
        const ref = reference(ctx, node.$ref);
        // OpenAPI 3.1 allows keywords beside a reference; 2.0 and 3.0 ignore them.
        if (ctx.version !== '3.1') return ref;
        const { $ref: _, ...rest } = node;
        const siblings = convertSchema(ctx, rest);
        const { description, title, ...constraints } = siblings;
        if (Object.keys(constraints).length > 0) return { allOf: [ref, siblings] };
        return { ...ref, ...(title !== undefined && { title }), ...(description !== undefined && { description }) };
    }
    const out: JsonObject = {};
    /** What the validator could not be given, for the note. */
    const unchecked: string[] = [];
    // Keys one by one (for…in): no array of pairs made for every schema of a large document.
    for (const key in node) {
        const value = node[key]!;
        if (PLAIN.has(key)) out[key] = value;
        else if (TEXT.has(key)) {
            // Descriptions written in HTML reach clients as Markdown.
            if (typeof value === 'string') out[key] = key === 'description' ? htmlToMarkdown(value) : value;
        } else if (NUMBERS.has(key) || COUNTS.has(key)) {
            const number = numberOf(value);
            const valid = number !== undefined && (COUNTS.has(key) ? Number.isInteger(number) && number >= 0 : key !== 'multipleOf' || number > 0);
            if (valid) out[key] = number;
            else unchecked.push(`${key} ${quoted(value)}`);
        } else if (FLAGS.has(key)) {
            if (typeof value === 'boolean') out[key] = value;
            else if (value === 'true' || value === 'false') out[key] = value === 'true';
        } else if (key === 'type') {
            const types = typesOf(value);
            if (types !== undefined) out.type = types;
            else unchecked.push(`type ${quoted(value)}`);
        } else if (key === 'enum') {
            if (Array.isArray(value) && value.length > 0) out.enum = value;
            else unchecked.push(`enum ${quoted(value)}`);
        } else if (key === 'pattern') {
            const pattern = typeof value === 'string' ? unicodePattern(value) : undefined;
            if (pattern !== undefined) out.pattern = pattern;
            else unchecked.push(`pattern ${quoted(value)}`);
        } else if (key === 'examples') {
            if (Array.isArray(value)) out.examples = value;
        } else if (key === 'format' && typeof value === 'string' && KNOWN_FORMATS.has(value)) out.format = value;
        else if (ONE.has(key)) {
            // `items` as a list is draft-04 tuple form; JSON Schema 2020-12 calls it prefixItems.
            if (key === 'items' && Array.isArray(value)) out.prefixItems = value.map((v) => convertSchema(ctx, v));
            else out[key] = typeof value === 'boolean' ? value : convertSchema(ctx, value);
        } else if (MANY.has(key) && Array.isArray(value)) out[key] = value.map((v) => convertSchema(ctx, v));
        else if (MAP.has(key) && isObject(value)) {
            // Keys are the document's names: a property named `__proto__` is made an own member (see member).
            const converted: JsonObject = {};
            for (const name in value) {
                const sub = value[name]!;
                if (key === 'properties' && isHidden(ctx, sub)) continue;
                if (key === 'patternProperties') {
                    const pattern = unicodePattern(name);
                    if (pattern === undefined) {
                        unchecked.push(`patternProperties ${quoted(name)}`);
                        continue;
                    }
                    member(converted, pattern, convertSchema(ctx, sub));
                } else member(converted, name, convertSchema(ctx, sub));
            }
            out[key] = converted;
        } else if (key === 'required' && Array.isArray(value)) {
            const properties = isObject(node.properties) ? node.properties : {};
            const kept = value.filter((name) => typeof name === 'string' && !isHidden(ctx, properties[name]));
            if (kept.length > 0) out.required = [...new Set(kept)];
        } else if (key === 'example' && !('examples' in node)) out.examples = [value];
    }
    if (node.type === 'file' || (out.type === 'string' && node.format === 'binary')) {
        out.contentEncoding = 'base64';
        delete out.format;
    }
    for (const [flag, bound] of EXCLUSIVE_BOUNDS) {
        const number = numberOf(node[flag]);
        if (number !== undefined && typeof node[flag] !== 'boolean') out[flag] = number;
        else if (node[flag] === true && ctx.version !== '3.1' && typeof out[bound] === 'number') {
            // Draft-04 style exclusive bounds: a boolean beside minimum/maximum.
            out[flag] = out[bound];
            delete out[bound];
        }
    }
    if (ctx.version !== '3.1' && node.nullable === true) makeNullable(out);
    if (unchecked.length > 0) {
        // Without its pattern's properties, `additionalProperties: false` would refuse them: it goes too.
        if (unchecked.some((u) => u.startsWith('patternProperties')) && out.additionalProperties === false) delete out.additionalProperties;
        const note = `Not checked by this server (the validator cannot take it): ${unchecked.join(', ')}.`;
        out.description = typeof out.description === 'string' ? `${out.description}\n\n${note}` : note;
    }
    return out;
}

/**
 * Sets a member whose name comes from a document, on a plain object: one without a prototype is a
 * dictionary to V8, slower to fill and to write out. `__proto__`, which would set the prototype, is
 * defined as an own member instead.
 */
function member(object: JsonObject, name: string, value: Json): void {
    if (name === '__proto__') Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
    else object[name] = value;
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

/** Is a property left out in this direction: read-only in a request, write-only in a response (directly or through its reference)? */
function isHidden(ctx: SchemaContext, node: Json | undefined): boolean {
    const flag = ctx.direction === 'request' ? 'readOnly' : 'writeOnly';
    for (let hops = 0; hops < 10 && isObject(node); hops++) {
        if (node[flag] === true) return true;
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
        const properties = Object.fromEntries(Object.entries(node.properties).filter(([, sub]) => !isHidden(ctx, sub)));
        const required = (Array.isArray(node.required) ? node.required : []).filter((n): n is string => typeof n === 'string' && n in properties);
        return { properties, required };
    }
    return undefined;
}

/** Keywords whose subschemas only narrow what is allowed when they are relaxed: an outline leaves them out. */
const NARROWING = new Set(['not', 'if', 'then', 'else']);
/** Keywords whose subschemas nest the value (one level deeper); the compositions stay at the same level. */
const NESTING = new Set([
    'items',
    'prefixItems',
    'contains',
    'additionalProperties',
    'unevaluatedProperties',
    'unevaluatedItems',
    'properties',
    'patternProperties',
    'propertyNames',
    'dependentSchemas',
]);

/** What an outline may still take: characters it is known to take at least are counted off; below 0 it is too large. */
export interface OutlineBudget {
    left: number;
}

/**
 * An outline of a converted schema: its first `levels` levels of structure, references expanded
 * in place (a recursive one once per path), everything deeper allowed as it comes. It accepts every
 * value the schema accepts (`oneOf` becomes `anyOf`, narrowing keywords go), so it describes large
 * answers in little space and never refuses one the full schema takes. Descriptions are left out.
 *
 * With a `budget`, each key and text written counts off at most its JSON length; once the budget is
 * spent the outline stops growing (its JSON would be longer than the budget anyway), so asking for
 * one that turns out too large costs about the budget, not the outline.
 */
export function outlineSchema(
    schema: Json,
    definitionOf: (name: string) => JsonObject | undefined,
    levels: number,
    budget?: OutlineBudget,
    path: string[] = [],
): JsonObject {
    if (!isObject(schema) || (budget !== undefined && budget.left < 0)) return schema === false ? { not: {} } : {};
    if (typeof schema.$ref === 'string') {
        const name = schema.$ref.replace('#/$defs/', '');
        const target = path.includes(name) ? undefined : definitionOf(name);
        return target ? outlineSchema(target, definitionOf, levels, budget, [...path, name]) : {};
    }
    const out: JsonObject = {};
    for (const key in schema) {
        const value = schema[key]!;
        if (NARROWING.has(key) || key === 'description' || key === 'title' || key === 'examples' || key === '$defs') continue;
        const nested = NESTING.has(key);
        if (nested && levels === 0) continue;
        const sub = (node: Json) => outlineSchema(node, definitionOf, nested ? levels - 1 : levels, budget, path);
        const name = key === 'oneOf' ? 'anyOf' : key;
        // `"name":` at the least.
        if (budget !== undefined) budget.left -= name.length + 3;
        if (ONE.has(key)) out[name] = typeof value === 'boolean' ? value : sub(value);
        else if (MANY.has(key) && Array.isArray(value)) out[name] = value.map(sub);
        else if (MAP.has(key) && isObject(value)) {
            out[name] = Object.fromEntries(
                Object.entries(value).map(([k, v]) => {
                    if (budget !== undefined) budget.left -= k.length + 3;
                    return [k, sub(v)];
                }),
            );
        } else {
            if (budget !== undefined && typeof value === 'string') budget.left -= value.length + 2;
            out[name] = value;
        }
    }
    return out;
}
