/**
 * What the SQL databases of this server share: the driver interface each of them implements
 * (`./postgres.ts`, `./mysql.ts`, `./sqlite.ts`), the shapes the tools answer with, the caps on those
 * answers, settings read from the environment, and the messages for statements that are not queries and
 * for databases that went away. The tools, resource and prompts (`src/tools/query.ts`, …) serve every
 * database listed in `./databases.ts` through this interface alone.
 *
 * How an answer stays bounded, whatever the data holds:
 * - a query runs wrapped in a select list of ours that cuts every long value inside the database, so no
 *   value longer than its share of the byte cap ever reaches this process (see {@link cappedSelectList});
 * - rows are read a batch at a time, each batch small enough in bytes ({@link Answer.batchSize});
 * - the answer stops at the row cap and at the byte cap, and says so in `truncated` and `note`.
 */
import * as z from 'zod';

// ---------------------------------------------------------------------------------------------------------------------
// The shapes the tools answer with

export const QueryResultSchema = z.object({
    columns: z.array(z.string()).describe('Column names, in result order'),
    rows: z.array(z.record(z.string(), z.unknown())).describe('Rows as objects keyed by column name'),
    rowCount: z.number().int().describe('Number of rows returned'),
    truncated: z
        .boolean()
        .describe('True when the answer is incomplete: rows past the row or byte cap were left out, or long values were cut (see `note`)'),
    note: z.string().optional().describe('What was left out or cut, when `truncated` is true'),
});
export type QueryResult = z.infer<typeof QueryResultSchema>;

export const TableSummarySchema = z.object({
    schema: z.string(),
    name: z.string(),
    kind: z.enum(['table', 'view', 'materialized view', 'foreign table']),
    estimatedRows: z.number().nullable().describe('Estimated row count (from statistics or the planner); null for views'),
    comment: z.string().nullable(),
});
export type TableSummary = z.infer<typeof TableSummarySchema>;

export const TableListSchema = z.object({
    tables: z.array(TableSummarySchema),
    truncated: z.boolean().describe(`True when there were more tables than fit in one answer (see \`note\`)`),
    note: z.string().optional().describe('Why the list stops where it does, when `truncated` is true'),
});
export type TableList = z.infer<typeof TableListSchema>;

export const TableDescriptionSchema = TableSummarySchema.extend({
    columns: z.array(
        z.object({
            name: z.string(),
            type: z.string(),
            nullable: z.boolean(),
            default: z.string().nullable().describe('Default expression, identity or generation clause'),
            comment: z.string().nullable(),
        }),
    ),
    primaryKey: z.array(z.string()).describe('Primary key columns; empty if none'),
    foreignKeys: z.array(
        z.object({
            name: z.string(),
            columns: z.array(z.string()),
            referencedSchema: z.string(),
            referencedTable: z.string(),
            referencedColumns: z.array(z.string()),
        }),
    ),
    indexes: z.array(
        z.object({
            name: z.string(),
            columns: z.array(z.string()).describe('Key columns or expressions'),
            unique: z.boolean(),
            primary: z.boolean(),
            definition: z.string(),
        }),
    ),
    truncated: z.boolean().optional().describe('True when the description was too large for one answer and its last entries were left out'),
    note: z.string().optional().describe('What was left out, when `truncated` is true'),
});
export type TableDescription = z.infer<typeof TableDescriptionSchema>;

