/**
 * The SQL systems (PostgreSQL, MySQL/MariaDB, SQLite) share one contract: the tools `query`,
 * `list_tables` and `describe_table`, the table-schema resource template, the prompts `explore_table`
 * and `question_to_sql`, and the README section are written once in `templates/integrations/sql/`.
 * Each system brings a driver (`src/systems/<id>.ts`, from its own folder) that implements the typed
 * interface of `src/systems/sql.ts`; one module per item serves every configured database.
 *
 * One SQL system keeps the plain names; several prefix every name with the system's id
 * (`postgres_query`, `mysql_query`), so they can sit side by side in one server.
 */
import type { ContributedItem, EnvVar, Integration, IntegrationContext, IntegrationOption } from './types.js';

/** Ids of the integrations that implement the SQL contract, in the order a server registers them. */
export const SQL_IDS = ['postgres', 'mysql', 'sqlite'] as const;

/** The shared template folder of the SQL systems. */
export const SQL_TEMPLATES = 'integrations/sql/';

/** The options every SQL system has, with the same defaults. */
export const SQL_OPTIONS: Record<string, IntegrationOption> = {
    maxRows: { type: 'integer', description: 'Most rows the query tool returns', default: 100, min: 1, max: 10_000 },
    maxResultBytes: {
        type: 'integer',
        description: 'Most bytes of one answer (its JSON); long values are cut inside the database',
        default: 1_000_000,
        min: 1_000,
        max: 100_000_000,
        // A setting to tune rarely (MAX_RESULT_BYTES at run time): the wizard does not ask it.
        ask: false,
    },
    statementTimeoutMs: { type: 'integer', description: 'Statement timeout of the query tool, in milliseconds', default: 5_000, min: 1, max: 600_000 },
};

/** Connections each process keeps per pooled database, unless `<prefix>_POOL_SIZE` says otherwise. */
const POOL_SIZE = 5;

/** What a SQL system declares; the rest of its integration is the shared contract. */
export interface SqlSystemDeclaration {
    id: (typeof SQL_IDS)[number];
    label: string;
    description: string;
    dependencies: Integration['dependencies'];
    devDependencies?: Integration['devDependencies'];
    /** The variable holding the connection URL or file path. */
    target: EnvVar;
    /** Prefix of the run-time overrides: `<prefix>_MAX_ROWS`, `<prefix>_STATEMENT_TIMEOUT_MS`, … */
    envPrefix: string;
    /** A server-side database reached through a pool of connections (not a file read in-process). */
    pooled: boolean;
    /** What a schema is called here, and what is used when none is given (for descriptions). */
    schemaWord: string;
    defaultSchema: string;
    testEnv?: string;
}

/** The items every SQL system has, each served for all of them by one module (`src/tools/query.ts`, …). */
const ITEMS = [
    { kind: 'tool', name: 'query', module: 'tools/query', register: 'registerQueryTools' },
    { kind: 'tool', name: 'list_tables', module: 'tools/list_tables', register: 'registerListTablesTools' },
    { kind: 'tool', name: 'describe_table', module: 'tools/describe_table', register: 'registerDescribeTableTools' },
    { kind: 'resource', name: 'table_schema', module: 'resources/table_schema', register: 'registerTableSchemaResources' },
    { kind: 'prompt', name: 'explore_table', module: 'prompts/explore_table', register: 'registerExploreTablePrompts' },
    { kind: 'prompt', name: 'question_to_sql', module: 'prompts/question_to_sql', register: 'registerQuestionToSqlPrompts' },
] as const;

/** The active SQL systems, in registration order. */
export function activeSqlIds(active: ReadonlySet<string>): string[] {
    return SQL_IDS.filter((id) => active.has(id));
}

/** The item-name prefix of a SQL system: none when it is the project's only one. */
export function sqlPrefix(id: string, active: ReadonlySet<string>): string {
    return activeSqlIds(active).length > 1 ? `${id}_` : '';
}

/** An integer as a TypeScript literal, its digits grouped by three (`1_000_000`). */
function numberLiteral(value: number): string {
    return String(value).replace(/\B(?=(\d{3})+$)/g, '_');
}

/** The imports of `src/systems/databases.ts`: each driver, and the shared module, sorted by path as Biome wants them. */
function databaseImports(ids: string[]): string[] {
    const imports: [string, string][] = [
        ...ids.map((id): [string, string] => [`./${id}.js`, `import { driver as ${id} } from './${id}.js';`]),
        ['./sql.js', "import { errorMessage, fitDescription, type SqlDriver, type TableDescription, tableRef } from './sql.js';"],
    ];
    return imports.sort(([a], [b]) => (a < b ? -1 : 1)).map(([, line]) => line);
}

