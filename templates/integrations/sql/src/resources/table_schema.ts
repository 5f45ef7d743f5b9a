import { ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';

import type { Catalog } from '../catalog.js';
import { databases, itemName } from '../systems/databases.js';
import { completeSafely, errorMessage, fitDescription, type SqlDriver } from '../systems/sql.js';

/** The URI of a table's schema; both names are percent-encoded (encodeURIComponent). */
export function tableSchemaUri(db: SqlDriver, schema: string, table: string): string {
    return `${db.id}://tables/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;
}

function decodeName(value: string | string[]): string | undefined {
    try {
        return decodeURIComponent(String(value));
    } catch {
        return undefined;
    }
}

/** `<id>://tables/{schema}/{table}`: the live description of each readable table or view of each database, as JSON. */
export function registerTableSchemaResources(catalog: Catalog): void {
    for (const db of databases) {
        catalog.registerResource(
            itemName(db, 'table_schema'),
            new ResourceTemplate(`${db.id}://tables/{schema}/{table}`, {
                // resources/list merges every template's list: an unreachable database yields no tables, not a failure.
                list: async () => {
                    try {
                        const { tables } = await db.listTables();
                        return {
                            resources: tables.map((table) => ({
                                uri: tableSchemaUri(db, table.schema, table.name),
                                name: `${table.schema}.${table.name}`,
                                description: table.comment?.slice(0, 200) || `Schema of the ${table.kind} ${table.schema}.${table.name}`,
                                mimeType: 'application/json',
                            })),
                        };
                    } catch (err) {
                        console.error(`[${db.id}] resources/list: cannot list tables: ${errorMessage(err)}`);
                        return { resources: [] };
                    }
                },
                complete: {
                    schema: (value) => completeSafely(`${db.schemaWord} names`, () => db.schemaNames(value)),
                    table: (value, context) => completeSafely('table names', () => db.tableNames(value, context?.arguments?.schema)),
                },
            }),
            {
                title: `${db.label} table schema`,
                description: 'Columns, primary key, foreign keys and indexes of a table or view, read live from the database',
                mimeType: 'application/json',
            },
            async (uri, variables) => {
                const schema = decodeName(variables.schema);
                const table = decodeName(variables.table);
                const [description] = schema && table ? await db.describeTables([{ schema, table }]) : [];
                if (!description) throw new ResourceNotFoundError(uri.href);
                const text = JSON.stringify(fitDescription(description, db.limits()), null, 2);
                return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
            },
        );
    }
}
