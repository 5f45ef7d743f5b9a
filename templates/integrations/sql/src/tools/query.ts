import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { databases, itemName, toolAnswer } from '../systems/databases.js';
import { QueryResultSchema } from '../systems/sql.js';

/** `query` (`postgres_query`, … beside other databases): one read-only SQL statement, its answer capped in rows and bytes. */
export function registerQueryTools(catalog: Catalog): void {
    for (const db of databases) {
        const { maxRows, maxResultBytes, statementTimeoutMs } = db.limits();
        catalog.registerTool(
            itemName(db, 'query'),
            {
                title: `Run a read-only ${db.label} query`,
                description:
                    `Run exactly one read-only SQL statement (SELECT, WITH … SELECT, EXPLAIN, …) against the ${db.label} database ` +
                    `and return its rows. It runs read-only with a ${statementTimeoutMs} ms statement timeout; anything but a ` +
                    `query is refused. At most ${maxRows} rows and ${maxResultBytes} bytes come back, long values cut to their ` +
                    'share: `truncated` is true and `note` says what was left out, so aggregate or add LIMIT/WHERE instead of ' +
                    `paging through raw rows. Use ${itemName(db, 'list_tables')} and ${itemName(db, 'describe_table')} to learn the schema first.`,
                inputSchema: z.object({
                    sql: z
                        .string()
                        .min(1)
                        .max(100_000)
                        .describe('Exactly one read-only SQL statement, with literal values inlined (no parameters)'),
                }),
                outputSchema: QueryResultSchema,
                annotations: { readOnlyHint: true, openWorldHint: false },
            },
            ({ sql }) => toolAnswer(db, () => db.query(sql)),
        );
    }
}
