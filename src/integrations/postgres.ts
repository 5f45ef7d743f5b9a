/** PostgreSQL: read-only SQL, schema introspection, table schemas as resources, analysis prompts. */
import type { Integration } from './types.js';

export const postgres: Integration = {
    id: 'postgres',
    kind: 'system',
    label: 'PostgreSQL',
    description: 'read-only SQL query tool, table schemas as resources, data-analysis prompts (node-postgres)',
    dependencies: ['pg', 'pg-cursor'],
    devDependencies: ['@types/pg', '@types/pg-cursor'],
    options: {
        maxRows: { type: 'integer', description: 'Most rows the query tool returns', default: 100, min: 1, max: 10_000 },
        statementTimeoutMs: { type: 'integer', description: 'Statement timeout of the query tool, in milliseconds', default: 5_000, min: 1, max: 600_000 },
    },
    env: [
        {
            name: 'DATABASE_URL',
            description: 'PostgreSQL connection string of a least-privilege, read-only role',
            example: 'postgres://mcp_readonly:change-me@127.0.0.1:5432/app',
            required: true,
            secret: true,
        },
        {
            name: 'PG_MAX_ROWS',
            description: 'Most rows the query tool returns (the rest is cut off and flagged truncated); overrides the generated default',
            example: '100',
            required: false,
            secret: false,
        },
        {
            name: 'PG_STATEMENT_TIMEOUT_MS',
            description: 'Statement timeout of the query tool, in milliseconds; overrides the generated default',
            example: '5000',
            required: false,
            secret: false,
        },
    ],
    readmeSection: 'README.section.md',
    items: [
        { kind: 'tool', name: 'query', module: 'tools/query', register: 'registerQueryTool' },
        { kind: 'tool', name: 'list_tables', module: 'tools/list_tables', register: 'registerListTablesTool' },
        { kind: 'tool', name: 'describe_table', module: 'tools/describe_table', register: 'registerDescribeTableTool' },
        { kind: 'resource', name: 'table_schema', module: 'resources/table_schema', register: 'registerTableSchemaResource' },
        { kind: 'prompt', name: 'explore_table', module: 'prompts/explore_table', register: 'registerExploreTablePrompt' },
        { kind: 'prompt', name: 'question_to_sql', module: 'prompts/question_to_sql', register: 'registerQuestionToSqlPrompt' },
    ],
    testEnv: 'TEST_DATABASE_URL',
};
