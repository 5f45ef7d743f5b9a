/**
 * PostgreSQL access shared by the postgres tools, resource and prompts.
 *
 * Safety layers (see the README):
 * 1. Connect as a least-privilege role; queries are refused outright for a superuser.
 * 2. Every call runs in `BEGIN TRANSACTION READ ONLY` with statement, lock and idle timeouts, and is always rolled back.
 * 3. User SQL goes through pg-cursor (extended query protocol), so the server accepts exactly one statement.
 * 4. Rows are fetched with `cursor.read(maxRows + 1)`: the cap never loads the whole result.
 *
 * A missing or unreachable DATABASE_URL never crashes the server: the pool is created lazily and every helper
 * rejects with an Error that names DATABASE_URL and says what went wrong.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import * as z from 'zod';

const CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_ROWS = 100;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
/** Upper bound for list_tables, the resource list and completions. */
const MAX_LISTED_TABLES = 1_000;
const MAX_COMPLETIONS = 100;

export const QueryResultSchema = z.object({
    columns: z.array(z.string()).describe('Column names, in result order'),
    rows: z.array(z.record(z.string(), z.unknown())).describe('Rows as objects keyed by column name'),
    rowCount: z.number().int().describe('Number of rows returned'),
    truncated: z.boolean().describe('True when the statement produced more rows than the PG_MAX_ROWS cap'),
});
export type QueryResult = z.infer<typeof QueryResultSchema>;

export const TableSummarySchema = z.object({
    schema: z.string(),
    name: z.string(),
    kind: z.enum(['table', 'view', 'materialized view', 'foreign table']),
    estimatedRows: z.number().nullable().describe('Planner estimate (pg_class.reltuples); null if unknown or a view'),
    comment: z.string().nullable(),
});
export type TableSummary = z.infer<typeof TableSummarySchema>;

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
});
export type TableDescription = z.infer<typeof TableDescriptionSchema>;

export interface TableRef {
    schema: string;
    table: string;
}

// ---------------------------------------------------------------------------------------------------------------------
// Configuration

const warnedSettings = new Set<string>();

/** Reads a positive integer setting; anything else falls back to the default (with one warning per bad value). */
function intSetting(name: string, fallback: number, max: number): number {
    const raw = process.env[name]?.trim();
    if (!raw) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (value >= 1 && value <= max) return value;
    if (!warnedSettings.has(`${name}=${raw}`)) {
        warnedSettings.add(`${name}=${raw}`);
        console.error(`[postgres] ignoring ${name}=${JSON.stringify(raw)}: expected an integer from 1 to ${max}; using ${fallback}`);
    }
    return fallback;
}

