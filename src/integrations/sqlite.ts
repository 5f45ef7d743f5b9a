/** SQLite: the SQL contract (./sql.ts) over sql.js (SQLite compiled to WebAssembly), in a worker thread. */
import { sqlSystem } from './sql.js';

export const sqlite = sqlSystem({
    id: 'sqlite',
    label: 'SQLite',
    description: 'read-only SQL query tool over a SQLite file, table schemas as resources, data-analysis prompts (sql.js)',
    dependencies: ['sql.js'],
    devDependencies: ['@types/sql.js'],
    target: {
        name: 'SQLITE_PATH',
        description: 'Path of the SQLite database file (opened read-only)',
        example: './data/app.db',
        required: true,
        secret: false,
    },
    envPrefix: 'SQLITE',
    pooled: false,
    schemaWord: 'schema',
    defaultSchema: 'main',
});
