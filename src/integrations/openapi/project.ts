/**
 * What the openapi integration adds to a project, from the prepared API: the tool table (built
 * once per plan), the generated files, environment variables, and the lines the CLI prints
 * (renames, the tool count against client limits, tools that appear, change or go). Pure.
 */
import { LINE_WIDTH, commentText, fitLine, jsLiteral, jsString, textWidth } from '../../shared/codegen.js';
import { oneLine, quote, quotePath, shown } from '../../shared/quote.js';
import type { ContributedItem, EnvVar, IntegrationContext } from '../types.js';
import type { Api } from './model.js';
import { type Filters, type ToolTable, buildToolTable } from './tools.js';

export interface OpenApiPrepared {
    api: Api;
    /** The document as named (a path or a URL), for messages. */
    source: string;
    /** The document's URL when it was fetched. */
    url?: string;
    /** Most bytes of input the document could take: its tools' table may not grow beyond it either. */
    maxBytes: number;
    /** The tools of the project being regenerated (name -> its entry as generated), if any. */
    previous?: Record<string, string>;
}

/**
 * What the integration contributes, as functions of its context. The prepare step hands these over
 * with what it read, so this module (and the schema conversion behind it) is loaded only when a
 * project has the openapi system.
 */
export interface OpenApiContribution {
    env(ctx: IntegrationContext): EnvVar[];
    items(ctx: IntegrationContext): ContributedItem[];
    notes(ctx: IntegrationContext): string[];
    files(ctx: IntegrationContext): { path: string; text: string }[];
}

export const openApiContribution: OpenApiContribution = {
    env: (ctx) => openApiEnv(toolTable(ctx)!),
    items: (ctx) => [
        { kind: 'tool', name: 'openapi', module: 'openapi/tools', register: 'registerOpenApiTools', names: toolTable(ctx)!.tools.map((t) => t.name) },
    ],
    notes: (ctx) => openApiNotes(toolTable(ctx)!, (ctx.prepared as OpenApiPrepared).previous),
    files: (ctx) => {
        const table = toolTable(ctx)!;
        return [
            { path: DOCUMENT_FILE, text: `${JSON.stringify((ctx.prepared as OpenApiPrepared).api.document, null, 2)}\n` },
            { path: 'src/openapi/api.ts', text: apiFile(table) },
            { path: OPERATIONS_FILE, text: operationsFile(table) },
        ];
    },
};

/** Where the generated project keeps its copy of the document, and its operation table. */
export const DOCUMENT_FILE = 'openapi.json';
export const OPERATIONS_FILE = 'src/openapi/operations.ts';
/** Above this many tools the CLI warns; clients cap the tools they take. */
const MANY_TOOLS = 40;

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
    const taken = ctx.spec.tools.map((t) => t.name);
    const key = JSON.stringify([filters, ctx.options.envPrefix ?? null, taken]);
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
            limit: {
                chars: prepared.maxBytes,
                source: /^https?:/i.test(prepared.source) ? oneLine(prepared.source, { max: 120 }) : quotePath(prepared.source),
            },
        });
        cache.set(key, table);
    }
    return table;
}

/**
 * One entry of the operations file per tool: its JSON inside a string literal (one token, cheap for
 * tsc to check), laid out as the formatter would.
 */
function entryLines(entry: unknown): string {
    const literal = jsString(JSON.stringify(entry));
    const line = `    JSON.parse(${literal}),`;
    return textWidth(line) <= LINE_WIDTH ? line : `    JSON.parse(\n        ${literal},\n    ),`;
}

/** The value of a string literal jsString wrote. */
function stringValue(literal: string): string {
    const body = literal.slice(1, -1);
    return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
        if (escaped.startsWith('u') && escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
        return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escaped] ?? escaped;
    });
}

/** The tools of an existing operations file, by name (its entries as JSON text). */
export function previousTools(text: string): Record<string, string> {
    // Names come from a file of the project: without a prototype, none is special.
    const tools: Record<string, string> = Object.create(null);
    for (const match of text.matchAll(/JSON\.parse\(\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/g)) {
        try {
            const json = stringValue(match[1]!);
            tools[(JSON.parse(json) as { name: string }).name] = json;
        } catch {
            // Not an entry this generator wrote: ignored.
        }
    }
    return tools;
}

export function operationsFile(table: ToolTable): string {
    return [
        `// Generated by create-mcp-server from ${DOCUMENT_FILE} (${commentText(table.title)}): one entry per operation, each the`,
        '// tool it becomes. Regenerate rather than edit: change the document or the',
        '// filters in mcp-server.yaml, then run create-mcp-server again over this project (see the README).',
        "import type { Operation } from './types.js';",
        '',
        'export const OPERATIONS: readonly Operation[] = [',
        ...table.tools.map(entryLines),
        '];',
        '',
    ].join('\n');
}

export function apiFile(table: ToolTable): string {
    const schemes = table.schemes.map(({ description: _, ...scheme }) => fitLine(`        ${jsLiteral(scheme)},`));
    return [
        '// Generated by create-mcp-server from the OpenAPI document: its base URL and the security schemes',
        '// its operations use, each with the environment variables that hold its credentials.',
        "import type { Api } from './types.js';",
        '',
        'export const API: Api = {',
        fitLine(`    title: ${jsLiteral(table.title)},`),
        `    prefix: ${jsLiteral(table.prefix)},`,
        ...(table.baseUrl !== undefined ? [fitLine(`    baseUrl: ${jsLiteral(table.baseUrl)},`)] : []),
        ...(schemes.length > 0 ? ['    schemes: [', ...schemes, '    ],'] : ['    schemes: [],']),
        '};',
        '',
    ].join('\n');
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
                required: false,
                secret: role !== 'username' && role !== 'clientId',
            });
        }
    }
    vars.push(
        {
            name: `${p}_TOOLS`,
            description: 'Comma list of the tools to expose (`*` matches any characters); default: all',
            example: '',
            required: false,
            secret: false,
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

/** What the CLI prints: renames, tools that appear/change/go, and a warning above 40 tools. */
export function openApiNotes(table: ToolTable, previous: Record<string, string> | undefined): string[] {
    const notes = [...table.warnings];
    if (table.filteredOut > 0) notes.push(`OpenAPI: ${table.tools.length} of ${table.total} operations kept by the filters`);
    if (previous) {
        const now = new Map(table.tools.map((t) => [t.name, JSON.stringify(t)]));
        const added = [...now.keys()].filter((n) => previous[n] === undefined);
        const changed = [...now.keys()].filter((n) => previous[n] !== undefined && previous[n] !== now.get(n));
        const gone = Object.keys(previous).filter((n) => !now.has(n));
        if (added.length + changed.length + gone.length === 0) notes.push('OpenAPI: the tools are unchanged');
        for (const [label, names] of [
            ['appear', added],
            ['change', changed],
            ['go', gone],
        ] as const) {
            if (names.length > 0)
                notes.push(`OpenAPI: ${names.length} tool${names.length === 1 ? '' : 's'} ${label}: ${names.map((n) => shown(n, 80)).join(', ')}`);
        }
    }
    if (table.tools.length > MANY_TOOLS) {
        notes.push(
            `OpenAPI: ${table.tools.length} tools. Clients take only so many: Cursor 40, Windsurf 100, VS Code 128 per request. ` +
                `Narrow them with --openapi-tags, --openapi-include, --openapi-exclude or --openapi-read-only (or ${table.prefix}_TOOLS at run time).`,
        );
    }
    return notes;
}