const maxRows = (): number => intSetting('PG_MAX_ROWS', DEFAULT_MAX_ROWS, 10_000);
const statementTimeoutMs = (): number => intSetting('PG_STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS, 600_000);

// ---------------------------------------------------------------------------------------------------------------------
// Pool

/**
 * Dates, timestamps and intervals keep PostgreSQL's own text instead of becoming JS objects: a JS Date would shift a
 * `date` by the local time zone, and '1 day 02:00:00' reads better than an interval object. (Arrays of them still
 * arrive as objects; toJsonSafe turns those Dates into ISO strings.)
 */
const types = new pg.TypeOverrides();
const { DATE, TIMESTAMP, TIMESTAMPTZ, INTERVAL } = pg.types.builtins;
for (const oid of [DATE, TIMESTAMP, TIMESTAMPTZ, INTERVAL]) types.setTypeParser(oid, (value: string) => value);

interface PoolState {
    url: string;
    pool: pg.Pool;
    /** Whether the DATABASE_URL role is a superuser; checked on first query. */
    superuser?: boolean;
}

let current: PoolState | undefined;

/** `user@host:port/database` from DATABASE_URL, without the password, for error messages. */
function describeTarget(url: URL): string {
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    const host = url.host || 'localhost';
    return `${user}${host}${url.pathname}`;
}

function poolState(): PoolState {
    const url = process.env.DATABASE_URL?.trim();
    if (!url) {
        throw new Error('DATABASE_URL is not set: set it to a PostgreSQL URL such as postgres://mcp_readonly:password@localhost:5432/app');
    }
    if (current?.url === url) return current;

    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        throw new Error('DATABASE_URL is not a valid URL: expected postgres://user:password@host:5432/database');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
        throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`);
    }

    // DATABASE_URL only changes in tests; end the pool of the previous URL instead of leaking it.
    if (current) {
        const stale = current.pool;
        stale.end().catch((err: unknown) => console.error(`[postgres] closing the previous pool: ${errorMessage(err)}`));
    }

    const target = describeTarget(parsed);
    const pool = new pg.Pool({
        connectionString: url,
        max: 5,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        idleTimeoutMillis: 30_000,
        keepAlive: true,
        // Idle connections must not keep a finished process (stdio EOF, tests) alive.
        allowExitOnIdle: true,
        types,
    });
    // An idle client that loses its connection emits 'error' on the pool; unhandled, it would crash the process.
    pool.on('error', (err) => console.error(`[postgres] idle connection to ${target} failed: ${err.message}`));
    current = { url, pool };
    return current;
}

/** The process-wide pool for DATABASE_URL, created on first use. Throws if DATABASE_URL is missing or malformed. */
export function getPool(): pg.Pool {
    return poolState().pool;
}

/** Closes the pool (for graceful shutdown and tests). The next helper call opens a new one. */
export async function closePool(): Promise<void> {
    const state = current;
    current = undefined;
    await state?.pool.end();
}

function connectionError(err: unknown, url: string): Error {
    const { code, message } = err as { code?: string; message?: string };
    let reason: string;
    if (code === 'ECONNREFUSED') reason = 'connection refused (is PostgreSQL running on that host and port?)';
    else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = 'host not found';
    else if (code === 'ETIMEDOUT' || /timeout/i.test(message ?? '')) reason = `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
    else if (code === '28P01') reason = `authentication failed: ${message}`;
    else if (/password must be a string/.test(message ?? '')) reason = 'the server asks for a password but DATABASE_URL has none';
    else if (code === '28000') reason = `access rejected: ${message}`;
    else reason = message || String(err);
    return new Error(`Cannot connect to the database in DATABASE_URL (${describeTarget(new URL(url))}): ${reason}`, { cause: err });
}

async function connect(state: PoolState): Promise<pg.PoolClient> {
    try {
        return await state.pool.connect();
    } catch (err) {
        throw connectionError(err, state.url);
    }
}

/**
 * Runs `work` in a read-only transaction with timeouts, then always rolls back. If the rollback fails, the client
 * is released with the error so the pool discards the broken connection instead of reusing it.
 */
async function withReadOnlyTransaction<T>(work: (client: pg.PoolClient, state: PoolState) => Promise<T>): Promise<T> {
    const state = poolState();
    // SET cannot take bind parameters; this is an integer parsed by intSetting, never user input.
    const timeout = statementTimeoutMs();
    const client = await connect(state);
    try {
        await client.query(
            'BEGIN TRANSACTION READ ONLY; ' +
                `SET LOCAL statement_timeout = ${timeout}; ` +
                `SET LOCAL lock_timeout = ${timeout}; ` +
                `SET LOCAL idle_in_transaction_session_timeout = ${timeout}`,
        );
        return await work(client, state);
    } finally {
        try {
            await client.query('ROLLBACK');
            client.release();
        } catch (err) {
            console.error(`[postgres] rollback failed, dropping the connection: ${errorMessage(err)}`);
            client.release(err instanceof Error ? err : true);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Queries

const SUPERUSER_REFUSAL =
    'Refusing to run queries: the DATABASE_URL role is a PostgreSQL superuser. A READ ONLY transaction cannot stop ' +
    'a superuser from writing files on the database server (COPY … TO), running programs (COPY … TO PROGRAM) or ' +
    'writing through extensions such as dblink. Connect as a least-privilege role instead; see "Least-privilege ' +
    'database role" in the README.';

/** Converts values JSON cannot carry (bigint, Buffer, Date, NaN/Infinity) to strings, recursively. */
function toJsonSafe(value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
    if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
    if (Array.isArray(value)) return value.map(toJsonSafe);
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonSafe(item)]));
    }
    return value;
}

function readCursor(cursor: Cursor, count: number): Promise<{ rows: Record<string, unknown>[]; fields: pg.FieldDef[] }> {
    return new Promise((resolve, reject) => {
        cursor.read(count, (err, rows, result) => (err ? reject(err) : resolve({ rows, fields: result.fields })));
    });
}

/**
 * Runs exactly one user-supplied SQL statement read-only and returns at most PG_MAX_ROWS rows.
 * SQL errors are rethrown as they come from pg (with a SQLSTATE `code`); format them with {@link describeError}.
 */
