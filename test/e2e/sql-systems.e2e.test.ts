/**
 * `--with mysql,sqlite,filesystem` end to end: one generated server holds the three systems (so the SQL
 * names carry their prefix), its own tests run against the real things (none skipped), and the built
 * server, spawned over stdio as a client would, passes the shared SQL attack suite for MariaDB
 * (TEST_MYSQL_URL, started by .ci/start-mariadb.sh) and for a SQLite file made here, and refuses every
 * escape out of its filesystem root.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/run.js';
import { connectStdio, generateProject, npmRun } from './harness.js';
import { sqlAttackSuite, textOf } from './sql-attacks.js';

const exec = promisify(execFile);
const mysqlUrl = process.env.TEST_MYSQL_URL;
if (!mysqlUrl) {
    if (process.env.CI) throw new Error('TEST_MYSQL_URL must be set in CI: .ci/run starts MariaDB for these tests');
    console.warn('MySQL/MariaDB end-to-end tests skipped: set TEST_MYSQL_URL (see .ci/start-mariadb.sh)');
}

const suffix = `${process.pid}`;
const MAX_RESULT_BYTES = 200_000;
const database = `e2e_${suffix}`;
const user = `e2e_ro_${suffix}`;
const work = tempDir('cms-e2e-sql-');
const outfile = join(work, 'outfile.txt');
const sqliteFile = join(work, 'app.db');
const fsRoot = join(work, 'root');

/** Runs SQL as the MariaDB admin with the command-line client; returns the tab-separated result. */
async function mariadb(sql: string): Promise<string> {
    const url = new URL(mysqlUrl!);
    const { stdout } = await exec('mariadb', [
        '--protocol=tcp',
        '-h',
        url.hostname,
        '-P',
        url.port,
        '-u',
        decodeURIComponent(url.username),
        '-N',
        '-B',
        '-e',
        sql,
    ]);
    return stdout.trim();
}

