/**
 * What the openapi integration adds to a project, from the prepared API: the tool table (built
 * once per plan), the generated files, environment variables, and the lines the CLI prints
 * (renames, the tool count against client limits, tools that appear, change or go). Pure.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../../shared/errors.js';
import { markdownCode, markdownText } from '../../shared/escape.js';
import { oneLine, quote, quotePath, shown } from '../../shared/quote.js';
import type { ContributedItem, DataFile, EnvVar, IntegrationContext } from '../types.js';
import type { JsonObject } from './load.js';
import type { Api } from './model.js';
import { type Filters, type ToolEntry, type ToolTable, buildToolTable, references } from './tools.js';

export interface OpenApiPrepared {
    api: Api;
    /** The document as named (a path or a URL), for messages. */
    source: string;
    /** The document's URL when it was fetched. */
    url?: string;
    /** The document's own text, when it is one JSON file left as it was. */
    text?: string;
    /** With `text`, the bytes it was read from, when it is exactly their UTF-8. */
    bytes?: Uint8Array;
    /** Most bytes of input the document could take: its tools' table may not grow beyond it either. */
    maxBytes: number;
    /** The table of the project being regenerated, if any. */
    previous?: PreviousTable;
}

/**
 * What the integration contributes, as functions of its context. The prepare step hands these over
 * with what it read, so this module (and the schema conversion behind it) is loaded only when a
 * project has the openapi system.
 */
export interface OpenApiContribution {
    view(ctx: IntegrationContext): Record<string, unknown>;
    env(ctx: IntegrationContext): EnvVar[];
    items(ctx: IntegrationContext): ContributedItem[];
    notes(ctx: IntegrationContext): string[];
    files(ctx: IntegrationContext): DataFile[];
}

export const openApiContribution: OpenApiContribution = {
    view: (ctx) => readmeView(toolTable(ctx)!),
    env: (ctx) => openApiEnv(toolTable(ctx)!),
    items: (ctx) => [{ kind: 'tool', name: 'openapi', module: 'openapi/tools', register: 'registerOpenApiTools', names: listedTools(toolTable(ctx)!) }],
    notes: (ctx) => openApiNotes(toolTable(ctx)!, (ctx.prepared as OpenApiPrepared).previous),
    files: (ctx) => {
        const table = toolTable(ctx)!;
        const data = tableFiles(table);
        return [
            { path: DOCUMENT_FILE, ...documentFile(ctx.prepared as OpenApiPrepared) },
            { path: API_FILE, text: data.api },
            { path: OPERATIONS_FILE, text: data.operations },
            { path: SCHEMAS_FILE, text: data.schemas },
            { path: OUTPUTS_FILE, text: data.outputs },
            ...(table.tools.length > README_TOOLS ? [{ path: TOOLS_FILE, text: toolsMarkdown(table) }] : []),
        ];
    },
};

/** Where the generated project keeps its copy of the document, and its tool table (read by the server at run time). */
export const DOCUMENT_FILE = 'openapi.json';
export const API_FILE = 'src/openapi/data/api.json';
export const OPERATIONS_FILE = 'src/openapi/data/operations.json';
export const SCHEMAS_FILE = 'src/openapi/data/schemas.json';
export const OUTPUTS_FILE = 'src/openapi/data/outputs.json';
/** The operations module of projects generated before the data files (read to tell what changed). */
export const LEGACY_OPERATIONS_FILE = 'src/openapi/operations.ts';
/** The list of every tool, when the README would hold too many. */
export const TOOLS_FILE = 'TOOLS.md';
/** The README lists up to this many tools; past it, their count and TOOLS.md. */
export const README_TOOLS = 100;
/** The tools of search mode (`<PREFIX>_TOOL_MODE=search`). */
export const SEARCH_TOOLS = ['search_operations', 'describe_operation', 'call_operation'];

/** The tools the server lists in the mode it was generated with (what its tests expect). */
export function listedTools(table: ToolTable): string[] {
    if (table.mode === 'search') return SEARCH_TOOLS;
    const names = table.tools.map((t) => t.name);
    // A tool whose schema is outlined points to describe_operation for the rest.
    return outlinedTools(table).size > 0 ? [...names, 'describe_operation'] : names;
}