export interface TableRef {
    schema?: string;
    table: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// The driver interface

/** The caps of one database's answers: its generated values, or `<prefix>_MAX_ROWS`, … from the environment. */
export interface SqlLimits {
    /** Most rows of one answer. */
    maxRows: number;
    /** Most bytes of one answer, as JSON. */
    maxResultBytes: number;
    /** Statement timeout of one call, in milliseconds. */
    statementTimeoutMs: number;
    /** The prefix of the variables that set them (`PG` for `PG_MAX_ROWS`), for notes and messages. */
    prefix: string;
}

/** What every SQL database of this server implements; the tools, resource and prompts use nothing else. */
export interface SqlDriver {
    /** `postgres`, `mysql` or `sqlite`: the scheme of its resource URIs, and its item names' prefix beside other databases. */
    id: string;
    /** The name people know it by: "PostgreSQL". */
    label: string;
    /** The SQL the prompts ask the model to write. */
    dialect: string;
    /** The variable that names the database (DATABASE_URL), for messages. */
    target: string;
    /** What a schema is called here ("schema", or "database" on MySQL), and the one used when none is given. */
    schemaWord: string;
    defaultSchema: string;
    /** The caps in force right now (settings are read on every call). */
    limits(): SqlLimits;
    /** Readable tables and views, of one schema or all; at most {@link MAX_LISTED_TABLES}. */
    listTables(schema?: string): Promise<TableList>;
    /** Describes tables in one go; `undefined` for those that do not exist or cannot be read. */
    describeTables(refs: TableRef[]): Promise<(TableDescription | undefined)[]>;
    /** Runs one read-only statement and returns its rows within the caps. */
    query(sql: string): Promise<QueryResult>;
    /** Names of readable tables, and of schemas holding one, starting with `prefix` (for completions). */
    tableNames(prefix: string, schema?: string): Promise<string[]>;
    schemaNames(prefix: string): Promise<string[]>;
    /** Quotes an identifier as this dialect needs it (for the DDL-like text of the prompts). */
    quoteIdent(name: string): string;
    /** The message a tool answers with for an error of this driver (`SQL error 42601: …`). */
    describeError(err: unknown): string;
    /** Resolves once the database answers; rejects with what is wrong (for readiness checks). */
    ping(): Promise<void>;
    /** Closes the connections (graceful shutdown); the next call opens new ones. */
    close(): Promise<void>;
}

/** Upper bound for list_tables, the resource list and completions. */
export const MAX_LISTED_TABLES = 1_000;
export const MAX_COMPLETIONS = 100;
/** The most schema text a prompt embeds, so it stays a sane size however wide the tables. */
export const MAX_SCHEMA_CHARS = 40_000;

/** Splits "schema.table" when no schema is given separately; a lone name keeps the driver's default schema. */
export function tableRef(table: string, schema?: string): TableRef {
    if (schema !== undefined) return { schema, table };
    const dot = table.indexOf('.');
    return dot > 0 && dot < table.length - 1 ? { schema: table.slice(0, dot), table: table.slice(dot + 1) } : { table };
}

export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------------------------------
// Settings

const warnedSettings = new Set<string>();

/** Reads an integer setting from `min` to `max`; anything else falls back to the default (with one warning per bad value). */
export function intSetting(name: string, fallback: number, max: number, min = 1): number {
    const raw = process.env[name]?.trim();
    if (!raw) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (value >= min && value <= max) return value;
    if (!warnedSettings.has(`${name}=${raw}`)) {
        warnedSettings.add(`${name}=${raw}`);
        console.error(`ignoring ${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}; using ${fallback}`);
    }
    return fallback;
}

/** The caps of a database: `<prefix>_MAX_ROWS`, `<prefix>_MAX_RESULT_BYTES`, `<prefix>_STATEMENT_TIMEOUT_MS`, else `defaults`. */
export function limitsFromEnv(prefix: string, defaults: Omit<SqlLimits, 'prefix'>): SqlLimits {
    return {
        maxRows: intSetting(`${prefix}_MAX_ROWS`, defaults.maxRows, 10_000),
        maxResultBytes: intSetting(`${prefix}_MAX_RESULT_BYTES`, defaults.maxResultBytes, 100_000_000, 1_000),
        statementTimeoutMs: intSetting(`${prefix}_STATEMENT_TIMEOUT_MS`, defaults.statementTimeoutMs, 600_000),
        prefix,
    };
}

/** Connections a pooled database keeps: `<prefix>_POOL_SIZE`, else 5. */
export function poolSizeFromEnv(prefix: string): number {
    return intSetting(`${prefix}_POOL_SIZE`, 5, 100);
}

/** The longest wait for a connection: connecting, or a free connection of a busy pool. */
export const CONNECT_TIMEOUT_MS = 5_000;

// ---------------------------------------------------------------------------------------------------------------------
// Which statements run, and how

/** How a dialect writes comments, and which of its statements run as they are. */
export interface Dialect {
    /** Block comments nest (PostgreSQL). */
    nestedComments?: boolean;
    /** MySQL/MariaDB: `#` starts a comment, `--` only before white space, and `/*!…*\/` holds code, not a comment. */
    mysqlComments?: boolean;
    /** Statements that run as they are: their output is bounded by the statement itself (plans, settings). */
    asIs: readonly string[];
    /** The statements it runs, for the refusal: "SELECT, WITH … SELECT, VALUES, TABLE, EXPLAIN or SHOW". */
    allowed: string;
}

/** How a query may start: it is wrapped in a select list of ours, which cuts long values inside the database. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', '(']);

/** A statement this server does not run: not a query, nor one of the dialect's {@link Dialect.asIs} statements. */
export class StatementRefused extends Error {}

/** Where the comment starting at `start` ends (the index after it), or -1 when it does not end. */
function commentEnd(sql: string, start: number, dialect: Dialect): number {
    if (sql[start] === '#' || sql[start] === '-') {
        const newline = sql.indexOf('\n', start);
        return newline < 0 ? sql.length : newline + 1;
    }
    let depth = 0;
    for (let i = start; i < sql.length - 1; i++) {
        if (sql[i] === '/' && sql[i + 1] === '*' && (depth === 0 || dialect.nestedComments)) {
            depth += 1;
            i += 1;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
            depth -= 1;
            i += 1;
            if (depth === 0) return i + 1;
        }
    }
    return -1;
}

/** Whether a comment starts at `i`, as the dialect reads comments. */
function commentAt(sql: string, i: number, dialect: Dialect): boolean {
    if (sql.startsWith('/*', i)) return !(dialect.mysqlComments && /^\/\*(!|M!)/.test(sql.slice(i, i + 4)));
    if (sql.startsWith('--', i)) return !dialect.mysqlComments || /\s/.test(sql[i + 2] ?? ' ');
    return dialect.mysqlComments === true && sql[i] === '#';
}

/**
 * The first `count` words of `sql`, upper-cased, after white space and comments as the dialect reads them; an
 * opening parenthesis before the first word is the word "(". Reading stops at anything else (a string, code in a
 * MySQL comment), so a statement can only be taken for what the database will also see.
 */
export function leadingWords(sql: string, dialect: Dialect, count = 1): string[] {
    const words: string[] = [];
    let i = 0;
    while (i < sql.length && words.length < count) {
        if (/\s/.test(sql[i] ?? '')) {
            i += 1;
        } else if (commentAt(sql, i, dialect)) {
            i = commentEnd(sql, i, dialect);
            if (i < 0) break;
        } else if (sql[i] === '(' && words.length === 0) {
            words.push('(');
            i += 1;
        } else {
            const word = /^[A-Za-z_]+/.exec(sql.slice(i, i + 100))?.[0];
            // A word runs into what follows (`SELECT$1` is one identifier): not a keyword, so reading stops.
            const next = word === undefined ? undefined : sql[i + word.length];
            if (word === undefined || (next !== undefined && !/[\s(;/#-]/.test(next))) break;
            words.push(word.toUpperCase());
            i += word.length;
        }
    }
    return words;
}

/**
 * Whether `sql` is a query (run wrapped, its long values cut inside the database) or one of the statements the
 * dialect runs as they are; anything else is refused before it reaches the database.
 */
export function statementKind(sql: string, dialect: Dialect): 'query' | 'as-is' {
    const [first = ''] = leadingWords(sql, dialect);
    if (QUERY_STARTS.has(first)) return 'query';
    if (dialect.asIs.includes(first)) return 'as-is';
    throw new StatementRefused(
        `Refused: only a query can run here (${dialect.allowed}); ` +
            `${first ? `this statement starts with ${first}` : 'this statement starts with no keyword'}. Nothing was run.`,
    );
}

/** The statement without the semicolons and white space that may end it, so it can stand inside parentheses. */
export function withoutFinalSemicolons(sql: string): string {
    return sql.replace(/[\s;]+$/, '');
}

/**
 * The hint added to a syntax error of a wrapped query: the database saw the statement inside our select list,
 * where a comment after its final semicolon, say, does not parse.
 */
export const WRAPPED_HINT =
    'The query runs as a subquery (so long values are cut inside the database): it must be one SELECT, WITH … SELECT, ' +
    'VALUES or TABLE statement, with nothing after its final semicolon.';

// ---------------------------------------------------------------------------------------------------------------------
// Answers within the caps

/**
 * How a column comes back from the select list:
 * - `small`: as it is, a value of a fixed-size type (a number, a date);
 * - `cut`: as one value the database cut to one character more than its share (`LEFT(c, cap + 1)`), so that a
 *   value that was longer shows here as too long, and is cut again at a character boundary;
 * - `pair`: as two, where one expression cannot keep the value's type: the value when it is short enough (else
 *   NULL), and its start when it is longer (else NULL).
 */
export type ColumnRead = 'small' | 'cut' | 'pair';

/** The most bytes of rows one read may bring into memory, whatever the rows hold. */
const BATCH_BYTES = 16 * 1024 * 1024;
/** The most a small column (a number, a date) takes in a row. */
export const SMALL_BYTES = 64;
/** A value always gets at least this many bytes of the answer, however many columns share it. */
const MIN_VALUE_BYTES = 256;
/** Room kept in an answer for its note. */
const NOTE_BYTES = 1_024;

/** The share of the byte cap each value gets: the cap over the columns. */
export function valueCapOf(maxResultBytes: number, columns: number): number {
    return Math.max(MIN_VALUE_BYTES, Math.floor(maxResultBytes / Math.max(1, columns)));
}

/** The names a wrapped statement's columns get, in order: `c1, c2, …`. */
export function columnAliases(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `c${i + 1}`);
}

/**
 * The select list over a statement wrapped as `q(c1, …, cn)` that cuts long values inside the database, so they
 * are never sent whole: a small column is read as it is, the others through the expressions `cut(column, i)` gives
 * (one for `cut`, two for `pair`; see {@link ColumnRead}).
 */
export function cappedSelectList(reads: ColumnRead[], cut: (column: string, index: number) => string[]): string {
    return columnAliases(reads.length)
        .flatMap((column, i) => (reads[i] === 'small' ? [column] : cut(column, i)))
        .join(', ');
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? 'null');

/** `text` cut to at most `bytes` bytes of UTF-8, at a character boundary. */
function cutText(text: string, bytes: number): string {
    const encoded = Buffer.from(text);
    let end = bytes;
    while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end -= 1;
    return encoded.subarray(0, end).toString();
}

/** A JSON-safe value within `cap` bytes: a longer one becomes its text, cut. */
function capValue(value: unknown, cap: number): { value: unknown; cut: boolean } {
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return { value, cut: false };
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    // A UTF-16 unit takes at most 3 bytes of UTF-8: short strings need no measuring.
    if (text.length * 3 <= cap || Buffer.byteLength(text) <= cap) return { value, cut: false };
    return { value: cutText(text, cap), cut: true };
}

const kb = (bytes: number): string =>
    bytes >= 1_000_000 ? `${bytes / 1_000_000} MB` : bytes >= 1_000 ? `${bytes / 1_000} KB` : `${bytes} bytes`;

/**
 * The answer to a query, built row by row as the rows are read: at most `maxRows` rows and `maxResultBytes` bytes
 * of JSON, each value within its share of the bytes, with a note saying what was left out or cut.
 */
export class Answer {
    readonly valueCap: number;
    private readonly rows: Record<string, unknown>[] = [];
    private bytes: number;
    /** Values cut, by column. */
    private readonly cut = new Map<string, number>();
    private stopped?: 'rows' | 'bytes';
    /** The most a row can take while it is read: little for small columns, the value cap for the others. */
    private rowBound: number;

    constructor(
        private readonly columns: string[],
        private readonly reads: ColumnRead[],
        private readonly limits: SqlLimits,
    ) {
        this.valueCap = valueCapOf(limits.maxResultBytes, columns.length);
        this.bytes = jsonBytes({ columns, rows: [], rowCount: limits.maxRows, truncated: true }) + NOTE_BYTES;
        // A character the database cuts at takes up to 4 bytes.
        this.rowBound = reads.reduce((sum, read) => sum + (read === 'small' ? SMALL_BYTES : 4 * (this.valueCap + 1)), 0);
    }

    /** Lowers the most a row can take, once the statement's own result says so (see the PostgreSQL driver). */
    boundRows(bytes: number): void {
        this.rowBound = Math.min(this.rowBound, bytes);
    }

    /** Whether more rows are wanted. */
    get open(): boolean {
        return this.stopped === undefined;
    }

    /** How many rows to read next: what is still wanted, and no more than one batch of bytes. */
    batchSize(): number {
        const wanted = this.limits.maxRows + 1 - this.rows.length;
        return Math.max(1, Math.min(wanted, Math.floor(BATCH_BYTES / Math.max(this.rowBound, 1))));
    }

    /** Adds a row as the select list returns it (two cells per `pair` column); false once the answer is full. */
    add(cells: unknown[]): boolean {
        if (this.stopped) return false;
        if (this.rows.length === this.limits.maxRows) {
            this.stopped = 'rows';
            return false;
        }
        let row = this.decode(cells, this.valueCap);
        let size = jsonBytes(row) + 1;
        // A first row that alone is too large (names take room too) gets smaller shares, rather than no row at all.
        for (
            let cap = this.valueCap >> 1;
            this.rows.length === 0 && this.bytes + size > this.limits.maxResultBytes && cap >= 16;
            cap >>= 1
        ) {
            row = this.decode(cells, cap);
            size = jsonBytes(row) + 1;
        }
        if (this.bytes + size > this.limits.maxResultBytes) {
            this.stopped = 'bytes';
            return false;
        }
        this.rows.push(row);
        this.bytes += size;
        return true;
    }

    /** The row keyed by column names, each value JSON-safe and within `cap` bytes. */
    private decode(cells: unknown[], cap: number): Record<string, unknown> {
        let cell = 0;
        const entries = this.columns.map((column, i): [string, unknown] => {
            let raw = cells[cell++];
            let cut = false;
            if (this.reads[i] === 'pair') {
                const long = cells[cell++];
                if (long !== null && long !== undefined) [raw, cut] = [long, true];
            }
            const capped = capValue(toJsonSafe(raw), cap);
            if (cut || capped.cut) this.cut.set(column, (this.cut.get(column) ?? 0) + 1);
            return [column, capped.value];
        });
        return Object.fromEntries(entries);
    }

    result(): QueryResult {
        const { maxRows, maxResultBytes, prefix } = this.limits;
        const notes: string[] = [];
        if (this.stopped === 'rows')
            notes.push(`Only the first ${maxRows} rows are here (${prefix}_MAX_ROWS): the statement returns more.`);
        if (this.stopped === 'bytes') {
            notes.push(
                `Only the first ${this.rows.length} rows are here: the answer reached ${kb(maxResultBytes)} (${prefix}_MAX_RESULT_BYTES).`,
            );
        }
        if (this.cut.size > 0) {
            const count = [...this.cut.values()].reduce((sum, n) => sum + n, 0);
            // A few names, short: the note fits in the room kept for it.
            const columns = [...this.cut.keys()].map((name) => name.slice(0, 24));
            const named = columns.length > 5 ? `${columns.slice(0, 5).join(', ')} and ${columns.length - 5} more` : columns.join(', ');
            notes.push(`${count} ${count === 1 ? 'value was' : 'values were'} cut to their first ${kb(this.valueCap)} (${named}).`);
        }
        const truncated = notes.length > 0;
        if (truncated) notes.push('Aggregate, filter or select fewer columns (or substrings) to see the rest.');
        return {
            columns: this.columns,
            rows: this.rows,
            rowCount: this.rows.length,
            truncated,
            ...(truncated && { note: notes.join(' ') }),
        };
    }
}

/** `each` applied to the items one after the other (on one connection, say), in order. */
export async function inOrder<T, R>(items: T[], each: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (const item of items) results.push(await each(item));
    return results;
}

/** Reads a statement's rows into `answer` a batch at a time, until it is full or `read` returns fewer than asked. */
export async function readBatches(answer: Answer, read: (count: number) => Promise<unknown[][]>): Promise<void> {
    while (answer.open) {
        const count = answer.batchSize();
        const rows = await read(count);
        for (const row of rows) if (!answer.add(row)) return;
        if (rows.length < count) return;
    }
}

/** The longest comment, default or definition the catalog answers carry. */
const MAX_CATALOG_TEXT = 2_000;

const clip = <T extends string | null>(text: T): T =>
    text !== null && text.length > MAX_CATALOG_TEXT ? (`${text.slice(0, MAX_CATALOG_TEXT)}…` as T) : text;

/** A table listing within the byte cap: long comments clipped, and the tables that do not fit left out. */
export function fitTables(tables: TableSummary[], more: boolean, limits: SqlLimits): TableList {
    const fitted: TableSummary[] = [];
    let bytes = jsonBytes({ tables: [], truncated: true }) + NOTE_BYTES;
    for (const table of tables) {
        const summary = { ...table, comment: clip(table.comment) };
        bytes += jsonBytes(summary) + 1;
        if (bytes > limits.maxResultBytes) break;
        fitted.push(summary);
    }
    if (fitted.length < tables.length) {
        const note = `Only the first ${fitted.length} tables are here: the answer reached ${kb(limits.maxResultBytes)} (${limits.prefix}_MAX_RESULT_BYTES). Give a schema to list fewer.`;
        return { tables: fitted, truncated: true, note };
    }
    if (more)
        return {
            tables: fitted,
            truncated: true,
            note: `Only the first ${MAX_LISTED_TABLES} tables are listed. Give a schema to list fewer.`,
        };
    return { tables: fitted, truncated: false };
}

/** A table description within the byte cap: long texts clipped, and the last indexes, keys and columns left out if need be. */
export function fitDescription(table: TableDescription, limits: SqlLimits): TableDescription {
    const fitted: TableDescription = {
        ...table,
        comment: clip(table.comment),
        columns: table.columns.map((column) => ({ ...column, default: clip(column.default), comment: clip(column.comment) })),
        indexes: table.indexes.map((index) => ({ ...index, definition: clip(index.definition) })),
    };
    let over = jsonBytes(fitted) + NOTE_BYTES - limits.maxResultBytes;
    if (over <= 0) return fitted;
    const left: string[] = [];
    for (const list of ['indexes', 'foreignKeys', 'columns'] as const) {
        const entries: unknown[] = fitted[list];
        let dropped = 0;
        while (over > 0 && entries.length > 0) {
            over -= jsonBytes(entries.pop()) + 1;
            dropped += 1;
        }
        if (dropped > 0) left.push(`the last ${dropped} ${list === 'foreignKeys' ? 'foreign keys' : list}`);
    }
    const note = `Left out ${left.join(', ')}: the description reached ${kb(limits.maxResultBytes)} (${limits.prefix}_MAX_RESULT_BYTES). Query the catalog for the rest.`;
    return { ...fitted, truncated: true, note };
}

/** Converts values JSON cannot carry (bigint, bytes, Date, NaN/Infinity) to strings, recursively. */
export function toJsonSafe(value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
    if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
    if (Array.isArray(value)) return value.map(toJsonSafe);
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonSafe(item)]));
    }
    return value;
}

