/**
 * The operations' definitions, read from the generated data files when they are first needed: the
 * server starts with the index (./api.ts) and reads an operation, and the schemas its input
 * reaches, when the operation is registered, described or called. A server that exposes four of
 * ten thousand operations (`<PREFIX>_TOOLS`), or offers them through search, never holds the rest.
 *
 * The data files are JSON with one property per line, as create-mcp-server writes them: each
 * top-level entry starts on a line indented by two spaces. One pass over a file finds where every
 * entry starts (without parsing it), and an entry is then read and parsed on its own.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { type JsonSchemaType, type StandardSchemaWithJSON, fromJsonSchema } from '@modelcontextprotocol/server';
import { API, dataFile } from './api.js';
import { validator } from './client.js';
import type { JsonSchema, Operation, OperationSummary } from './types.js';

/**
 * The most characters (as JSON) an input schema takes in `tools/list`, its `$defs` included: a larger
 * one lists its first levels and describes the rest, and `describe_operation` gives it whole.
 * create-mcp-server marks the operations this concerns (`outlined` in ./data/api.json) with the
 * same number.
 */
export const LISTED_SCHEMA_CHARS = 16_384;

/** A JSON object file whose top-level entries are read one at a time. */
class DataFile {
    private spans: Map<string, { start: number; end: number }> | undefined;

    constructor(private readonly url: URL) {}

    /** The value of one top-level entry, parsed on its own; undefined when there is none of that name. */
    get(key: string): unknown {
        const span = this.index().get(key);
        if (!span) return undefined;
        const bytes = Buffer.alloc(span.end - span.start);
        const fd = openSync(this.url, 'r');
        try {
            readSync(fd, bytes, 0, bytes.length, span.start);
        } finally {
            closeSync(fd);
        }
        // `  "name": value,` read as the object `{ "name": value }`.
        const entry = bytes.toString('utf8').trimEnd().replace(/,$/, '');
        return Object.values(JSON.parse(`{${entry}}`) as Record<string, unknown>)[0];
    }

    /** Where each entry's text starts and ends, found in one pass over the file. */
    private index(): Map<string, { start: number; end: number }> {
        if (this.spans) return this.spans;
        const spans = new Map<string, { start: number; end: number }>();
        let open: { key: string; start: number } | undefined;
        const close = (end: number) => {
            if (open) spans.set(open.key, { start: open.start, end });
            open = undefined;
        };
        const fd = openSync(this.url, 'r');
        try {
            const chunk = Buffer.alloc(1 << 20);
            let pending = Buffer.alloc(0);
            let offset = 0; // where `pending` starts in the file
            for (let read = readSync(fd, chunk, 0, chunk.length, null); read > 0; read = readSync(fd, chunk, 0, chunk.length, null)) {
                const text = Buffer.concat([pending, chunk.subarray(0, read)]);
                let line = 0;
                for (let end = text.indexOf(10, line); end !== -1; end = text.indexOf(10, line)) {
                    if (text[line] === 0x20 && text[line + 1] === 0x20 && text[line + 2] === 0x22) {
                        // `  "key": …`: a new entry starts here.
                        const key = /^ {2}("(?:[^"\\]|\\.)*"):/.exec(text.toString('utf8', line, Math.min(end, line + 512)))?.[1];
                        if (key !== undefined) {
                            close(offset + line);
                            open = { key: JSON.parse(key) as string, start: offset + line };
                        }
                    } else if (text[line] === 0x7d) close(offset + line); // the closing `}`
                    line = end + 1;
                }
                pending = text.subarray(line);
                offset += line;
            }
        } finally {
            closeSync(fd);
        }
        this.spans = spans;
        return spans;
    }
}

const operationsFile = new DataFile(dataFile('operations.json'));
const schemasFile = new DataFile(dataFile('schemas.json'));
const outputsFile = new DataFile(dataFile('outputs.json'));
const operations = new Map<string, Operation>();
const schemas = new Map<string, JsonSchema>();
const outputs = new Map<string, JsonSchema>();

/** An operation's definition, read on first use, with its output schema (one object for every operation that shares it). */
export function operation(name: string): Operation {
    let found = operations.get(name);
    if (!found) {
        found = operationsFile.get(name) as Operation | undefined;
        if (!found)
            throw new Error(`The operation ${name} is in the index but not in src/openapi/data/operations.json: regenerate the project`);
        if (found.output !== undefined) {
            let output = outputs.get(found.output);
            if (!output) {
                output = outputsFile.get(found.output) as JsonSchema | undefined;
                if (output) outputs.set(found.output, output);
            }
            if (output) found.outputSchema = output;
        }
        operations.set(name, found);
    }
    return found;
}

/** A shared schema, read on first use (an empty schema, accepting anything, when it is missing). */
function schema(name: string): JsonSchema {
    let found = schemas.get(name);
    if (!found) {
        found = (schemasFile.get(name) as JsonSchema | undefined) ?? {};
        schemas.set(name, found);
    }
    return found;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The shared schemas a schema refers to directly (`#/$defs/<name>`). */
function references(node: unknown, found: string[] = []): string[] {
    if (Array.isArray(node)) for (const item of node) references(item, found);
    else if (isRecord(node)) {
        if (typeof node.$ref === 'string' && node.$ref.startsWith('#/$defs/')) found.push(node.$ref.slice('#/$defs/'.length));
        for (const value of Object.values(node)) if (typeof value === 'object') references(value, found);
    }
    return found;
}

/** Every shared schema an input reaches, nearest first. */
function reached(root: JsonSchema): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    const queue = references(root);
    // The queue grows while it is read: for…of reads what is added too.
    for (const name of queue) {
        if (seen.has(name)) continue;
        seen.add(name);
        order.push(name);
        references(schema(name), queue);
    }
    return order;
}