export async function runReadOnlyQuery(sql: string): Promise<QueryResult> {
    const limit = maxRows();
    return withReadOnlyTransaction(async (client, state) => {
        state.superuser ??= (await client.query("SELECT current_setting('is_superuser') = 'on' AS superuser")).rows[0].superuser === true;
        if (state.superuser) throw new Error(SUPERUSER_REFUSAL);

        // The extended protocol (Parse/Bind/Execute) makes the server reject a string holding several statements.
        const cursor = client.query(new Cursor<Record<string, unknown>>(sql));
        const { rows, fields } = await readCursor(cursor, limit + 1);
        // Only reached on success: after an error the cursor has already synced and the connection is free again.
        await cursor.close();

        const truncated = rows.length > limit;
        const kept = truncated ? rows.slice(0, limit) : rows;
        return {
            columns: fields.map((field) => field.name),
            rows: kept.map((row) => toJsonSafe(row) as Record<string, unknown>),
            rowCount: kept.length,
            truncated,
        };
    });
}

/** Formats an error for a tool result: `SQL error <SQLSTATE>: <message>` for database errors, else the message. */
export function describeError(err: unknown): string {
    if (err instanceof pg.DatabaseError && err.code) {
        return `SQL error ${err.code}: ${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}`;
    }
    return errorMessage(err);
}

export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------------------------------
// Catalog introspection (parameterized queries, same read-only transaction wrapper)

/** Tables, views, materialized views and foreign tables in non-system schemas that the role may read. */
const READABLE_RELATIONS = `
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND has_schema_privilege(n.oid, 'USAGE')
      AND (has_table_privilege(c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT'))`;

const SUMMARY_COLUMNS = `
    n.nspname AS schema,
    c.relname AS name,
    CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
    CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0 THEN c.reltuples::float8 END AS "estimatedRows",
    obj_description(c.oid, 'pg_class') AS comment`;

/** Lists readable tables and views, in one schema or in all non-system schemas. */
export async function listTables(schema?: string): Promise<{ tables: TableSummary[]; truncated: boolean }> {
    const { rows } = await withReadOnlyTransaction((client) =>
        client.query<TableSummary>(
            `SELECT ${SUMMARY_COLUMNS} ${READABLE_RELATIONS}
           AND ($1::text IS NULL OR n.nspname = $1)
         ORDER BY 1, 2 LIMIT $2`,
            [schema ?? null, MAX_LISTED_TABLES + 1],
        ),
    );
    return { tables: rows.slice(0, MAX_LISTED_TABLES), truncated: rows.length > MAX_LISTED_TABLES };
}