/** A SQL system: the system's own declaration plus the shared contract. */
export function sqlSystem(system: SqlSystemDeclaration): Integration {
    const env = (ctx: IntegrationContext): EnvVar[] => {
        const setting = (suffix: string, description: string, value: number): EnvVar => ({
            name: `${system.envPrefix}_${suffix}`,
            description,
            example: String(value),
            // The value chosen at generation: .env.example, the README and server.json give it.
            default: String(value),
            required: false,
            secret: false,
        });
        return [
            system.target,
            setting(
                'MAX_ROWS',
                'Most rows the query tool returns (the rest is cut off and flagged truncated); overrides the generated default',
                ctx.options.maxRows as number,
            ),
            setting(
                'MAX_RESULT_BYTES',
                'Most bytes of one answer of the SQL tools (longer values are cut inside the database, and rows past it left out, with a note)',
                ctx.options.maxResultBytes as number,
            ),
            setting(
                'STATEMENT_TIMEOUT_MS',
                'Statement timeout of the query tool, in milliseconds; overrides the generated default',
                ctx.options.statementTimeoutMs as number,
            ),
            ...(system.pooled ? [setting('POOL_SIZE', 'Connections the server keeps open to the database (1-100)', POOL_SIZE)] : []),
        ];
    };
    return {
        id: system.id,
        kind: 'system',
        label: system.label,
        description: system.description,
        dependencies: system.dependencies,
        devDependencies: system.devDependencies,
        options: SQL_OPTIONS,
        env,
        readme: { exposes: 'README.section.md.hbs' },
        // Said once for the family, by its first system.
        layout: (ctx) =>
            activeSqlIds(ctx.active)[0] === system.id
                ? [['src/systems/sql.ts', 'the SQL driver interface and answer caps; databases.ts lists the SQL databases']]
                : [],
        sharedTemplates: SQL_TEMPLATES,
        // The driver exports ping() (one round trip on its pool) and close() (ends the pool).
        lifecycle: { name: system.label, module: `systems/${system.id}`, ping: true, close: true },
        // Every SQL system lists its items under one module each: the plan registers a module once,
        // with the names all of them bring.
        items: (ctx): ContributedItem[] => {
            const prefix = sqlPrefix(system.id, ctx.active);
            return ITEMS.map((item) => ({ kind: item.kind, name: item.name, module: item.module, register: item.register, names: [prefix + item.name] }));
        },
        view: (ctx) => {
            const prefix = sqlPrefix(system.id, ctx.active);
            return {
                id: system.id,
                label: system.label,
                prefix,
                several: prefix !== '',
                names: Object.fromEntries(ITEMS.map((item) => [item.name, prefix + item.name])),
                // Every SQL system of the project, for the module that lists them (src/systems/databases.ts).
                databases: activeSqlIds(ctx.active),
                databaseImports: databaseImports(activeSqlIds(ctx.active)),
                targetEnv: system.target.name,
                envPrefix: system.envPrefix,
                maxRowsEnv: `${system.envPrefix}_MAX_ROWS`,
                maxResultBytesEnv: `${system.envPrefix}_MAX_RESULT_BYTES`,
                timeoutEnv: `${system.envPrefix}_STATEMENT_TIMEOUT_MS`,
                poolSizeEnv: `${system.envPrefix}_POOL_SIZE`,
                poolSize: POOL_SIZE,
                schemaWord: system.schemaWord,
                defaultSchema: system.defaultSchema,
                uriTemplate: `${system.id}://tables/{schema}/{table}`,
                maxRows: ctx.options.maxRows,
                maxResultBytes: ctx.options.maxResultBytes,
                statementTimeoutMs: ctx.options.statementTimeoutMs,
                // The same as TypeScript numbers, digits grouped: 1_000_000.
                maxRowsLiteral: numberLiteral(ctx.options.maxRows as number),
                maxResultBytesLiteral: numberLiteral(ctx.options.maxResultBytes as number),
                statementTimeoutMsLiteral: numberLiteral(ctx.options.statementTimeoutMs as number),
                testEnv: system.testEnv ?? '',
            };
        },
        testEnv: system.testEnv,
    };
}
