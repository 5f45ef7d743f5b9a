/**
 * The SQL systems' shared template folder as the plan sees it: one module per item serves every SQL
 * system (registered once, with all their names), each system brings its driver, and the names carry
 * the system's prefix when there are several; the dependencies each brings.
 */
import { describe, expect, it } from 'vitest';
import { renderWith } from '../../src/commands/generate.js';
import { plan } from '../../src/core/plan.js';
import { type RawSpec, validateSpec } from '../../src/core/spec.js';
import { loadTemplates } from '../../src/render/templates.js';

const templates = await loadTemplates();
const templateNames = [...templates.files.keys()];
const spec = (raw: RawSpec) => validateSpec(raw, { name: 'demo', description: 'Demo' });
const planFor = (raw: RawSpec) => plan(spec(raw), templateNames);
const sourcePaths = (raw: RawSpec) =>
    planFor(raw)
        .files.map((f) => f.path)
        .filter((p) => p.startsWith('src/') || p.startsWith('test/'));

describe('SQL systems in the plan', () => {
    it('one system: plain names, the shared modules, its own driver and test', () => {
        expect(sourcePaths({ systems: ['mysql'], transports: ['stdio'] })).toEqual([
            'src/catalog.ts',
            'src/index.ts',
            'src/prompts/explore_table.ts',
            'src/prompts/question_to_sql.ts',
            'src/resources/table_schema.ts',
            'src/server.ts',
            'src/systems/databases.ts',
            'src/systems/mysql.ts',
            'src/systems/sql.ts',
            'src/tools/describe_table.ts',
            'src/tools/list_tables.ts',
            'src/tools/query.ts',
            'test/connect.ts',
            'test/mysql.test.ts',
            'test/server.test.ts',
        ]);
        const { registrations } = planFor({ systems: ['mysql'] }).view;
        expect(registrations.find((r) => r.fn === 'registerQueryTools')).toMatchObject({ name: 'query', names: ['query'] });
    });

    it('several systems: one module per item registers every name once; only the drivers are per system', () => {
        const files = sourcePaths({ systems: ['postgres', 'sqlite'] });
        expect(files.filter((f) => f.startsWith('src/tools/'))).toEqual(['src/tools/describe_table.ts', 'src/tools/list_tables.ts', 'src/tools/query.ts']);
        expect(files.filter((f) => f.startsWith('src/systems/'))).toEqual([
            'src/systems/databases.ts',
            'src/systems/postgres.ts',
            'src/systems/sql.ts',
            'src/systems/sqlite.ts',
        ]);
        const { view } = planFor({ systems: ['postgres', 'sqlite'] });
        expect(view.registrations.filter((r) => r.kind === 'prompt')).toEqual([
            expect.objectContaining({ fn: 'registerExploreTablePrompts', names: ['postgres_explore_table', 'sqlite_explore_table'] }),
            expect.objectContaining({ fn: 'registerQuestionToSqlPrompts', names: ['postgres_question_to_sql', 'sqlite_question_to_sql'] }),
        ]);
        expect(view.allToolNamesLiteral).toContain("'sqlite_query'");
        expect(view.views.sqlite).toMatchObject({ prefix: 'sqlite_', names: { query: 'sqlite_query' }, maxRows: 100 });
    });

    it('lists the databases once, sorted imports first, in registration order', () => {
        const files = renderWith(spec({ systems: [{ type: 'sqlite' }, { type: 'postgres' }, { type: 'mysql', maxRows: 7 }] }), templates);
        const text = (path: string) => files.find((f) => f.path === path)!.contents;
        const databases = text('src/systems/databases.ts');
        expect(databases).toContain('export const databases: readonly SqlDriver[] = [postgres, mysql, sqlite];');
        expect(databases.indexOf("from './mysql.js'")).toBeLessThan(databases.indexOf("from './postgres.js'"));
        expect(text('src/systems/mysql.ts')).toContain("limitsFromEnv('MYSQL', { maxRows: 7, maxResultBytes: 1_000_000, statementTimeoutMs: 5_000 })");
        expect(text('src/server.ts').match(/registerQueryTools\(catalog\);/g)).toHaveLength(1);
        const readme = text('README.md');
        expect(readme).toContain('## PostgreSQL');
        expect(readme).toContain('## MySQL/MariaDB');
        expect(readme).toContain('| `MYSQL_MAX_ROWS` | `7` |');
        expect(readme).toContain('carry the prefix `mysql_`');
    });

    it('refuses a spec item that would take the file of a shared module', () => {
        expect(() => spec({ systems: ['postgres', 'mysql'], tools: [{ name: 'query', description: 'x' }] })).toThrow(
            /tool "query" would share a file name \(ignoring case\) with the file src\/tools\/query\.ts/,
        );
        expect(() => spec({ systems: ['postgres', 'mysql'], tools: [{ name: 'mysql_query', description: 'x' }] })).toThrow(
            /tool "mysql_query" is already defined at "mysql_query" \(systems \(mysql\)\)/,
        );
    });

    it('brings each driver its dependencies and no other', () => {
        const deps = (raw: RawSpec) => {
            const file = planFor(raw).files.find((f) => f.path === 'package.json')!;
            return Object.keys((JSON.parse('text' in file ? file.text : '') as { dependencies: Record<string, string> }).dependencies);
        };
        expect(deps({ systems: ['mysql'], transports: ['stdio'] })).toEqual(['@modelcontextprotocol/server', 'mysql2', 'zod']);
        expect(deps({ systems: ['sqlite'], transports: ['stdio'] })).toEqual(['@modelcontextprotocol/server', 'sql.js', 'zod']);
        expect(deps({ systems: ['filesystem'], transports: ['stdio'] })).toEqual(['@modelcontextprotocol/server', 'zod']);
    });
});
