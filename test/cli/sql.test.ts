/**
 * The SQL systems and the filesystem, as the built binary writes them: one SQL system keeps the plain
 * item names, several prefix theirs; the generation-time options are what the code, the tool
 * descriptions, the README, .env.example and server.json say.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './run.js';

const noSteps = ['--no-install', '--no-git'];

async function generate(args: string[]): Promise<string> {
    const cwd = tempDir();
    const result = await run(['p', '--yes', ...noSteps, ...args], { cwd });
    expect(result.code, result.stderr).toBe(0);
    return join(cwd, 'p');
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('SQL systems', () => {
    it.each(['postgres', 'mysql', 'sqlite'])('--with %s alone keeps the plain names', async (id) => {
        const dir = await generate(['--with', id]);
        expect(readdirSync(join(dir, 'src/tools')).sort()).toEqual(['describe_table.ts', 'list_tables.ts', 'query.ts']);
        expect(readdirSync(join(dir, 'src/prompts')).sort()).toEqual(['explore_table.ts', 'question_to_sql.ts']);
        expect(read(dir, 'src/tools/query.ts')).toContain("'query',");
        expect(read(dir, 'src/resources/table_schema.ts')).toContain(`'${id}://tables/{schema}/{table}'`);
        expect(read(dir, 'README.md')).not.toContain('carry the prefix');
    });

    it('several SQL systems prefix their names, and the README says so', async () => {
        const dir = await generate(['--with', 'postgres,mysql,sqlite,filesystem']);
        const tools = readdirSync(join(dir, 'src/tools')).sort();
        for (const id of ['postgres', 'mysql', 'sqlite']) {
            expect(tools).toEqual(expect.arrayContaining([`${id}_query.ts`, `${id}_list_tables.ts`, `${id}_describe_table.ts`]));
            expect(read(dir, `src/tools/${id}_query.ts`)).toContain(`'${id}_query',`);
            expect(read(dir, 'src/server.ts')).toContain(`register${id[0]!.toUpperCase()}${id.slice(1)}QueryTool(catalog);`);
            expect(read(dir, 'README.md')).toContain(`carry the prefix \`${id}_\``);
        }
        // The filesystem tools have names of their own, and one shared module serves the SQL drivers.
        expect(tools).toEqual(expect.arrayContaining(['list_directory.ts', 'read_file.ts', 'search_files.ts']));
        expect(readdirSync(join(dir, 'src/systems')).sort()).toEqual(['filesystem.ts', 'mysql.ts', 'postgres.ts', 'sql.ts', 'sqlite.ts']);
    });

    it('writes the generation-time options everywhere they are said', async () => {
        const cwd = tempDir();
        const spec = 'systems:\n  - { type: mysql, maxRows: 25, statementTimeoutMs: 1500 }\n  - { type: filesystem, maxReadBytes: 4096 }\n';
        writeFileSync(join(cwd, 'db.yaml'), spec);
        const result = await run(['p', '--yes', ...noSteps, '--spec', 'db.yaml'], { cwd });
        expect(result.code, result.stderr).toBe(0);
        const dir = join(cwd, 'p');
        expect(read(dir, 'src/systems/mysql.ts')).toContain('const DEFAULT_MAX_ROWS = 25;');
        expect(read(dir, 'src/systems/mysql.ts')).toContain('const DEFAULT_STATEMENT_TIMEOUT_MS = 1500;');
        expect(read(dir, 'src/tools/query.ts')).toContain('At most 25 rows');
        expect(read(dir, 'src/systems/filesystem.ts')).toContain('const DEFAULT_MAX_READ_BYTES = 4096;');
        expect(read(dir, 'README.md')).toContain('| `MYSQL_MAX_ROWS` | `25` |');
        // Optional settings are commented out, with the generated values: copying .env.example changes nothing.
        expect(read(dir, '.env.example')).toMatch(/^# MYSQL_MAX_ROWS=25$/m);
        expect(read(dir, '.env.example')).toMatch(/^# MYSQL_STATEMENT_TIMEOUT_MS=1500$/m);
        expect(read(dir, '.env.example')).toMatch(/^# FS_MAX_READ_BYTES=4096$/m);
        const server = JSON.parse(read(dir, 'server.json')) as { packages: { environmentVariables: { name: string; placeholder?: string }[] }[] };
        const variables = server.packages[0]!.environmentVariables;
        expect(variables.find((v) => v.name === 'MYSQL_MAX_ROWS')?.placeholder).toBe('25');
        expect(variables.find((v) => v.name === 'MYSQL_STATEMENT_TIMEOUT_MS')?.placeholder).toBe('1500');
    });
});
