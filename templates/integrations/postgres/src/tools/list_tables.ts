import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

import { describeError, listTables, TableSummarySchema } from '../systems/postgres.js';

/** `list_tables`: the tables and views the DATABASE_URL role can read. */
export function registerListTablesTool(server: McpServer): void {
    server.registerTool(
        'list_tables',
        {
            title: 'List tables',
            description:
                'List the tables and views the database role can read, with their schema, kind, estimated row count ' +
                'and comment. Without `schema`, lists every non-system schema.',
            inputSchema: z.object({
                schema: z.string().min(1).max(63).optional().describe('Only list this schema, e.g. "public"'),
            }),
            outputSchema: z.object({
                tables: z.array(TableSummarySchema),
                truncated: z.boolean().describe('True when there were more tables than the listing limit (1000)'),
            }),
            annotations: { readOnlyHint: true, openWorldHint: false },
        },
        async ({ schema }) => {
            try {
                const result = await listTables(schema);
                return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
            } catch (err) {
                return { content: [{ type: 'text', text: describeError(err) }], isError: true };
            }
        },
    );
}
