import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

import { describeTables, errorMessage, formatTableSchema, listTables, type TableRef } from '../systems/postgres.js';

/** Limits on the embedded schema, so the prompt stays a sane size. */
const MAX_TABLES = 50;
const MAX_SCHEMA_CHARS = 40_000;

/** Parses "orders, sales.customers" into refs; names without a schema are in "public". */
function parseTables(list: string): TableRef[] {
    return list
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => {
            const dot = item.indexOf('.');
            return dot === -1 ? { schema: 'public', table: item } : { schema: item.slice(0, dot), table: item.slice(dot + 1) };
        });
}

/** The live schema text of the requested tables, or of all readable tables within the limits. */
async function schemaText(tables: string | undefined): Promise<string> {
    const requested = parseTables(tables ?? '');
    const candidates = requested.length > 0 ? requested : (await listTables()).tables.map((t) => ({ schema: t.schema, table: t.name }));
    const refs = candidates.slice(0, MAX_TABLES);
    const omitted = candidates.slice(MAX_TABLES).map((ref) => `${ref.schema}.${ref.table}`);

    const descriptions = await describeTables(refs);
    const parts: string[] = [];
    let size = 0;
    refs.forEach((ref, i) => {
        const description = descriptions[i];
        if (!description) {
            parts.push(`-- ${ref.schema}.${ref.table}: not found, or the database role cannot read it`);
            return;
        }
        const text = formatTableSchema(description);
        if (size + text.length > MAX_SCHEMA_CHARS) {
            omitted.push(`${ref.schema}.${ref.table}`);
            return;
        }
        parts.push(text);
        size += text.length;
    });
    if (parts.length === 0) parts.push('-- (no readable tables)');
    if (omitted.length > 0) {
        parts.push(`-- ${omitted.length} more tables not shown (use describe_table for them): ${omitted.join(', ')}`);
    }
    return parts.join('\n\n');
}

async function questionPromptText(question: string, tables: string | undefined): Promise<string> {
    let schema: string;
    try {
        schema = await schemaText(tables);
    } catch (err) {
        return (
            `Answer this question from the PostgreSQL database: ${question}\n\n` +
            `The live schema could not be read: ${errorMessage(err)}\n\n` +
            'The `query`, `list_tables` and `describe_table` tools fail the same way until DATABASE_URL points to a ' +
            'reachable database. Tell the user what is wrong and how to fix DATABASE_URL; do not guess the schema or the answer.'
        );
    }
    return [
        'Answer this question from the PostgreSQL database:',
        '',
        question,
        '',
        'Live schema (read from the database just now):',
        '```sql',
        schema,
        '```',
        '',
        'Write ONE read-only SQL statement (SELECT or WITH … SELECT) that answers the question, using only the tables',
        'and columns above and joining along the foreign keys. Run it with the `query` tool: it accepts exactly one',
        'statement, runs it in a read-only transaction and returns at most PG_MAX_ROWS rows (`truncated: true` means',
        'there were more), so aggregate in SQL rather than fetching raw rows. If it returns an error, fix the SQL and',
        'try again. Finally answer the question in plain language, state any assumptions, and show the SQL you ran.',
    ].join('\n');
}

/** `question_to_sql`: turn a natural-language question into one read-only query, with the live schema embedded. */
export function registerQuestionToSqlPrompt(server: McpServer): void {
    server.registerPrompt(
        'question_to_sql',
        {
            title: 'Question to SQL',
            description: 'Answer a question about the data with one read-only SQL query; embeds the live schema',
            argsSchema: z.object({
                question: z.string().min(1).describe('The question to answer, in plain language'),
                tables: z
                    .string()
                    .optional()
                    .describe(`Comma-separated tables to include, e.g. "orders, sales.customers" (default: all, up to ${MAX_TABLES})`),
            }),
        },
        async ({ question, tables }) => ({
            messages: [{ role: 'user', content: { type: 'text', text: await questionPromptText(question, tables) } }],
        }),
    );
}
