/**
 * The SQL systems and the filesystem, as the built binary writes them: one SQL system keeps the plain
 * item names, several prefix theirs, and one module per item serves them all; the generation-time
 * options are what the code, the README, .env.example and server.json say.
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
const ITEM_FILES = { tools: ['describe_table.ts', 'list_tables.ts', 'query.ts'], prompts: ['explore_table.ts', 'question_to_sql.ts'] };

describe('SQL systems', () => {
    it.each(['postgres', 'mysql', 'sqlite'])('--with %s alone keeps the plain names', async (id) => {
        const dir = await generate(['--with', id]);
        expect(readdirSync(join(dir, 'src/tools')).sort()).toEqual(ITEM_FILES.tools);
        expect(readdirSync(join(dir, 'src/prompts')).sort()).toEqual(ITEM_FILES.prompts);
        expect(read(dir, 'src/systems/databases.ts')).toContain(`export const databases: readonly SqlDriver[] = [${id}];`);
        expect(read(dir, `src/systems/${id}.ts`)).toContain('} satisfies SqlDriver;');
        expect(read(dir, 'README.md')).not.toContain('carry the prefix');
    });

    it('several SQL systems share one module per item, prefix their names, and the README says so', async () => {
        const dir = await generate(['--with', 'postgres,mysql,sqlite,filesystem']);
        // The filesystem tools have names of their own; the SQL ones are one module each for the three databases.
        expect(readdirSync(join(dir, 'src/tools')).sort()).toEqual([
            'describe_table.ts',
            'list_directory.ts',
            'list_tables.ts',
            'query.ts',
            'read_file.ts',
            'search_files.ts',
        ]);
        expect(readdirSync(join(dir, 'src/prompts')).sort()).toEqual(ITEM_FILES.prompts);
        expect(readdirSync(join(dir, 'src/systems')).sort()).toEqual(['databases.ts', 'filesystem.ts', 'mysql.ts', 'postgres.ts', 'sql.ts', 'sqlite.ts']);
        expect(read(dir, 'src/systems/databases.ts')).toContain('export const databases: readonly SqlDriver[] = [postgres, mysql, sqlite];');
        expect(read(dir, 'src/server.ts').match(/registerQueryTools\(catalog\);/g)).toHaveLength(1);
        for (const id of ['postgres', 'mysql', 'sqlite']) {
            expect(read(dir, 'README.md')).toContain(`carry the prefix \`${id}_\``);
            expect(read(dir, 'README.md')).toContain(`\`${id}_query\``);
            // What the tools, resource and prompts use, and what a shutdown or readiness check calls.
            expect(read(dir, `src/systems/${id}.ts`)).toMatch(/export (async )?function ping\(\)/);
            expect(read(dir, `src/systems/${id}.ts`)).toMatch(/export (async )?function close\(\)/);
        }
    });

    it('writes the generation-time options everywhere they are said', async () => {
        const cwd = tempDir();
        const spec =
            'systems:\n  - { type: mysql, maxRows: 25, maxResultBytes: 50000, statementTimeoutMs: 1500 }\n  - { type: filesystem, maxReadBytes: 4096 }\n';
        writeFileSync(join(cwd, 'db.yaml'), spec);
        const result = await run(['p', '--yes', ...noSteps, '--spec', 'db.yaml'], { cwd });
        expect(result.code, result.stderr).toBe(0);
        const dir = join(cwd, 'p');
        expect(read(dir, 'src/systems/mysql.ts')).toContain("limitsFromEnv('MYSQL', { maxRows: 25, maxResultBytes: 50_000, statementTimeoutMs: 1_500 })");
        expect(read(dir, 'src/systems/filesystem.ts')).toContain('const DEFAULT_MAX_READ_BYTES = 4096;');
        expect(read(dir, 'README.md')).toContain('| `MYSQL_MAX_ROWS` | `25` |');
        expect(read(dir, 'README.md')).toContain('| `MYSQL_MAX_RESULT_BYTES` | `50000` |');
        // Optional settings are commented out, with the generated values: copying .env.example changes nothing.
        expect(read(dir, '.env.example')).toMatch(/^# MYSQL_MAX_ROWS=25$/m);
        expect(read(dir, '.env.example')).toMatch(/^# MYSQL_MAX_RESULT_BYTES=50000$/m);
        expect(read(dir, '.env.example')).toMatch(/^# MYSQL_STATEMENT_TIMEOUT_MS=1500$/m);
        expect(read(dir, '.env.example')).toMatch(/^# MYSQL_POOL_SIZE=5$/m);
        expect(read(dir, '.env.example')).toMatch(/^# FS_MAX_READ_BYTES=4096$/m);
        const server = JSON.parse(read(dir, 'server.json')) as { packages: { environmentVariables: { name: string; placeholder?: string }[] }[] };
        const variables = server.packages[0]!.environmentVariables;
        expect(variables.find((v) => v.name === 'MYSQL_MAX_ROWS')?.placeholder).toBe('25');
        expect(variables.find((v) => v.name === 'MYSQL_MAX_RESULT_BYTES')?.placeholder).toBe('50000');
        expect(variables.find((v) => v.name === 'MYSQL_STATEMENT_TIMEOUT_MS')?.placeholder).toBe('1500');
    });

    it('refuses a byte cap out of range, naming the field', async () => {
        const cwd = tempDir();
        writeFileSync(join(cwd, 'db.yaml'), 'systems:\n  - { type: postgres, maxResultBytes: 10 }\n');
        const result = await run(['p', '--yes', ...noSteps, '--spec', 'db.yaml'], { cwd });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/systems\[0\]\.maxResultBytes: .*1000/);
    });
});