describe('--with mysql,sqlite,filesystem, against the real things', () => {
    let dir: string;

    beforeAll(async () => {
        dir = await generateProject('sys', ['--with', 'mysql,sqlite,filesystem', '--transport', 'stdio']);
        await npmRun(dir, 'build');
    }, 300_000);

    it('runs the generated tests, none skipped', async () => {
        const output = await npmRun(dir, 'test', mysqlUrl ? { TEST_MYSQL_URL: mysqlUrl } : {});
        expect(output).toMatch(/Tests\s+\d+ passed/);
        if (mysqlUrl) expect(output).not.toMatch(/skipped/);
    }, 300_000);

    describe.skipIf(!mysqlUrl)('MariaDB', () => {
        let client: Client;
        const state = () =>
            mariadb(
                `SELECT concat_ws(':', (SELECT count(*) FROM ${database}.items), (SELECT sha2(group_concat(id, name ORDER BY id), 256) FROM ${database}.items),
                        (SELECT group_concat(TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${database}'), @@GLOBAL.max_connections)`,
            );

        beforeAll(async () => {
            await mariadb(`DROP DATABASE IF EXISTS ${database}; DROP USER IF EXISTS '${user}'@'127.0.0.1';
                CREATE DATABASE ${database};
                CREATE TABLE ${database}.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE = InnoDB;
                INSERT INTO ${database}.items (name) WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 500) SELECT concat('item ', n) FROM g;
                CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'e2e-pw';
                GRANT SELECT ON ${database}.* TO '${user}'@'127.0.0.1';`);
            const url = new URL(mysqlUrl!);
            url.username = user;
            url.password = 'e2e-pw';
            url.pathname = `/${database}`;
            // One pooled connection: every call runs on the same session, so whatever a call left there would show.
            client = await connectStdio(dir, 'auto', {
                MYSQL_URL: url.href,
                MYSQL_MAX_ROWS: '50',
                MYSQL_MAX_RESULT_BYTES: String(MAX_RESULT_BYTES),
                MYSQL_STATEMENT_TIMEOUT_MS: '1000',
                MYSQL_POOL_SIZE: '1',
            });
        }, 60_000);

        afterAll(async () => {
            await client?.close();
            await mariadb(`DROP DATABASE IF EXISTS ${database}; DROP USER IF EXISTS '${user}'@'127.0.0.1';`);
        });

        it('lists, describes and queries with the prefixed names', async () => {
            const { tools } = await client.listTools();
            expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['mysql_query', 'mysql_list_tables', 'mysql_describe_table', 'sqlite_query']));
            expect(textOf(await client.callTool({ name: 'mysql_list_tables', arguments: { schema: database } }))).toContain('items');
            const described = await client.callTool({ name: 'mysql_describe_table', arguments: { table: `${database}.items` } });
            expect(described.structuredContent).toMatchObject({ primaryKey: ['id'] });
        });

        sqlAttackSuite(
            () => ({
                client: () => client,
                query: 'mysql_query',
                state,
                files: [outfile],
                longQuery: `SELECT count(*) FROM ${database}.items a, ${database}.items b, ${database}.items c, ${database}.items d`,
                timeoutMessage: /max_statement_time|maximum statement execution time|ran longer than/i,
                manyRows: `SELECT id FROM ${database}.items`,
                maxRows: 50,
                privileged: () => connectStdio(dir, 'auto', { MYSQL_URL: mysqlUrl! }),
                huge: [
                    "SELECT REPEAT('x', 16000000) AS big",
                    `SELECT ${Array.from({ length: 100 }, (_, i) => `REPEAT('w', 2000000) AS c${i}`).join(', ')}`,
                    `SELECT a.id, REPEAT('y', 100000) AS filler FROM ${database}.items a, ${database}.items b`,
                    "SELECT UNHEX(REPEAT('ab', 8000000)) AS raw",
                ],
                maxResultBytes: MAX_RESULT_BYTES,
                session: {
                    leave: [
                        "SELECT GET_LOCK('e2e_lock', 0)",
                        'SELECT @e2e := 42',
                        "SET SESSION sql_mode = 'ANSI'",
                        'CREATE TEMPORARY TABLE e2e (id INT)',
                        "PREPARE e2e FROM 'SELECT 1'",
                        'USE mysql',
                    ],
                    inspect: "SELECT @e2e AS variable, IS_USED_LOCK('e2e_lock') AS holder, @@SESSION.sql_mode LIKE '%ANSI_QUOTES%' AS ansi, DATABASE() AS db",
                    clean: { variable: null, holder: null, ansi: 0, db: database },
                    locksFree: async () => (await mariadb("SELECT IS_FREE_LOCK('e2e_lock')")) === '1',
                },
            }),
            [
                ['INSERT', `INSERT INTO ${database}.items (name) VALUES ('x')`],
                ['UPDATE', `UPDATE ${database}.items SET name = 'x'`],
                ['DELETE', `DELETE FROM ${database}.items`],
                ['DDL', `DROP TABLE ${database}.items`],
                ['several statements', `SELECT 1; DELETE FROM ${database}.items`],
                ['a file write', `SELECT * FROM ${database}.items INTO OUTFILE '${outfile}'`],
                ['a file load', `LOAD DATA INFILE '/etc/hostname' INTO TABLE ${database}.items (name)`],
                ['a global setting', 'SET GLOBAL max_connections = 7'],
                ['a table lock', `LOCK TABLES ${database}.items WRITE`],
                ['a server shutdown', 'SHUTDOWN'],
            ],
        );
    });

    describe('SQLite', () => {
        let client: Client;
        const state = async () => {
            const bytes = readFileSync(sqliteFile);
            return `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
        };

        beforeAll(async () => {
            // The generated project's own sql.js writes the fixture file.
            const initSqlJs = createRequire(join(dir, 'package.json'))('sql.js') as (
                options?: object,
            ) => Promise<{ Database: new () => { run(sql: string): void; export(): Uint8Array } }>;
            const SQL = await initSqlJs();
            const db = new SQL.Database();
            db.run(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 500) INSERT INTO items (name) SELECT 'item ' || n FROM g;`);
            writeFileSync(sqliteFile, db.export());
            client = await connectStdio(dir, 'auto', {
                SQLITE_PATH: sqliteFile,
                SQLITE_MAX_ROWS: '50',
                SQLITE_MAX_RESULT_BYTES: String(MAX_RESULT_BYTES),
                SQLITE_STATEMENT_TIMEOUT_MS: '1000',
            });
        });

        afterAll(async () => {
            await client?.close();
        });

        sqlAttackSuite(
            () => ({
                client: () => client,
                query: 'sqlite_query',
                state,
                files: [join(work, 'copy.db')],
                longQuery: 'WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g) SELECT count(*) FROM g',
                timeoutMessage: /ran longer than 1000 ms/,
                manyRows: 'SELECT id FROM items',
                maxRows: 50,
                huge: [
                    "SELECT printf('%.*c', 100000000, 'x') AS big",
                    'SELECT randomblob(1000000000) AS raw',
                    `SELECT ${Array.from({ length: 100 }, (_, i) => `zeroblob(1000000) AS c${i}`).join(', ')}`,
                    "SELECT a.id, printf('%.*c', 100000, 'y') AS filler FROM items a, items b",
                ],
                maxResultBytes: MAX_RESULT_BYTES,
            }),
            [
                ['INSERT', "INSERT INTO items (name) VALUES ('x')"],
                ['UPDATE', "UPDATE items SET name = 'x'"],
                ['DELETE', 'DELETE FROM items'],
                ['DDL', 'DROP TABLE items'],
                ['several statements', 'SELECT 1; DELETE FROM items'],
                ['a file write', `VACUUM INTO '${join(work, 'copy.db')}'`],
                ['a file read', `ATTACH '${sqliteFile}' AS other`],
                ['a global setting', 'PRAGMA writable_schema = 1'],
                ['extension loading', "SELECT load_extension('/tmp/x')"],
                ['a lock', 'BEGIN EXCLUSIVE'],
            ],
            false,
        );
    });

    describe('filesystem', () => {
        let client: Client;

        beforeAll(async () => {
            mkdirSync(join(fsRoot, 'docs'), { recursive: true });
            writeFileSync(join(fsRoot, 'docs', 'a.md'), '# A\n');
            writeFileSync(join(work, 'secret.txt'), 'top secret');
            symlinkSync(join(work, 'secret.txt'), join(fsRoot, 'out.txt'));
            symlinkSync(work, join(fsRoot, 'up'));
            execFileSync('mkfifo', [join(fsRoot, 'fifo')]);
            client = await connectStdio(dir, 'auto', { FS_ROOT: fsRoot });
        });

        afterAll(async () => {
            await client?.close();
        });

        it('reads, lists and searches inside the root', async () => {
            expect(textOf(await client.callTool({ name: 'read_file', arguments: { path: 'docs/a.md' } }))).toBe('# A\n');
            expect(textOf(await client.callTool({ name: 'list_directory', arguments: { path: 'docs' } }))).toContain('a.md');
            const found = await client.callTool({ name: 'search_files', arguments: { pattern: '*.md' } });
            expect(found.structuredContent).toMatchObject({ matches: [{ path: 'docs/a.md' }] });
            const { contents } = await client.readResource({ uri: 'fs:///docs/a.md' });
            expect('text' in contents[0]! ? contents[0].text : '').toBe('# A\n');
        });

        it.each([
            ['read_file', { path: '../secret.txt' }],
            ['read_file', { path: 'docs/../../secret.txt' }],
            ['read_file', { path: join(work, 'secret.txt') }],
            ['read_file', { path: 'out.txt' }],
            ['read_file', { path: 'up/secret.txt' }],
            ['read_file', { path: 'fifo' }],
            ['read_file', { path: '/dev/zero' }],
            ['read_file', { path: 'docs/a.md\0' }],
            ['list_directory', { path: 'up' }],
            ['search_files', { pattern: 'secret', path: 'up' }],
        ])('refuses %s %j', async (name, args) => {
            const result = await client.callTool({ name, arguments: args });
            expect(result.isError).toBe(true);
            expect(textOf(result)).not.toContain('top secret');
        });
    });
});
