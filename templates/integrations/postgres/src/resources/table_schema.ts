import { McpServer, ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';

import { completeSchemaNames, completeTableNames, describeTable, errorMessage, listTables } from '../systems/postgres.js';

/** Resource URI template; both variables are percent-encoded (encodeURIComponent) table and schema names. */
export const TABLE_SCHEMA_URI_TEMPLATE = 'postgres://tables/{schema}/{table}';

export function tableSchemaUri(schema: string, table: string): string {
    return `postgres://tables/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;
}

function decodeName(value: string | string[]): string | undefined {
    try {
        return decodeURIComponent(String(value));
    } catch {
        return undefined;
    }
}

/** `postgres://tables/{schema}/{table}`: the live description of each readable table or view, as JSON. */
export function registerTableSchemaResource(server: McpServer): void {
    server.registerResource(
        'table_schema',
        new ResourceTemplate(TABLE_SCHEMA_URI_TEMPLATE, {
            // resources/list merges every template's list: an unreachable database yields no tables, not a failure.
            list: async () => {
                try {
                    const { tables } = await listTables();
                    return {
                        resources: tables.map((table) => ({
                            uri: tableSchemaUri(table.schema, table.name),
                            name: `${table.schema}.${table.name}`,
                            description: table.comment ?? `Schema of the ${table.kind} ${table.schema}.${table.name}`,
                            mimeType: 'application/json',
                        })),
                    };
                } catch (err) {
                    console.error(`[postgres] resources/list: cannot list tables: ${errorMessage(err)}`);
                    return { resources: [] };
                }
            },
            complete: {
                schema: (value) => completeSchemaNames(value),
                table: (value, context) => completeTableNames(value, context?.arguments?.schema),
            },
        }),
        {
            title: 'PostgreSQL table schema',
            description: 'Columns, primary key, foreign keys and indexes of a table or view, read live from the database',
            mimeType: 'application/json',
        },
        async (uri, variables) => {
            const schema = decodeName(variables.schema);
            const table = decodeName(variables.table);
            const description = schema && table ? await describeTable(table, schema) : undefined;
            if (!description) throw new ResourceNotFoundError(uri.href);
            return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(description, null, 2) }] };
        },
    );
}
