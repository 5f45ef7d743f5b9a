import { completable, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

import { completeSchemaNames, completeTableNames, describeTable, errorMessage, formatTableSchema } from '../systems/postgres.js';

/** The prompt body: the live schema (or why it is missing) plus an exploration plan for the `query` tool. */
async function explorePromptText(table: string, schema: string): Promise<string> {
    let schemaText: string;
    try {
        const description = await describeTable(table, schema);
        if (!description) {
            return (
                `The table ${schema}.${table} was not found, or the database role cannot read it. ` +
                'Call the `list_tables` tool, pick one of the tables it returns, and explore that one instead.'
            );
        }
        schemaText = formatTableSchema(description);
    } catch (err) {
        return (
            `Explore the PostgreSQL table ${schema}.${table}. Its live schema could not be read: ${errorMessage(err)}\n\n` +
            'The `query`, `list_tables` and `describe_table` tools fail the same way until DATABASE_URL points to a ' +
            'reachable database. Tell the user what is wrong and how to fix DATABASE_URL; do not guess the schema.'
        );
    }
    return [
        `Explore the PostgreSQL table ${schema}.${table} and explain what its data says.`,
        '',
        'Live schema (read from the database just now):',
        '```sql',
        schemaText,
        '```',
        '',
        'Use the `query` tool. Each call takes exactly one read-only SQL statement and returns at most PG_MAX_ROWS rows',
        '(`truncated: true` means there were more), so let the database aggregate:',
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

/** `explore_table`: a data-profiling plan for one table, with its live schema embedded. */
export function registerExploreTablePrompt(server: McpServer): void {
    server.registerPrompt(
        'explore_table',
        {
            title: 'Explore a table',
            description: 'Profile one PostgreSQL table with read-only queries; embeds the live table schema',
            argsSchema: z.object({
                table: completable(z.string().min(1).describe('Table or view name'), (value, context) =>
                    completeTableNames(value, context?.arguments?.schema),
                ),
                schema: completable(z.string().min(1).describe('Schema name (default "public")'), (value) =>
                    completeSchemaNames(value),
                ).optional(),
            }),
        },
        async ({ table, schema }) => ({
            messages: [{ role: 'user', content: { type: 'text', text: await explorePromptText(table, schema ?? 'public') } }],
        }),
    );
}
