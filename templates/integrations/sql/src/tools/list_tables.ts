import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { databases, itemName, toolAnswer } from '../systems/databases.js';
import { fitTables, TableListSchema } from '../systems/sql.js';

/** `list_tables` (`postgres_list_tables`, …): the tables and views each database's account can read. */
export function registerListTablesTools(catalog: Catalog): void {
    for (const db of databases) {
        catalog.registerTool(
            itemName(db, 'list_tables'),
            {
                title: `List ${db.label} tables`,
                description:
                    `List the tables and views of the ${db.label} database that this server can read, with their ` +
                    `${db.schemaWord}, kind, estimated row count and comment. Without \`schema\`, lists every ${db.schemaWord}.`,
                inputSchema: z.object({
                    schema: z.string().min(1).max(128).optional().describe(`Only list this ${db.schemaWord}, e.g. "${db.defaultSchema}"`),
                }),
                outputSchema: TableListSchema,
                annotations: { readOnlyHint: true, openWorldHint: false },
            },
            ({ schema }) =>
                toolAnswer(db, async () => {
                    const { tables, truncated } = await db.listTables(schema);
                    return fitTables(tables, truncated, db.limits());
                }),
        );
    }
}