/** One tool as a line of Markdown: its name, method and path, and summary. */
function toolLine(tool: ToolEntry): string {
    const summary = tool.title !== tool.name ? `: ${markdownText(tool.title)}` : '';
    // The path as text, not code: a document's path may hold anything, and only text can escape it.
    return `${markdownCode(tool.name)} (${tool.method} ${markdownText(tool.path)})${summary}`;
}

/** What the README section shows: the operations themselves up to README_TOOLS, past it their count (and TOOLS.md). */
function readmeView(table: ToolTable): Record<string, unknown> {
    return {
        title: markdownText(table.title),
        prefix: table.prefix,
        mode: table.mode,
        count: table.tools.length,
        one: table.tools.length === 1,
        total: table.total,
        filtered: table.filteredOut > 0,
        toolsFile: table.tools.length > README_TOOLS,
        tools: table.tools.length > README_TOOLS ? [] : table.tools.map(toolLine),
    };
}

/** TOOLS.md: every operation's tool, grouped by the operation's first tag. */
export function toolsMarkdown(table: ToolTable): string {
    const groups = new Map<string, ToolEntry[]>();
    for (const tool of table.tools) {
        const tag = tool.tags[0] ?? '';
        const group = groups.get(tag);
        if (group) group.push(tool);
        else groups.set(tag, [tool]);
    }
    const lines = [
        `# The tools of ${markdownText(table.title)}`,
        '',
        `${table.tools.length} operations of \`openapi.json\`, one tool each (\`${table.prefix}_TOOL_MODE=operations\`), or found and called`,
        'through `search_operations`, `describe_operation` and `call_operation` (`search`). Generated with the project:',
        'regenerate rather than edit.',
    ];
    for (const [tag, tools] of groups) {
        lines.push('', `## ${tag === '' ? 'Without a tag' : markdownText(tag)}`, '');
        for (const tool of tools) lines.push(`- ${toolLine(tool)}`);
    }
    return `${lines.join('\n')}\n`;
}

/** Above this many tools the CLI warns; clients cap the tools they take. */
const MANY_TOOLS = 40;
/** Tools named in a line of what appears, changes or goes; the rest are counted. */
const NAMED_CHANGES = 20;

const tables = new WeakMap<object, Map<string, ToolTable>>();

function list(value: unknown): string[] {
    return Array.isArray(value) ? value.map(String) : [];
}

/** The tool table of the prepared API under the options, the project's own tool names kept free. */
export function toolTable(ctx: IntegrationContext): ToolTable | undefined {
    const prepared = ctx.prepared as OpenApiPrepared | undefined;
    if (!prepared) return undefined;
    const filters: Filters = {
        tags: list(ctx.options.tags),
        include: list(ctx.options.include),
        exclude: list(ctx.options.exclude),
        readOnly: ctx.options.readOnly === true,
    };
    // The tools of search mode are kept free too: one project serves either mode.
    const taken = [...ctx.spec.tools.map((t) => t.name), ...SEARCH_TOOLS];
    const mode = ctx.options.mode === 'search' ? 'search' : 'operations';
    const key = JSON.stringify([filters, ctx.options.envPrefix ?? null, taken, mode]);
    let cache = tables.get(prepared);
    if (!cache) {
        cache = new Map();
        tables.set(prepared, cache);
    }
    let table = cache.get(key);
    if (!table) {
        table = buildToolTable(prepared.api, {
            filters,
            prefix: typeof ctx.options.envPrefix === 'string' ? ctx.options.envPrefix : undefined,
            documentUrl: prepared.url,
            taken,
            mode,
            limit: {
                chars: prepared.maxBytes,
                source: /^https?:/i.test(prepared.source) ? oneLine(prepared.source, { max: 120 }) : quotePath(prepared.source),
            },
        });
        cache.set(key, table);
    }
    return table;
}

/** Biome checks files up to this size (its `files.maxSize`); larger ones it skips, with a note. */
const FORMATTER_MAX_BYTES = 1024 * 1024;

/**
 * The copy of the document: laid out as the formatter wants it when the formatter reads it; a larger
 * one as the document's own text when it is one JSON file (with the bytes it was read from, written
 * as they are, when they are exactly that text), else as compact JSON (quicker to write, and a third
 * of the size of an indented copy of a large document).
 */
