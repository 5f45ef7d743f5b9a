/**
 * The SQL systems (PostgreSQL, MySQL/MariaDB, SQLite) share one contract: the tools `query`,
 * `list_tables` and `describe_table`, the table-schema resource template, the prompts `explore_table`
 * and `question_to_sql`, and the README section are written once in `templates/integrations/sql/`,
 * and each system brings a driver (`src/systems/<id>.ts`, from its own folder) that implements them.
 *
 * One SQL system keeps the plain names; several prefix every name with the system's id
 * (`postgres_query`, `mysql_query`), so they can sit side by side in one server.
 */
import { pascalCase } from '../shared/names.js';
import type { ContributedItem, EnvVar, Integration, IntegrationContext, IntegrationOption } from './types.js';

/** Ids of the integrations that implement the SQL contract. */
export const SQL_IDS = ['postgres', 'mysql', 'sqlite'] as const;

/** The shared template folder of the SQL systems. */
export const SQL_TEMPLATES = 'integrations/sql/';

/** The options every SQL system has, with the same defaults. */
export const SQL_OPTIONS: Record<string, IntegrationOption> = {
    maxRows: { type: 'integer', description: 'Most rows the query tool returns', default: 100, min: 1, max: 10_000 },
    statementTimeoutMs: { type: 'integer', description: 'Statement timeout of the query tool, in milliseconds', default: 5_000, min: 1, max: 600_000 },
};

/** What a SQL driver declares; the rest of its integration is the shared contract. */
export interface SqlDriver {
    id: (typeof SQL_IDS)[number];
    label: string;
    description: string;
    dependencies: Integration['dependencies'];
    devDependencies?: Integration['devDependencies'];
    /** The variable holding the connection URL or file path. */
    target: EnvVar;
    /** Prefix of the run-time overrides: `<prefix>_MAX_ROWS`, `<prefix>_STATEMENT_TIMEOUT_MS`. */
    envPrefix: string;
    /** What a schema is called here, and what is used when none is given (for descriptions). */
    schemaWord: string;
    defaultSchema: string;
    /** The SQL dialect, for the prompts: "PostgreSQL", "MySQL/MariaDB", "SQLite". */
    dialect: string;
    testEnv?: string;
}

const ITEMS = [
    { kind: 'tool', name: 'query', module: 'tools/', fn: 'Tool' },
    { kind: 'tool', name: 'list_tables', module: 'tools/', fn: 'Tool' },
    { kind: 'tool', name: 'describe_table', module: 'tools/', fn: 'Tool' },
    { kind: 'resource', name: 'table_schema', module: 'resources/', fn: 'Resource' },
    { kind: 'prompt', name: 'explore_table', module: 'prompts/', fn: 'Prompt' },
    { kind: 'prompt', name: 'question_to_sql', module: 'prompts/', fn: 'Prompt' },
] as const;

/** The item-name prefix of a SQL system: none when it is the project's only one. */
export function sqlPrefix(id: string, active: ReadonlySet<string>): string {
    return SQL_IDS.filter((other) => active.has(other)).length > 1 ? `${id}_` : '';
}

/** A SQL system: the driver's own declaration plus the shared contract. */
export function sqlSystem(driver: SqlDriver): Integration {
    const env = (ctx: IntegrationContext): EnvVar[] => [
        driver.target,
        {
            name: `${driver.envPrefix}_MAX_ROWS`,
            description: 'Most rows the query tool returns (the rest is cut off and flagged truncated); overrides the generated default',
            example: String(ctx.options.maxRows),
            // The value chosen at generation: .env.example, the README and server.json give it.
            default: String(ctx.options.maxRows),
            required: false,
            secret: false,
        },
        {
            name: `${driver.envPrefix}_STATEMENT_TIMEOUT_MS`,
            description: 'Statement timeout of the query tool, in milliseconds; overrides the generated default',
            example: String(ctx.options.statementTimeoutMs),
            default: String(ctx.options.statementTimeoutMs),
            required: false,
            secret: false,
        },
    ];
    return {
        id: driver.id,
        kind: 'system',
        label: driver.label,
        description: driver.description,
        dependencies: driver.dependencies,
        devDependencies: driver.devDependencies,
        options: SQL_OPTIONS,
        env,
        readme: { exposes: 'README.section.md.hbs' },
        sharedTemplates: SQL_TEMPLATES,
        // The driver exports ping() (one round trip on its pool) and close() (ends the pool).
        lifecycle: { name: driver.label, module: `systems/${driver.id}`, ping: true, close: true },
        items: (ctx): ContributedItem[] => {
            const prefix = sqlPrefix(driver.id, ctx.active);
            return ITEMS.map((item) => ({
                kind: item.kind,
                name: prefix + item.name,
                module: item.module + prefix + item.name,
                register: `register${pascalCase(prefix + item.name)}${item.fn}`,
            }));
        },
        view: (ctx) => {
            const prefix = sqlPrefix(driver.id, ctx.active);
            const names = Object.fromEntries(ITEMS.map((item) => [item.name, prefix + item.name]));
            return {
                id: driver.id,
                label: driver.label,
                dialect: driver.dialect,
                prefix,
                several: prefix !== '',
                names,
                // As TypeScript, one name a line (ids and item names are plain identifiers).
                namesLiteral: `{\n${Object.entries(names)
                    .map(([key, name]) => `    ${key}: '${name}',`)
                    .join('\n')}\n}`,
                fns: Object.fromEntries(ITEMS.map((item) => [item.name, `register${pascalCase(prefix + item.name)}${item.fn}`])),
                targetEnv: driver.target.name,
                maxRowsEnv: `${driver.envPrefix}_MAX_ROWS`,
                timeoutEnv: `${driver.envPrefix}_STATEMENT_TIMEOUT_MS`,
                schemaWord: driver.schemaWord,
                schemaLabel: driver.schemaWord[0]!.toUpperCase() + driver.schemaWord.slice(1),
                defaultSchema: driver.defaultSchema,
                uriTemplate: `${driver.id}://tables/{schema}/{table}`,
                maxRows: ctx.options.maxRows,
                statementTimeoutMs: ctx.options.statementTimeoutMs,
                testEnv: driver.testEnv ?? '',
            };
        },
        testEnv: driver.testEnv,
    };
}
