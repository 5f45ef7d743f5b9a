import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

import { describeError, QueryResultSchema, runReadOnlyQuery } from '../systems/postgres.js';

/** `query`: runs one read-only SQL statement against DATABASE_URL and returns the (capped) rows. */
export function registerQueryTool(server: McpServer): void {
    server.registerTool(
        'query',
        {
            title: 'Run a read-only SQL query',
            description:
                'Run exactly one read-only SQL statement (SELECT, WITH … SELECT, EXPLAIN, SHOW, …) against the ' +
                'PostgreSQL database and return its rows. It runs in a READ ONLY transaction with a statement ' +
                'timeout and is always rolled back; multiple statements are rejected. At most PG_MAX_ROWS rows ' +
                '(default 100) come back: `truncated` is true when there were more, so aggregate or add LIMIT/WHERE ' +
                'instead of paging through raw rows. Use list_tables and describe_table to learn the schema first.',
            inputSchema: z.object({
                sql: z
                    .string()
                    .min(1)
                    .max(100_000)
                    .describe('Exactly one read-only SQL statement, with literal values inlined (no $1 parameters)'),
            }),
            outputSchema: QueryResultSchema,
            annotations: { readOnlyHint: true, openWorldHint: false },
        },
        async ({ sql }) => {
            try {
                const result = await runReadOnlyQuery(sql);
                return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
            } catch (err) {
                return { content: [{ type: 'text', text: describeError(err) }], isError: true };
            }
        },
    );
}
