import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { databases, describeOne, itemName, toolAnswer } from '../systems/databases.js';
import { TableDescriptionSchema } from '../systems/sql.js';

/** `describe_table` (`postgres_describe_table`, …): columns, primary key, foreign keys and indexes of one table or view. */
export function registerDescribeTableTools(catalog: Catalog): void {
    for (const db of databases) {
        catalog.registerTool(
            itemName(db, 'describe_table'),
            {
                title: `Describe a ${db.label} table`,
                description:
                    `Describe a table or view of the ${db.label} database: columns with types, nullability and defaults, ` +
                    'the primary key, foreign keys (for joins) and indexes.',
                inputSchema: z.object({
                    table: z
                        .string()
                        .min(1)
                        .max(256)
                        .describe(`Table or view name, unquoted and case-sensitive, e.g. "orders"; "${db.schemaWord}.table" also works`),
                    schema: z.string().min(1).max(128).optional().describe(`Name of the ${db.schemaWord} (default: ${db.defaultSchema})`),
                }),
                outputSchema: TableDescriptionSchema,
                annotations: { readOnlyHint: true, openWorldHint: false },
            },
            ({ table, schema }) => toolAnswer(db, () => describeOne(db, table, schema)),
        );
    }
}