// ---------------------------------------------------------------------------------------------------------------------
// Connections

/** A database URL from the environment, checked, and the `user@host:port/database` it names (no password). */
export function databaseUrl(variable: string, protocols: string[], example: string): { url: string; parsed: URL; target: string } {
    const url = process.env[variable]?.trim();
    if (!url) throw new Error(`${variable} is not set: set it to a URL such as ${example}`);
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        throw new Error(`${variable} is not a valid URL: expected one such as ${example}`);
    }
    if (!protocols.includes(parsed.protocol)) {
        throw new Error(`${variable} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got ${parsed.protocol}//)`);
    }
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return { url, parsed, target: `${user}${parsed.host || 'localhost'}${parsed.pathname}` };
}

/**
 * The error of a failed connection, naming the variable and the target; `reason` words the driver's own codes
 * (authentication, no such database) and the network's are worded here.
 */
export function cannotConnect(variable: string, target: string, err: unknown, reason?: string): Error {
    const { code, message } = err as { code?: string; message?: string };
    let why = reason;
    if (why === undefined) {
        if (code === 'ECONNREFUSED') why = 'connection refused (is the server running on that host and port?)';
        else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') why = 'host not found';
        else if (code === 'ETIMEDOUT' || /timeout/i.test(message ?? '')) why = `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
        else why = message || String(err);
    }
    return new Error(`Cannot connect to the database in ${variable} (${target}): ${why}`, { cause: err });
}

/**
 * The error of a call whose database connection broke (the server stopped or restarted, the network
 * dropped): the call did not complete and nothing was changed. The next call opens a new connection.
 */
export function connectionLost(variable: string, target: string, cause: unknown): Error {
    return new Error(
        `The database connection was lost during the call (${variable}: ${target}): ${errorMessage(cause).replace(/\.+$/, '')}. ` +
            'Nothing was changed; the next call reconnects, so retry once the database is reachable.',
        { cause },
    );
}

/** The error of a call that found every pooled connection busy for the whole wait. */
export function poolExhausted(variable: string, size: number): Error {
    return new Error(
        `All ${size} connections to the database in ${variable} stayed busy for ${CONNECT_TIMEOUT_MS / 1000} s (the pool is exhausted): ` +
            'other calls are still running. Retry shortly, or make queries cheaper.',
    );
}

/** A pool no call has used for this long is ended, so its idle connections never keep a finished process alive. */
const IDLE_POOL_MS = 30_000;

/**
 * The pool of the database a URL names, made on first use and ended once idle (the next call opens a new
 * one). A different URL (tests change it) gets a new pool and ends the previous one.
 */
export class PoolHolder<State> {
    private current?: { url: string; state: State };
    /** Calls using the pool right now. */
    private active = 0;
    private idle?: NodeJS.Timeout;

    constructor(
        private readonly open: (url: ReturnType<typeof databaseUrl>) => State,
        private readonly end: (state: State) => Promise<void>,
    ) {}

    /** Runs `work` with the pool of `url`. */
    async use<T>(url: ReturnType<typeof databaseUrl>, work: (state: State) => Promise<T>): Promise<T> {
        if (this.current?.url !== url.url) {
            if (this.current)
                this.end(this.current.state).catch((err: unknown) => console.error(`closing the previous pool: ${errorMessage(err)}`));
            this.current = { url: url.url, state: this.open(url) };
        }
        this.active += 1;
        clearTimeout(this.idle);
        try {
            return await work(this.current.state);
        } finally {
            this.active -= 1;
            if (this.active === 0) {
                // Unreferenced: the timer alone keeps nothing alive, but open connections do until it ends them.
                this.idle = setTimeout(
                    () => this.close().catch((err: unknown) => console.error(`closing an idle pool: ${errorMessage(err)}`)),
                    IDLE_POOL_MS,
                );
                this.idle.unref();
            }
        }
    }

    /** Ends the pool (graceful shutdown, tests); the next call opens a new one. */
    async close(): Promise<void> {
        clearTimeout(this.idle);
        const current = this.current;
        this.current = undefined;
        if (current) await this.end(current.state);
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Text for the tools and prompts

/** Completion must never fail the request: on any error, log to stderr and offer nothing. */
export async function completeSafely(what: string, run: () => Promise<string[]>): Promise<string[]> {
    try {
        return await run();
    } catch (err) {
        console.error(`cannot complete ${what}: ${errorMessage(err)}`);
        return [];
    }
}

const sqlComment = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Renders a table description as compact DDL-like text that models read well, quoting names with `quoteIdent`. */
export function formatTableSchema(table: TableDescription, quoteIdent: (name: string) => string): string {
    const qualified = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
    const estimate = table.estimatedRows === null ? '' : `, ~${Math.round(table.estimatedRows)} rows`;
    const lines = [`-- ${table.kind} ${qualified}${estimate}${table.comment ? `: ${sqlComment(table.comment)}` : ''}`];

    // Items of the CREATE body; a comment goes after the separating comma, so it is kept apart.
    const items: { sql: string; comment?: string }[] = table.columns.map((column) => {
        let sql = `${quoteIdent(column.name)} ${column.type}${column.nullable ? '' : ' NOT NULL'}`;
        if (column.default !== null) sql += column.default.startsWith('GENERATED ') ? ` ${column.default}` : ` DEFAULT ${column.default}`;
        return { sql, comment: column.comment ?? undefined };
    });
    const columnList = (names: string[]): string => names.map(quoteIdent).join(', ');
    if (table.primaryKey.length > 0) items.push({ sql: `PRIMARY KEY (${columnList(table.primaryKey)})` });
    for (const fk of table.foreignKeys) {
        items.push({
            sql:
                `FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ` +
                `${quoteIdent(fk.referencedSchema)}.${quoteIdent(fk.referencedTable)} (${columnList(fk.referencedColumns)})`,
        });
    }
    const body = items.map(
        ({ sql, comment }, i) => `    ${sql}${i < items.length - 1 ? ',' : ''}${comment ? ` -- ${sqlComment(comment)}` : ''}`,
    );
    const keyword = table.kind === 'table' ? 'TABLE' : table.kind.toUpperCase();
    lines.push(`CREATE ${keyword} ${qualified} (`, ...body, ');');
    for (const index of table.indexes) {
        if (!index.primary) lines.push(`${index.definition};`);
    }
    if (table.truncated) lines.push(`-- ${table.note}`);
    return lines.join('\n');
}
