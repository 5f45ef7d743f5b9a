/** MySQL and MariaDB: the SQL contract (./sql.ts) over mysql2. */
import { sqlSystem } from './sql.js';

export const mysql = sqlSystem({
    id: 'mysql',
    label: 'MySQL/MariaDB',
    description: 'read-only SQL query tool, table schemas as resources, data-analysis prompts for MySQL or MariaDB (mysql2)',
    dependencies: ['mysql2'],
    target: {
        name: 'MYSQL_URL',
        description: 'MySQL/MariaDB connection URL of a SELECT-only account',
        example: 'mysql://mcp_readonly:change-me@127.0.0.1:3306/app',
        required: true,
        secret: true,
    },
    envPrefix: 'MYSQL',
    pooled: true,
    schemaWord: 'database',
    defaultSchema: 'the database in MYSQL_URL',
    testEnv: 'TEST_MYSQL_URL',
});