function documentFile(prepared: OpenApiPrepared): Omit<DataFile, 'path'> {
    const { text, bytes } = prepared;
    if (text !== undefined && text.length > FORMATTER_MAX_BYTES) {
        if (text.endsWith('\n')) return { text, ...(bytes && { bytes }) };
        return { text: `${text}\n`, ...(bytes && { bytes: Buffer.concat([bytes, NEWLINE]) }) };
    }
    const compact = JSON.stringify(prepared.api.document);
    return { text: compact.length > FORMATTER_MAX_BYTES ? `${compact}\n` : dataText(prepared.api.document) };
}

const NEWLINE = Buffer.from('\n');

/**
 * A table of entries (operations, schemas) as generated data: with one property per line, as the
 * formatter lays it out, when the formatter reads it; a larger one (which it skips) with one entry
 * per line, each as compact JSON: still JSON, a change still shows as the entries it touches, and a
 * third of the size and time. Either way an entry starts on a line of its own, as the server's
 * reader expects (src/openapi/store.ts).
 */
export function entriesText<T>(entries: Record<string, T>, valueText: (value: T) => string = JSON.stringify): string {
    const lines = Object.entries(entries).map(([key, value]) => `  ${JSON.stringify(key)}: ${valueText(value)}`);
    const compact = lines.length === 0 ? '{}\n' : `{\n${lines.join(',\n')}\n}\n`;
    return compact.length > FORMATTER_MAX_BYTES ? compact : dataText(entries);
}

/** The data files of a table, made once per table (a plan asks for them more than once). */
const texts = new WeakMap<ToolTable, TableFiles>();

interface TableFiles {
    api: string;
    operations: string;
    schemas: string;
    outputs: string;
}

/** An operation as the table holds it: its output schema by name, in the outputs many operations share. */
type WrittenEntry = Omit<ToolEntry, 'outputSchema'> & { output?: string };

/** Output schema names: from their text, so a name stays as long as its schema does. */
const outputNames = new WeakMap<object, string>();

/**
 * A schema of the table as JSON, made once however often it is asked for: outlinedTools measures
 * input and shared schemas, output schemas are named by their digest, and the data files hold them
 * all. (The table's schemas are not changed once built.)
 */
const schemaTexts = new WeakMap<JsonObject, string>();

function jsonOf(schema: JsonObject): string {
    let text = schemaTexts.get(schema);
    if (text === undefined) {
        text = JSON.stringify(schema);
        schemaTexts.set(schema, text);
    }
    return text;
}

/**
 * An operation's entry as JSON, its input schema's JSON spliced in where a stand-in holds its place.
 * The stand-in's text cannot occur anywhere else: the entry's other keys are ours, and inside a
 * string every quote is escaped.
 */
function entryText(entry: WrittenEntry): string {
    const text = JSON.stringify({ ...entry, inputSchema: 0 });
    const at = text.indexOf(INPUT_STAND_IN);
    return `${text.slice(0, at)}"inputSchema":${jsonOf(entry.inputSchema)}${text.slice(at + INPUT_STAND_IN.length)}`;
}

const INPUT_STAND_IN = '"inputSchema":0';

export function writtenEntry(tool: ToolEntry): WrittenEntry {
    const { outputSchema, ...rest } = tool;
    if (!outputSchema) return rest;
    let name = outputNames.get(outputSchema);
    if (name === undefined) {
        name = `o${createHash('sha256').update(jsonOf(outputSchema)).digest('hex').slice(0, 16)}`;
        outputNames.set(outputSchema, name);
    }
    return { ...rest, output: name };
}

/**
 * Writes a value as generated data: JSON with one property per line, as the project's formatter
 * lays JSON out (Biome, `expand: always`, two spaces), so the files read and diff like any other.
 * The server finds an entry of such a file without parsing the rest (see src/openapi/store.ts).
 */
export function dataText(value: unknown): string {
    const text = JSON.stringify(value, null, 2);
    // Numbers as the formatter writes them: `1.5e25`, not `1.5e+25`. Such a number ends its line (a
    // string's closing quote is on the line it starts on), so no string is touched.
    return `${text.replace(/(\d)e\+(\d+,?)$/gm, '$1e$2')}\n`;
}