async function describeWith(client: pg.PoolClient, { schema, table }: TableRef): Promise<TableDescription | undefined> {
    const relation = await client.query<TableSummary & { oid: number }>(
        `SELECT c.oid, ${SUMMARY_COLUMNS} ${READABLE_RELATIONS} AND n.nspname = $1 AND c.relname = $2`,
        [schema, table],
    );
    const found = relation.rows[0];
    if (!found) return undefined;
    const { oid, ...summary } = found;

    const columns = await client.query<TableDescription['columns'][number]>(
        `SELECT a.attname AS name,
                format_type(a.atttypid, a.atttypmod) AS type,
                NOT a.attnotnull AS nullable,
                CASE
                    WHEN a.attidentity = 'a' THEN 'GENERATED ALWAYS AS IDENTITY'
                    WHEN a.attidentity = 'd' THEN 'GENERATED BY DEFAULT AS IDENTITY'
                    WHEN a.attgenerated = 's' THEN 'GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                    ELSE pg_get_expr(d.adbin, d.adrelid)
                END AS default,
                col_description(a.attrelid, a.attnum) AS comment
           FROM pg_catalog.pg_attribute a
           LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
        [oid],
    );

    // Constraint and index column lists keep their declared order (WITH ORDINALITY).
    const constraints = await client.query<{
        type: 'p' | 'f';
        name: string;
        columns: string[];
        referencedSchema: string | null;
        referencedTable: string | null;
        referencedColumns: string[];
    }>(
        `SELECT con.contype AS type,
                con.conname AS name,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                       ORDER BY k.ord) AS columns,
                fn.nspname AS "referencedSchema",
                fc.relname AS "referencedTable",
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                       ORDER BY k.ord) AS "referencedColumns"
           FROM pg_catalog.pg_constraint con
           LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
           LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
          WHERE con.conrelid = $1 AND con.contype IN ('p', 'f')
          ORDER BY con.conname`,
        [oid],
    );

    const indexes = await client.query<TableDescription['indexes'][number]>(
        `SELECT i.relname AS name,
                ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                        FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS columns,
                x.indisunique AS unique,
                x.indisprimary AS primary,
                pg_get_indexdef(x.indexrelid) AS definition
           FROM pg_catalog.pg_index x
           JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
          WHERE x.indrelid = $1
          ORDER BY i.relname`,
        [oid],
    );

    return {
        ...summary,
        columns: columns.rows,
        primaryKey: constraints.rows.find((con) => con.type === 'p')?.columns ?? [],
        foreignKeys: constraints.rows
            .filter((con) => con.type === 'f')
            .map(({ name, columns: fkColumns, referencedSchema, referencedTable, referencedColumns }) => ({
                name,
                columns: fkColumns,
                referencedSchema: referencedSchema ?? '',
                referencedTable: referencedTable ?? '',
                referencedColumns,
            })),
        indexes: indexes.rows,
    };
}

/** Describes one table or view; undefined if it does not exist or the role cannot read it. */
export async function describeTable(table: string, schema = 'public'): Promise<TableDescription | undefined> {
    return withReadOnlyTransaction((client) => describeWith(client, { schema, table }));
}

/** Describes several tables in one transaction; entries are undefined for tables not found. */
export async function describeTables(refs: TableRef[]): Promise<(TableDescription | undefined)[]> {
    return withReadOnlyTransaction(async (client) => {
        const descriptions: (TableDescription | undefined)[] = [];
        for (const ref of refs) descriptions.push(await describeWith(client, ref));
        return descriptions;
    });
}

/** Completion must never fail the request: on any error, log to stderr and offer nothing. */
async function completeSafely(what: string, run: () => Promise<string[]>): Promise<string[]> {
    try {
        return await run();
    } catch (err) {
        console.error(`[postgres] cannot complete ${what}: ${errorMessage(err)}`);
        return [];
    }
}

/** Readable table names starting with `prefix`, in `schema` if given, else across all schemas. */
export function completeTableNames(prefix: string, schema?: string): Promise<string[]> {
    return completeSafely('table names', async () => {
        const { rows } = await withReadOnlyTransaction((client) =>
            client.query<{ name: string }>(
                `SELECT DISTINCT c.relname AS name ${READABLE_RELATIONS}
               AND starts_with(c.relname, $1) AND ($2::text IS NULL OR n.nspname = $2)
             ORDER BY 1 LIMIT $3`,
                [prefix, schema || null, MAX_COMPLETIONS],
            ),
        );
        return rows.map((row) => row.name);
    });
}

/** Schemas starting with `prefix` that hold at least one readable table. */
export function completeSchemaNames(prefix: string): Promise<string[]> {
    return completeSafely('schema names', async () => {
        const { rows } = await withReadOnlyTransaction((client) =>
            client.query<{ name: string }>(
                `SELECT DISTINCT n.nspname AS name ${READABLE_RELATIONS} AND starts_with(n.nspname, $1) ORDER BY 1 LIMIT $2`,
                [prefix, MAX_COMPLETIONS],
            ),
        );
        return rows.map((row) => row.name);
    });
}

// ---------------------------------------------------------------------------------------------------------------------
// Schema text for prompts

/** PostgreSQL's reserved key words: identifiers spelled like these must be double-quoted in SQL. */
const RESERVED_WORDS = new Set(
    (
        'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation ' +
        'column concurrently constraint create cross current_catalog current_date current_role current_schema ' +
        'current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch ' +
        'for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral ' +
        'leading left like limit localtime localtimestamp natural not notnull null offset on only or order outer ' +
        'overlaps placing primary references returning right select session_user similar some symmetric table ' +
        'tablesample then to trailing true union unique user using variadic verbose when where window with'
    ).split(' '),
);

/** Quotes an identifier the way SQL needs it (bare when lower-case and not reserved). */
function quoteIdent(name: string): string {
    return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED_WORDS.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

const sqlComment = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Renders a table description as compact DDL-like text that models read well. */
export function formatTableSchema(table: TableDescription): string {
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
    return lines.join('\n');
}
