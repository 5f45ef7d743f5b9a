import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

import { describeError, describeTable, TableDescriptionSchema } from '../systems/postgres.js';

/** `describe_table`: columns, primary key, foreign keys and indexes of one table or view. */
export function registerDescribeTableTool(server: McpServer): void {
    server.registerTool(
        'describe_table',
        {
            title: 'Describe a table',
            description:
                'Describe a table or view: columns with types, nullability and defaults, the primary key, foreign ' +
                'keys (for joins) and indexes.',
            inputSchema: z.object({
                table: z.string().min(1).max(63).describe('Table or view name, unquoted and case-sensitive, e.g. "orders"'),
                schema: z.string().min(1).max(63).optional().describe('Schema name (default "public")'),
            }),
            outputSchema: TableDescriptionSchema,
            annotations: { readOnlyHint: true, openWorldHint: false },
        },
        async ({ table, schema = 'public' }) => {
            try {
                const description = await describeTable(table, schema);
                if (!description) {
                    return {
                        content: [
                            {
                                type: 'text',
                                text:
                                    `Table ${schema}.${table} not found, or the database role cannot read it. ` +
                                    'Use list_tables to see the available tables.',
                            },
                        ],
                        isError: true,
                    };
                }
                return { content: [{ type: 'text', text: JSON.stringify(description) }], structuredContent: description };
            } catch (err) {
                return { content: [{ type: 'text', text: describeError(err) }], isError: true };
            }
        },
    );
}