export function tableFiles(table: ToolTable): TableFiles {
    let files = texts.get(table);
    if (!files) {
        const outlined = outlinedTools(table);
        const api = {
            title: table.title,
            prefix: table.prefix,
            ...(table.baseUrl !== undefined && { baseUrl: table.baseUrl }),
            mode: table.mode,
            schemes: table.schemes.map(({ description: _, ...scheme }) => scheme),
            operations: table.tools.map((tool) => ({
                name: tool.name,
                method: tool.method,
                path: tool.path,
                title: tool.title,
                tags: tool.tags,
                ...(outlined.has(tool.name) && { outlined: true }),
            })),
        };
        // Keys are tool, schema and output names: without a prototype, none is special.
        const operations: Record<string, WrittenEntry> = Object.create(null);
        const outputs: Record<string, JsonObject> = Object.create(null);
        for (const tool of table.tools) {
            const entry = writtenEntry(tool);
            operations[tool.name] = entry;
            if (entry.output !== undefined) outputs[entry.output] = tool.outputSchema!;
        }
        files = {
            api: dataText(api),
            operations: entriesText(operations, entryText),
            schemas: entriesText(table.schemas, jsonOf),
            outputs: entriesText(outputs, jsonOf),
        };
        checkLimit(table, files);
        texts.set(table, files);
    }
    return files;
}

/**
 * The table may not outgrow the cap on input (`--openapi-max-size`): an operation copies the
 * parameters it shares with others, so a document could make it far larger than itself. Counted
 * as compact JSON (the files' indentation aside), exactly only when the files as written are larger.
 */
function checkLimit(table: ToolTable, files: TableFiles): void {
    const limit = table.limit;
    if (!limit || files.operations.length + files.schemas.length + files.outputs.length <= limit.chars) return;
    let chars = JSON.stringify(table.schemas).length + JSON.stringify(JSON.parse(files.outputs)).length;
    for (const tool of table.tools) {
        chars += JSON.stringify(writtenEntry(tool)).length;
        if (chars <= limit.chars) continue;
        throw new UsageError(
            `--openapi (systems: openapi document): ${limit.source}: the tool table would take more than ${Math.round(limit.chars / 1024 / 1024)} MB; ` +
                'keep fewer operations with --openapi-tags, --openapi-include or --openapi-exclude, or raise --openapi-max-size',
        );
    }
}

/**
 * The most characters (as compact JSON) a tool's input schema takes in `tools/list`, its `$defs`
 * included: a larger one lists its first levels, the rest described, and `describe_operation`
 * gives it whole. The generated server uses the same number (src/openapi/store.ts).
 */
export const LISTED_SCHEMA_CHARS = 16_384;

const outlinedByTable = new WeakMap<ToolTable, Set<string>>();

/** Names of the tools whose input schema, with every schema it reaches, is larger than LISTED_SCHEMA_CHARS. */
export function outlinedTools(table: ToolTable): Set<string> {
    const known = outlinedByTable.get(table);
    if (known) return known;
    const sizes = new Map<string, number>();
    const refs = new Map<string, string[]>();
    const schemaSize = (name: string): number => {
        let size = sizes.get(name);
        if (size === undefined) {
            const schema = table.schemas[name];
            const text = schema === undefined ? '{}' : jsonOf(schema);
            size = text.length + name.length + 4;
            sizes.set(name, size);
            refs.set(name, references(text));
        }
        return size;
    };
    const outlined = new Set<string>();
    for (const tool of table.tools) {
        const text = jsonOf(tool.inputSchema);
        let size = text.length;
        const seen = new Set<string>();
        const queue = references(text);
        // Breadth first, stopping as soon as the budget is passed: most tools reach few schemas.
        for (let i = 0; i < queue.length && size <= LISTED_SCHEMA_CHARS; i++) {
            const name = queue[i]!;
            if (seen.has(name)) continue;
            seen.add(name);
            size += schemaSize(name);
            queue.push(...refs.get(name)!);
        }
        if (size > LISTED_SCHEMA_CHARS) outlined.add(tool.name);
    }
    outlinedByTable.set(table, outlined);
    return outlined;
}

