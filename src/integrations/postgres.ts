/** PostgreSQL: the SQL contract (./sql.ts) over node-postgres. */
import { sqlSystem } from './sql.js';

export const postgres = sqlSystem({
    id: 'postgres',
    label: 'PostgreSQL',
    description: 'read-only SQL query tool, table schemas as resources, data-analysis prompts (node-postgres)',
    dependencies: ['pg', 'pg-cursor'],
    devDependencies: ['@types/pg', '@types/pg-cursor'],
    target: {
        name: 'DATABASE_URL',
        description: 'PostgreSQL connection string of a least-privilege, read-only role',
        example: 'postgres://mcp_readonly:change-me@127.0.0.1:5432/app',
        required: true,
        secret: true,
    },
    envPrefix: 'PG',
    pooled: true,
    schemaWord: 'schema',
    defaultSchema: 'public',
    testEnv: 'TEST_DATABASE_URL',
});