/** An operation's whole input schema: its own, and every shared schema it reaches as `$defs`. */
export function inputSchema(op: Operation): JsonSchema {
    const names = reached(op.inputSchema);
    if (names.length === 0) return op.inputSchema;
    return { ...op.inputSchema, $defs: Object.fromEntries(names.map((name) => [name, schema(name)])) };
}

const NOT_EXPANDED = 'not expanded here; describe_operation gives the full input schema';

/** What stands for a schema left out of a listing: its type, and what it is. */
function described(node: unknown, name?: string): JsonSchema {
    const source = isRecord(node) ? node : {};
    const type = typeof source.type === 'string' || Array.isArray(source.type) ? { type: source.type } : {};
    const about = typeof source.description === 'string' ? source.description.slice(0, 200) : (name ?? 'a value');
    return { ...type, description: `${about} (${NOT_EXPANDED})` };
}

/** A copy of a schema with references to the schemas not in `kept` replaced by their descriptions. */
function withoutReferences(node: unknown, kept: ReadonlySet<string>): unknown {
    if (Array.isArray(node)) return node.map((item) => withoutReferences(item, kept));
    if (!isRecord(node)) return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/$defs/')) {
        const name = node.$ref.slice('#/$defs/'.length);
        if (!kept.has(name)) return described(schema(name), name);
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withoutReferences(value, kept)]));
}

/** Keywords whose values are data, not schemas: kept as they are when a schema is outlined. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required', 'type', 'description', 'title', 'pattern', 'format']);

/** The first `depth` levels of a schema; deeper schemas are described. */
function outline(node: unknown, depth: number): unknown {
    if (Array.isArray(node)) return node.map((item) => outline(item, depth));
    if (!isRecord(node)) return node;
    if (depth === 0) return described(node);
    return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, DATA_KEYWORDS.has(key) ? value : outline(value, depth - 1)]),
    );
}

const size = (value: unknown): number => JSON.stringify(value).length;

/**
 * The input schema `tools/list` shows: the whole one, or for an outlined operation as much as
 * LISTED_SCHEMA_CHARS holds, nearest schemas first; the deeper ones are described instead. Calls
 * are still checked against the whole schema.
 */
export function listedSchema(op: Operation, outlined: boolean): JsonSchema {
    const whole = inputSchema(op);
    if (!outlined) return whole;
    let total = size(op.inputSchema);
    const kept = new Set<string>();
    const queue = references(op.inputSchema);
    const seen = new Set<string>();
    for (const name of queue) {
        if (seen.has(name)) continue;
        seen.add(name);
        const cost = size(schema(name)) + name.length + 4;
        if (total + cost > LISTED_SCHEMA_CHARS) continue;
        kept.add(name);
        total += cost;
        references(schema(name), queue);
    }
    const root = withoutReferences(op.inputSchema, kept) as JsonSchema;
    const listed: JsonSchema =
        kept.size > 0
            ? { ...root, $defs: Object.fromEntries([...kept].map((name) => [name, withoutReferences(schema(name), kept)])) }
            : root;
    if (size(listed) <= LISTED_SCHEMA_CHARS) return listed;
    // The operation's own schema is too large on its own: its first levels only.
    const bare = withoutReferences(op.inputSchema, new Set()) as JsonSchema;
    for (let depth = 6; depth > 1; depth--) {
        const outlinedSchema = outline(bare, depth) as JsonSchema;
        if (size(outlinedSchema) <= LISTED_SCHEMA_CHARS) return outlinedSchema;
    }
    return outline(bare, 1) as JsonSchema;
}

/**
 * An operation's input as a schema: `tools/list` shows `listed` (for a very large schema, its
 * first levels), and calls are checked against the whole schema, built and compiled on the
 * first call.
 */
export function operationInput(op: Operation, outlined: boolean): StandardSchemaWithJSON<Record<string, unknown>> {
    let whole: StandardSchemaWithJSON<Record<string, unknown>> | undefined;
    const listed = () => listedSchema(op, outlined);
    return {
        '~standard': {
            version: 1,
            vendor: 'openapi',
            validate: (value) => {
                whole ??= fromJsonSchema<Record<string, unknown>>(inputSchema(op) as JsonSchemaType, validator);
                return whole['~standard'].validate(value);
            },
            jsonSchema: { input: listed, output: listed },
        },
    };
}

/** `*` matches any run of characters, `?` one; everything else literally. */
function globPattern(glob: string): RegExp {
    const source = glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${source}$`);
}

/**
 * The operations this server exposes: `<PREFIX>_TOOLS`, read as the server starts, narrows them (a
 * comma list of names, `*` matching any run of characters: `repos_*,issues_get`); unset, every one.
 * The same in both modes.
 */
export function exposedOperations(): OperationSummary[] {
    const list = process.env[`${API.prefix}_TOOLS`]?.trim();
    if (!list) return API.operations;
    const patterns = list
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .map(globPattern);
    return API.operations.filter((op) => patterns.some((p) => p.test(op.name)));
}