/** What a re-run compares against: the tools and schemas of the project being regenerated. */
export interface PreviousTable {
    /** Each tool's entry as compact JSON ('' when the project's table predates the data files: its changes are not told). */
    tools: Record<string, string>;
    schemas: Record<string, string>;
}

/** The table of an existing project: its data files, or the operations module of projects made before them. */
export function previousTable(operations: string | undefined, schemas: string | undefined, legacy: string | undefined): PreviousTable | undefined {
    // Names come from files of the project: without a prototype, none is special.
    const table: PreviousTable = { tools: Object.create(null), schemas: Object.create(null) };
    try {
        if (operations !== undefined) {
            for (const [name, entry] of Object.entries(JSON.parse(operations) as Record<string, unknown>)) table.tools[name] = JSON.stringify(entry);
            for (const [name, schema] of Object.entries(JSON.parse(schemas ?? '{}') as Record<string, unknown>)) table.schemas[name] = JSON.stringify(schema);
            return table;
        }
    } catch {
        return undefined;
    }
    if (legacy === undefined) return undefined;
    for (const match of legacy.matchAll(/JSON\.parse\(\s*'((?:[^'\\\n]|\\.)*)'/g)) {
        const name = /"name":"([A-Za-z0-9_-]+)"/.exec(match[1]!)?.[1];
        if (name !== undefined) table.tools[name] = '';
    }
    return table;
}

/** Environment variables the generated server reads for the API. */
export function openApiEnv(table: ToolTable): EnvVar[] {
    const p = table.prefix;
    // Text of the document in descriptions, shortened: every file escapes it its own way.
    const title = table.title.length <= 80 ? table.title : `${table.title.slice(0, 79)}…`;
    const vars: EnvVar[] = [
        {
            name: `${p}_BASE_URL`,
            description: table.baseUrl ? `Base URL of ${title} (default: ${table.baseUrl})` : `Base URL of ${title} (the document names none: required)`,
            example: table.baseUrl ?? 'https://api.example.com',
            required: table.baseUrl === undefined,
            secret: false,
        },
    ];
    const required = requiredCredentials(table);
    for (const scheme of table.schemes) {
        const about = `${shown(scheme.name)} (${scheme.type}${scheme.type === 'apiKey' ? ` in ${scheme.in} ${quote(scheme.param)}` : ''})`;
        for (const [role, name] of Object.entries(scheme.env)) {
            const what =
                role === 'value'
                    ? 'API key'
                    : role === 'token'
                      ? 'Access token'
                      : role === 'username'
                        ? 'User name'
                        : role === 'password'
                          ? 'Password (may stay empty: an API key as user name, as Stripe has it)'
                          : role === 'clientId'
                            ? 'OAuth2 client id'
                            : 'OAuth2 client secret';
            vars.push({
                name,
                description: `${what} for the security scheme ${about}`,
                example: '',
                required: required.has(name),
                secret: role !== 'username' && role !== 'clientId',
            });
        }
    }
    vars.push(
        {
            name: `${p}_TOOLS`,
            description: 'Comma list of the operations to expose (`*` matches any characters); default: all',
            example: '',
            required: false,
            secret: false,
        },
        {
            name: `${p}_TOOL_MODE`,
            description: 'operations: one tool per operation; search: three tools that search, describe and call them (for large APIs)',
            example: table.mode,
            required: false,
            secret: false,
            default: table.mode,
        },
        {
            name: `${p}_TIMEOUT_MS`,
            description: 'Timeout of each API request, in milliseconds',
            example: '30000',
            required: false,
            secret: false,
            default: '30000',
        },
        {
            name: `${p}_MAX_RESPONSE_CHARS`,
            description: 'Longest response text a tool returns; the rest is cut with a note, and not downloaded',
            example: '100000',
            required: false,
            secret: false,
            default: '100000',
        },
        {
            name: `${p}_MAX_RESPONSE_BYTES`,
            description: 'Most bytes read of one response (text, images, anything); the download stops there',
            example: '1048576',
            required: false,
            secret: false,
            default: '1048576',
        },
    );
    return vars;
}

