/**
 * What the SQL systems of this server share: the shapes their tools return, reading settings from the
 * environment, JSON-safe values, the DDL-like text the prompts embed, and the messages for a database
 * that went away. Each system's driver (`./postgres.ts`, `./mysql.ts`, `./sqlite.ts`) implements the rest.
 */
import * as z from 'zod';

/** Upper bound for list_tables, the resource list and completions. */
export const MAX_LISTED_TABLES = 1_000;
export const MAX_COMPLETIONS = 100;

export const QueryResultSchema = z.object({
    columns: z.array(z.string()).describe('Column names, in result order'),
    rows: z.array(z.record(z.string(), z.unknown())).describe('Rows as objects keyed by column name'),
    rowCount: z.number().int().describe('Number of rows returned'),
    truncated: z.boolean().describe('True when the statement produced more rows than the row cap'),
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
    schema?: string;
    table: string;
}

/** Splits "schema.table" when no schema is given separately; a lone name keeps the driver's default schema. */
export function tableRef(table: string, schema?: string): TableRef {
    if (schema !== undefined) return { schema, table };
    const dot = table.indexOf('.');
    return dot > 0 && dot < table.length - 1 ? { schema: table.slice(0, dot), table: table.slice(dot + 1) } : { table };
}

export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

const warnedSettings = new Set<string>();

/** Reads a positive integer setting; anything else falls back to the default (with one warning per bad value). */
export function intSetting(name: string, fallback: number, max: number): number {
    const raw = process.env[name]?.trim();
    if (!raw) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (value >= 1 && value <= max) return value;
    if (!warnedSettings.has(`${name}=${raw}`)) {
        warnedSettings.add(`${name}=${raw}`);
        console.error(`ignoring ${name}=${JSON.stringify(raw)}: expected an integer from 1 to ${max}; using ${fallback}`);
    }
    return fallback;
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
export function poolExhausted(variable: string, size: number, waitedMs: number): Error {
    return new Error(
        `All ${size} connections to the database in ${variable} stayed busy for ${waitedMs / 1000} s (the pool is exhausted): ` +
            'other calls are still running. Retry shortly, or make queries cheaper.',
    );
}

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
    return lines.join('\n');
}
