/**
 * The SQL systems' shared template folder as the plan sees it: rendered once per system with its own
 * `self`, `[key]` in paths filled from it, shared files planned once; and the dependencies each brings.
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
    it('one system: plain names, the shared module once, its own driver and test', () => {
        expect(sourcePaths({ systems: ['mysql'], transports: ['stdio'] })).toEqual([
            'src/catalog.ts',
            'src/index.ts',
            'src/prompts/explore_table.ts',
            'src/prompts/question_to_sql.ts',
            'src/resources/table_schema.ts',
            'src/server.ts',
            'src/systems/mysql.ts',
            'src/systems/sql.ts',
            'src/tools/describe_table.ts',
            'src/tools/list_tables.ts',
            'src/tools/query.ts',
            'test/connect.ts',
            'test/mysql.test.ts',
            'test/server.test.ts',
        ]);
        expect(planFor({ systems: ['mysql'] }).view.registrations.map((r) => r.fn)).toContain('registerQueryTool');
    });

    it('several systems: every name and file carries the system prefix; sql.ts is planned once', () => {
        const files = sourcePaths({ systems: ['postgres', 'sqlite'] });
        expect(files.filter((f) => f.startsWith('src/tools/'))).toEqual([
            'src/tools/postgres_describe_table.ts',
            'src/tools/postgres_list_tables.ts',
            'src/tools/postgres_query.ts',
            'src/tools/sqlite_describe_table.ts',
            'src/tools/sqlite_list_tables.ts',
            'src/tools/sqlite_query.ts',
        ]);
        expect(files.filter((f) => f === 'src/systems/sql.ts')).toHaveLength(1);
        const { view } = planFor({ systems: ['postgres', 'sqlite'] });
        expect(view.registrations.filter((r) => r.kind === 'prompt').map((r) => r.name)).toEqual([
            'postgres_explore_table',
            'postgres_question_to_sql',
            'sqlite_explore_table',
            'sqlite_question_to_sql',
        ]);
        expect(view.views.sqlite).toMatchObject({ prefix: 'sqlite_', names: { query: 'sqlite_query' }, maxRows: 100 });
    });

    it('renders each shared template with its own system, and one README section each', () => {
        const files = renderWith(spec({ systems: [{ type: 'postgres' }, { type: 'mysql', maxRows: 7 }] }), templates);
        const text = (path: string) => files.find((f) => f.path === path)!.contents;
        expect(text('src/tools/postgres_query.ts')).toContain("from '../systems/postgres.js'");
        expect(text('src/tools/mysql_query.ts')).toContain("from '../systems/mysql.js'");
        expect(text('src/tools/mysql_query.ts')).toContain('At most 7 rows');
        expect(text('src/tools/postgres_query.ts')).toContain('At most 100 rows');
        const readme = text('README.md');
        expect(readme).toContain('## PostgreSQL');
        expect(readme).toContain('## MySQL/MariaDB');
        expect(readme).toContain('| `MYSQL_MAX_ROWS` | `7` |');
        expect(readme).toContain('carry the prefix `mysql_`');
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
