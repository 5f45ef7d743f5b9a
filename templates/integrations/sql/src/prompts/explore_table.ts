import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { databases, describeOne, itemName, schemaUnreadable, TableNotFound } from '../systems/databases.js';
import { completeSafely, formatTableSchema, MAX_SCHEMA_CHARS, type SqlDriver, tableRef } from '../systems/sql.js';

/** `explore_table` (`postgres_explore_table`, …): a data-profiling plan for one table, with its live schema embedded. */
export function registerExploreTablePrompts(catalog: Catalog): void {
    for (const db of databases) {
        catalog.registerPrompt(
            itemName(db, 'explore_table'),
            {
                title: `Explore a ${db.label} table`,
                description: `Profile one ${db.label} table with read-only queries; embeds the live table schema`,
                argsSchema: z.object({
                    table: z.string().min(1).describe('Table or view name'),
                    schema: z.string().min(1).describe(`Name of the ${db.schemaWord} (default: ${db.defaultSchema})`).optional(),
                }),
                complete: {
                    table: (value, context) => completeSafely('table names', () => db.tableNames(value, context?.arguments?.schema)),
                    schema: (value) => completeSafely(`${db.schemaWord} names`, () => db.schemaNames(value)),
                },
            },
            async ({ table, schema }) => ({
                messages: [{ role: 'user', content: { type: 'text', text: await explorePromptText(db, table, schema) } }],
            }),
        );
    }
}

/** The prompt body: the live schema (or why it is missing) plus an exploration plan for the query tool. */
async function explorePromptText(db: SqlDriver, table: string, schema: string | undefined): Promise<string> {
    const ref = tableRef(table, schema);
    const name = ref.schema === undefined ? ref.table : `${ref.schema}.${ref.table}`;
    let schemaText: string;
    try {
        schemaText = formatTableSchema(await describeOne(db, table, schema), db.quoteIdent).slice(0, MAX_SCHEMA_CHARS);
    } catch (err) {
        if (!(err instanceof TableNotFound)) return schemaUnreadable(db, `Explore the ${db.label} table ${name}.`, err);
        return (
            `The table ${name} was not found, or this server cannot read it. ` +
            `Call the \`${itemName(db, 'list_tables')}\` tool, pick one of the tables it returns, and explore that one instead.`
        );
    }
    const { maxRows } = db.limits();
    return [
        `Explore the ${db.label} table ${name} and explain what its data says.`,
        '',
        'Live schema (read from the database just now):',
        '```sql',
        schemaText,
        '```',
        '',
        `Use the \`${itemName(db, 'query')}\` tool (${db.dialect} SQL). Each call takes exactly one read-only SQL statement and returns at most`,
        `${maxRows} rows (\`truncated: true\` means there were more, or long values were cut), so let the database aggregate:`,
        '1. Count the rows exactly (the estimate above can be stale).',
        '2. Look at a sample of about 10 rows.',
        '3. Profile the important columns: NULL counts, distinct counts, min/max for numbers and dates, and the most',
        '   common values of low-cardinality columns.',
        '4. Follow the foreign keys: join to the referenced tables to see what rows point at.',
        '',
        'Then write a short report: what one row represents, how the columns relate, data-quality issues (NULLs,',
        'duplicates, outliers, orphans), and three to five questions this table can answer, each with its SQL.',
    ].join('\n');
}