/** Tools kept from the previous table whose entry, or a schema their input reaches, differs. */
function changedTools(table: ToolTable, previous: PreviousTable): string[] {
    const changedSchemas = new Set(
        Object.entries(table.schemas)
            .filter(([name, schema]) => previous.schemas[name] !== undefined && previous.schemas[name] !== JSON.stringify(schema))
            .map(([name]) => name),
    );
    const reaches = (tool: ToolEntry): boolean => {
        if (changedSchemas.size === 0) return false;
        const seen = new Set<string>();
        const queue = references(JSON.stringify(tool.inputSchema));
        for (let i = 0; i < queue.length; i++) {
            const name = queue[i]!;
            if (changedSchemas.has(name)) return true;
            if (seen.has(name)) continue;
            seen.add(name);
            queue.push(...references(JSON.stringify(table.schemas[name] ?? {})));
        }
        return false;
    };
    return table.tools
        .filter((tool) => {
            const before = previous.tools[tool.name];
            return before !== undefined && before !== '' && (before !== JSON.stringify(writtenEntry(tool)) || reaches(tool));
        })
        .map((tool) => tool.name);
}

/**
 * The variables no selected operation can do without: those of a scheme that every alternative of
 * every operation's security needs. An alternative (OAuth2 client credentials instead of a token)
 * or an operation without security leaves a variable optional. Basic authentication's password may
 * be empty (an API key as the user name), so only its user name counts.
 */
export function requiredCredentials(table: ToolTable): Set<string> {
    const required = new Set<string>();
    if (table.tools.length === 0) return required;
    for (const scheme of table.schemes) {
        const everywhere = table.tools.every((tool) => tool.security.length > 0 && tool.security.every((alternative) => alternative.includes(scheme.name)));
        if (!everywhere) continue;
        const env = scheme.env;
        if (scheme.type === 'apiKey') required.add(env.value!);
        else if (scheme.type === 'basic') required.add(env.username!);
        else if (scheme.type === 'bearer' || (scheme.type === 'oauth2' && env.clientId === undefined)) required.add(env.token!);
    }
    return required;
}

/** What the CLI prints: renames, tools that appear/change/go, and a warning above 40 tools. */
export function openApiNotes(table: ToolTable, previous: PreviousTable | undefined): string[] {
    const notes = [...table.warnings];
    if (table.filteredOut > 0) notes.push(`OpenAPI: ${table.tools.length} of ${table.total} operations kept by the filters`);
    if (previous) {
        const changed = changedTools(table, previous);
        const added = table.tools.map((t) => t.name).filter((n) => previous.tools[n] === undefined);
        const now = new Set(table.tools.map((t) => t.name));
        const gone = Object.keys(previous.tools).filter((n) => !now.has(n));
        if (added.length + changed.length + gone.length === 0) notes.push('OpenAPI: the tools are unchanged');
        for (const [label, names] of [
            ['appear', added],
            ['change', changed],
            ['go', gone],
        ] as const) {
            if (names.length === 0) continue;
            const listed = names.slice(0, NAMED_CHANGES).map((n) => shown(n, 80));
            const more = names.length > listed.length ? `, and ${names.length - listed.length} more` : '';
            notes.push(`OpenAPI: ${names.length} tool${names.length === 1 ? '' : 's'} ${label}: ${listed.join(', ')}${more}`);
        }
    }
    if (table.total === 0) {
        notes.push('OpenAPI: the document describes no operations (webhooks only, or no paths): the server lists no tools until it does');
    } else if (table.tools.length === 0) {
        notes.push('OpenAPI: the filters keep no operation: the server lists no tools');
    }
    if (table.tools.length > MANY_TOOLS && table.mode === 'operations') {
        notes.push(
            `OpenAPI: ${table.tools.length} tools. Clients take only so many: Cursor 40, Windsurf 100, VS Code 128 per request. ` +
                `Narrow them with --openapi-tags, --openapi-include, --openapi-exclude or --openapi-read-only (or ${table.prefix}_TOOLS at run time), ` +
                `or serve them through three tools that search, describe and call them: --openapi-mode search (or ${table.prefix}_TOOL_MODE=search at run time).`,
        );
    }
    return notes;
}
