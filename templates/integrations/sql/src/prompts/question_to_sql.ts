import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { databases, itemName, schemaUnreadable } from '../systems/databases.js';
import { formatTableSchema, MAX_SCHEMA_CHARS, type SqlDriver, type TableRef, tableRef } from '../systems/sql.js';

/** The most tables whose schema the prompt embeds (and MAX_SCHEMA_CHARS of text), so it stays a sane size. */
const MAX_TABLES = 50;

/** `question_to_sql` (`postgres_question_to_sql`, …): turn a question into one read-only query, with the live schema embedded. */
export function registerQuestionToSqlPrompts(catalog: Catalog): void {
    for (const db of databases) {
        const tables = z
            .string()
            .optional()
            .describe(
                `Comma-separated tables to include, e.g. "orders, customers" or "${db.schemaWord}.table" (default: all, up to ${MAX_TABLES})`,
            );
        catalog.registerPrompt(
            itemName(db, 'question_to_sql'),
            {
                title: `Question to ${db.label} SQL`,
                description:
                    `Answer a question about the ${db.label} data with one read-only SQL query. Embeds the live schema of the ` +
                    'tables it names, or of every readable table within a size limit',
                argsSchema: z.object({ question: z.string().min(1).describe('The question to answer, in plain language'), tables }),
            },
            async ({ question, tables }) => ({
                messages: [{ role: 'user', content: { type: 'text', text: await questionPromptText(db, question, tables) } }],
            }),
        );
    }
}

const label = (ref: TableRef): string => (ref.schema === undefined ? ref.table : `${ref.schema}.${ref.table}`);

/** The live schema text of the requested tables ("orders, sales.customers"), or of all readable tables within the limits. */
async function schemaText(db: SqlDriver, tables: string | undefined): Promise<string> {
    const requested = (tables ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => tableRef(item));
    const candidates: TableRef[] =
        requested.length > 0 ? requested : (await db.listTables()).tables.map((t) => ({ schema: t.schema, table: t.name }));
    const refs = candidates.slice(0, MAX_TABLES);
    const omitted = candidates.slice(MAX_TABLES).map(label);

    const descriptions = await db.describeTables(refs);
    const parts: string[] = [];
    let size = 0;
    refs.forEach((ref, i) => {
        const description = descriptions[i];
        if (!description) {
            parts.push(`-- ${label(ref)}: not found, or this server cannot read it`);
            return;
        }
        const text = formatTableSchema(description, db.quoteIdent);
        if (size + text.length > MAX_SCHEMA_CHARS) {
            omitted.push(label(ref));
            return;
        }
        parts.push(text);
        size += text.length;
    });
    if (parts.length === 0) parts.push('-- (no readable tables)');
    if (omitted.length > 0) {
        const names = omitted.slice(0, MAX_TABLES).join(', ');
        parts.push(`-- ${omitted.length} more tables not shown (use ${itemName(db, 'describe_table')} for them): ${names}`);
    }
    return parts.join('\n\n');
}

async function questionPromptText(db: SqlDriver, question: string, tables: string | undefined): Promise<string> {
    let schema: string;
    try {
        schema = await schemaText(db, tables);
    } catch (err) {
        return schemaUnreadable(db, `Answer this question from the ${db.label} database: ${question}`, err);
    }
    return [
        `Answer this question from the ${db.label} database:`,
        '',
        question,
        '',
        'Live schema (read from the database just now):',
        '```sql',
        schema,
        '```',
        '',
        `Write ONE read-only ${db.dialect} statement (SELECT or WITH … SELECT) that answers the question, using only the tables`,
        `and columns above and joining along the foreign keys. Run it with the \`${itemName(db, 'query')}\` tool: it accepts exactly one`,
        `statement, runs it read-only and returns at most ${db.limits().maxRows} rows (\`truncated: true\` means`,
        'there were more), so aggregate in SQL rather than fetching raw rows. If it returns an error, fix the SQL and',
        'try again. Finally answer the question in plain language, state any assumptions, and show the SQL you ran.',
    ].join('\n');
}
