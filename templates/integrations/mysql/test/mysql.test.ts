/**
 * MySQL/MariaDB tools, resource and prompts against a real server, through an MCP client.
 *
 * Needs TEST_MYSQL_URL: an account that may create databases and users (e.g. root of a throw-away server).
 * The suite creates a unique database with fixtures and a SELECT-only account, points MYSQL_URL at that
 * account, and drops both afterwards. Without TEST_MYSQL_URL it is skipped.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createServer } from '../src/server.js';
import { itemName } from '../src/systems/databases.js';
import { close, driver, ping } from '../src/systems/mysql.js';
import type { QueryResult, TableDescription, TableSummary } from '../src/systems/sql.js';

/** The names of the MySQL/MariaDB items in this server (prefixed when it has other databases too). */
const NAMES = {
    query: itemName(driver, 'query'),
    list_tables: itemName(driver, 'list_tables'),
    describe_table: itemName(driver, 'describe_table'),
    explore_table: itemName(driver, 'explore_table'),
    question_to_sql: itemName(driver, 'question_to_sql'),
};

const adminUrl = process.env.TEST_MYSQL_URL;
if (!adminUrl) {
    console.warn(
        'mysql tests skipped: set TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/mysql (an account that can create users) to run them',
    );
}

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

const textOf = (result: ToolResult): string => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

/** Sets (or, with undefined, removes) an environment variable while `run` runs. */
async function withEnv<T>(name: string, value: string | undefined, run: () => Promise<T>): Promise<T> {
    const previous = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    try {
        return await run();
    } finally {
        if (previous === undefined) delete process.env[name];
        else process.env[name] = previous;
    }
}

describe.skipIf(!adminUrl)('mysql system', () => {
    const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const database = `mcp_test_${suffix}`;
    const user = `mcp_ro_${suffix}`.slice(0, 32);
    const outfile = join(tmpdir(), `mcp-mysql-outfile-${suffix}.txt`);
    const password = randomBytes(12).toString('hex');
    let admin: mysql.Connection;
    let client: Client;
    let userUrl: URL;

    const callTool = (name: string, args: Record<string, unknown>): Promise<ToolResult> => client.callTool({ name, arguments: args });

    /** Everything an attack could change, read through the admin connection. */
    async function snapshot(): Promise<unknown> {
        const [rows] = await admin.query(
            `SELECT (SELECT count(*) FROM ${database}.customers) AS customers,
                    (SELECT sha2(group_concat(concat_ws(',', id, name, email) ORDER BY id SEPARATOR '|'), 256) FROM ${database}.customers) AS customers_sha,
                    (SELECT count(*) FROM ${database}.orders) AS orders,
                    (SELECT sha2(group_concat(concat_ws(',', id, customer_id, amount) ORDER BY id SEPARATOR '|'), 256) FROM ${database}.orders) AS orders_sha,
                    (SELECT group_concat(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?) AS tables,
                    @@GLOBAL.max_connections AS max_connections`,
            [database],
        );
        return rows;
    }

    beforeAll(async () => {
        admin = await mysql.createConnection({ uri: adminUrl, multipleStatements: true });
        const [[{ host }]] = (await admin.query('SELECT SUBSTRING_INDEX(CURRENT_USER(), "@", -1) AS host')) as unknown as [
            [{ host: string }],
        ];
        await admin.query(`
            CREATE DATABASE ${database};
            CREATE TABLE ${database}.customers (
                id INT PRIMARY KEY,
                name VARCHAR(100) NOT NULL,
                email VARCHAR(200) UNIQUE
            ) COMMENT 'People who place orders';
            CREATE TABLE ${database}.orders (
                id BIGINT AUTO_INCREMENT PRIMARY KEY,
                customer_id INT NOT NULL,
                amount DECIMAL(10, 2) NOT NULL,
                note VARCHAR(100) DEFAULT 'none',
                KEY orders_customer_id_idx (customer_id),
                CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES ${database}.customers (id)
            ) ENGINE = InnoDB;
            CREATE TABLE ${database}.events (id INT PRIMARY KEY, payload VARCHAR(40)) ENGINE = InnoDB;
            INSERT INTO ${database}.customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', NULL), (3, 'Edsger', NULL);
            INSERT INTO ${database}.orders (customer_id, amount, note) VALUES (1, 10.50, NULL), (1, 99.99, 'gift'), (2, 5.00, NULL);
            INSERT INTO ${database}.events WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000) SELECT n, md5(n) FROM g;
            CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}';
            GRANT SELECT ON ${database}.* TO '${user}'@'${host}';
        `);
        const url = new URL(adminUrl as string);
        url.username = user;
        url.password = password;
        url.pathname = `/${database}`;
        userUrl = url;
        // The pool reads MYSQL_URL lazily, on the first tool call.
        process.env.MYSQL_URL = url.href;

        const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
        await createServer().connect(serverTransport);
        client = new Client({ name: 'mysql-test', version: '1.0.0' });
        await client.connect(clientTransport);
    });

    afterAll(async () => {
        await client?.close();
        await close();
        if (admin) {
            await admin.query(`DROP DATABASE IF EXISTS ${database}`);
            await admin.query(`DROP USER IF EXISTS '${user}'@'%', '${user}'@'127.0.0.1', '${user}'@'localhost'`);
            await admin.end();
        }
    });

    describe('tools', () => {
        it('lists the tables with row estimates', async () => {
            const result = await callTool(NAMES.list_tables, { schema: database });
            expect(result.isError).toBeFalsy();
            const { tables } = result.structuredContent as { tables: TableSummary[] };
            expect(tables.map((t) => t.name)).toEqual(['customers', 'events', 'orders']);
            expect(tables[0]).toMatchObject({ schema: database, kind: 'table', comment: 'People who place orders' });
            for (const table of tables) expect(table.estimatedRows).toEqual(expect.any(Number));
        });

        it('describes a table, also as database.table', async () => {
            const result = await callTool(NAMES.describe_table, { table: `${database}.orders` });
            expect(result.isError).toBeFalsy();
            const orders = result.structuredContent as TableDescription;
            // MariaDB spells integer display widths (bigint(20)); MySQL 8 does not.
            const type = (name: string) => name.replace(/^(bigint|int)\(\d+\)/, '$1');
            expect(orders.columns.map((c) => [c.name, type(c.type), c.nullable])).toEqual([
                ['id', 'bigint', false],
                ['customer_id', 'int', false],
                ['amount', 'decimal(10,2)', false],
                ['note', 'varchar(100)', true],
            ]);
            expect(orders.columns[0].default).toBe('AUTO_INCREMENT');
            expect(orders.primaryKey).toEqual(['id']);
            expect(orders.foreignKeys).toEqual([
                {
                    name: 'orders_customer_fk',
                    columns: ['customer_id'],
                    referencedSchema: database,
                    referencedTable: 'customers',
                    referencedColumns: ['id'],
                },
            ]);
            expect(orders.indexes).toContainEqual(
                expect.objectContaining({ name: 'orders_customer_id_idx', columns: ['customer_id'], unique: false }),
            );
            // The database in MYSQL_URL is the default.
            expect((await callTool(NAMES.describe_table, { table: 'customers' })).structuredContent).toMatchObject({ name: 'customers' });
            const missing = await callTool(NAMES.describe_table, { table: 'nope' });
            expect(missing.isError).toBe(true);
            expect(textOf(missing)).toMatch(/not found/);
        });

        it('runs a query with exact values', async () => {
            const result = await callTool(NAMES.query, {
                sql: `SELECT c.name, o.amount FROM ${database}.orders o JOIN ${database}.customers c ON c.id = o.customer_id ORDER BY o.id`,
            });
            expect(result.isError).toBeFalsy();
            expect(result.structuredContent).toMatchObject({
                columns: ['name', 'amount'],
                rows: [
                    { name: 'Ada', amount: '10.50' },
                    { name: 'Ada', amount: '99.99' },
                    { name: 'Grace', amount: '5.00' },
                ],
                rowCount: 3,
                truncated: false,
            });
        });

        it('caps rows and flags the result as truncated', async () => {
            const output = (await callTool(NAMES.query, { sql: `SELECT * FROM ${database}.events ORDER BY id` }))
                .structuredContent as QueryResult;
            expect(output).toMatchObject({ rowCount: 100, truncated: true });
            expect(output.rows[99]).toMatchObject({ id: 100 });
            const capped = await withEnv('MYSQL_MAX_ROWS', '7', () => callTool(NAMES.query, { sql: `SELECT id FROM ${database}.events` }));
            expect(capped.structuredContent).toMatchObject({ rowCount: 7, truncated: true });
            // The connection is usable after the cap stopped the statement.
            expect((await callTool(NAMES.query, { sql: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
        });

        it('sets the lock timeouts of each call', async () => {
            const result = await callTool(NAMES.query, {
                sql: 'SELECT @@SESSION.lock_wait_timeout AS lw, @@SESSION.innodb_lock_wait_timeout AS ilw',
            });
            const [row] = (result.structuredContent as QueryResult).rows;
            expect([String(row?.lw), String(row?.ilw)]).toEqual(['5', '5']);
        });
    });

    describe('attacks are refused and change nothing', () => {
        const attacks: [string, string][] = [
            ['INSERT', `INSERT INTO ${database}.customers VALUES (99, 'Mallory', NULL)`],
            ['UPDATE', `UPDATE ${database}.customers SET name = 'Mallory'`],
            ['DELETE', `DELETE FROM ${database}.orders`],
            ['CREATE TABLE', `CREATE TABLE ${database}.evil (id INT)`],
            ['DROP TABLE', `DROP TABLE ${database}.orders`],
            ['a second statement', `SELECT 1; DELETE FROM ${database}.orders`],
            ['INTO OUTFILE', `SELECT * FROM ${database}.customers INTO OUTFILE '${outfile}'`],
            ['SET GLOBAL', 'SET GLOBAL max_connections = 7'],
            ['LOCK TABLES', `LOCK TABLES ${database}.customers WRITE`],
            ['a statement past the timeout', `SELECT count(*) FROM ${database}.events a, ${database}.events b, ${database}.events c`],
            ['a session setting', "SET SESSION sql_mode = ''"],
            ['a prepared statement', "PREPARE mcp_test FROM 'SELECT 1'"],
            ['a temporary table', 'CREATE TEMPORARY TABLE mcp_test (id INT)'],
            ['a change of database', 'USE mysql'],
            // Code in a comment is read by the server: it may not hide a statement behind an EXPLAIN.
            ['code in a comment', "/*!SELECT REPEAT('x', 20) AS */ EXPLAIN"],
            ['a statement closing the parentheses it runs in', "SELECT 1) SELECT REPEAT('x', 20) AS c1 UNION ALL (SELECT 1"],
        ];

        it.each(attacks)('%s', async (_label, sql) => {
            const before = await snapshot();
            const result = await withEnv('MYSQL_STATEMENT_TIMEOUT_MS', '1000', () => callTool(NAMES.query, { sql }));
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/^SQL error \d+ \(|^Refused: |ran longer than/);
            expect(await snapshot()).toEqual(before);
            expect(existsSync(outfile)).toBe(false);
        });

        it('cuts a long statement at the timeout', async () => {
            const result = await withEnv('MYSQL_STATEMENT_TIMEOUT_MS', '500', () =>
                callTool(NAMES.query, { sql: `SELECT count(*) FROM ${database}.events a, ${database}.events b, ${database}.events c` }),
            );
            expect(textOf(result)).toMatch(/max_statement_time|maximum statement execution time|ran longer than/i);
        });

        it('reads no server file', async () => {
            const result = await callTool(NAMES.query, { sql: "SELECT LOAD_FILE('/etc/passwd') AS content" });
            expect(result.structuredContent).toMatchObject({ rows: [{ content: null }] });
        });

        it('holds no lock after a call', async () => {
            await callTool(NAMES.query, { sql: `SELECT * FROM ${database}.customers FOR UPDATE` });
            // Were the rows still locked, this would wait and fail after a second.
            await admin.query('SET SESSION innodb_lock_wait_timeout = 1');
            await admin.query(`UPDATE ${database}.customers SET name = name WHERE id = 1`);
        });

        it('refuses to run queries as a privileged account', async () => {
            const result = await withEnv('MYSQL_URL', adminUrl, () => callTool(NAMES.query, { sql: 'SELECT 1' }));
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/privilege.*GRANT SELECT/s);
        });
    });

    describe('answers stay within their byte cap', () => {
        const capped = (sql: string) => withEnv('MYSQL_MAX_RESULT_BYTES', '100000', () => callTool(NAMES.query, { sql }));
        const bytesOf = (result: ToolResult) => Buffer.byteLength(textOf(result));

        it('cuts huge values inside the database and says so', async () => {
            const result = await capped("SELECT 7 AS n, REPEAT('x', 10000000) AS big");
            expect(result.isError, textOf(result)).toBeFalsy();
            const output = result.structuredContent as QueryResult;
            expect(output).toMatchObject({ columns: ['n', 'big'], rowCount: 1, truncated: true, rows: [{ n: 7 }] });
            expect(String(output.rows[0]?.big)).toMatch(/^x{1000,50000}$/);
            expect(output.note).toMatch(/1 value was cut .*\(big\)/);
            const wide = await capped(`SELECT ${Array.from({ length: 40 }, (_, i) => `REPEAT('w', 1000000) AS c${i}`).join(', ')}`);
            expect(wide.structuredContent).toMatchObject({ rowCount: 1, truncated: true });
            const binary = await capped("SELECT UNHEX(REPEAT('ab', 1000000)) AS raw");
            expect(String((binary.structuredContent as QueryResult).rows[0]?.raw)).toMatch(/^\\x(ab){1000,}$/);
            for (const answer of [result, wide, binary]) expect(bytesOf(answer)).toBeLessThanOrEqual(100_000);
        });

        it('stops at the byte cap when many rows are large, and says why', async () => {
            const result = await capped(`SELECT id, REPEAT('y', 20000) AS filler FROM ${database}.events`);
            const output = result.structuredContent as QueryResult;
            expect(output.truncated).toBe(true);
            expect(output.rowCount).toBeGreaterThan(0);
            expect(output.rowCount).toBeLessThan(10);
            expect(output.note).toMatch(/MYSQL_MAX_RESULT_BYTES/);
            expect(bytesOf(result)).toBeLessThanOrEqual(100_000);
            // The connection is usable after the statement was stopped.
            expect((await callTool(NAMES.query, { sql: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
        });

        it('keeps order and columns as the statement gives them', async () => {
            const result = await callTool(NAMES.query, {
                sql: `SELECT id, 1 AS a, 2 AS a FROM ${database}.events ORDER BY id DESC LIMIT 2;`,
            });
            expect(result.structuredContent).toEqual({
                columns: ['id', 'a', 'a'],
                rows: [
                    { id: 1000, a: 2 },
                    { id: 999, a: 2 },
                ],
                rowCount: 2,
                truncated: false,
            });
            const ordered = await callTool(NAMES.query, { sql: `SELECT id FROM ${database}.events ORDER BY id DESC` });
            expect((ordered.structuredContent as QueryResult).rows.slice(0, 2)).toEqual([{ id: 1000 }, { id: 999 }]);
        });

        it('runs EXPLAIN, DESCRIBE and SHOW as they are', async () => {
            for (const sql of [
                `EXPLAIN SELECT * FROM ${database}.orders`,
                `DESCRIBE ${database}.orders`,
                'SHOW VARIABLES LIKE "version"',
            ]) {
                const result = await callTool(NAMES.query, { sql });
                expect(result.isError, textOf(result)).toBeFalsy();
                expect((result.structuredContent as QueryResult).rowCount).toBeGreaterThan(0);
            }
        });
    });

    describe('session state never outlives a call', () => {
        // A URL of its own gives a pool of its own, here of one connection: every call runs on the same session.
        const onOneConnection = <T>(run: () => Promise<T>) =>
            withEnv('MYSQL_POOL_SIZE', '1', () => withEnv('MYSQL_URL', `${userUrl.href}?one=connection`, run));
        const rowOf = async (sql: string) => {
            const result = await callTool(NAMES.query, { sql });
            expect(result.isError, textOf(result)).toBeFalsy();
            return (result.structuredContent as QueryResult).rows[0] as Record<string, unknown>;
        };

        it('releases GET_LOCK locks, and forgets variables, settings, temporary tables and prepared statements', async () => {
            await onOneConnection(async () => {
                const first = await rowOf(
                    "SELECT CONNECTION_ID() AS id, GET_LOCK('mcp_test_lock', 0) AS locked, @mcp_test := 42 AS variable",
                );
                expect(first).toMatchObject({ locked: 1, variable: 42 });
                // An ORDER BY makes this server change a session setting for the call (see src/systems/mysql.ts).
                await rowOf(`SELECT id FROM ${database}.events ORDER BY id LIMIT 1`);
                const second = await rowOf(`SELECT CONNECTION_ID() AS id, @mcp_test AS variable, IS_USED_LOCK('mcp_test_lock') AS holder,
                        @@SESSION.optimizer_switch LIKE '%derived_merge=on%' AS merging, DATABASE() AS db`);
                expect(second).toMatchObject({ id: first.id, variable: null, holder: null, merging: 1, db: database });
            });
            // Another session can take the lock.
            const [[{ taken }]] = (await admin.query("SELECT GET_LOCK('mcp_test_lock', 0) AS taken")) as unknown as [[{ taken: number }]];
            expect(taken).toBe(1);
            await admin.query("SELECT RELEASE_LOCK('mcp_test_lock')");
        });
    });

    describe('resource and prompts', () => {
        it('lists and reads table schemas', async () => {
            const uri = `mysql://tables/${database}/customers`;
            const { resources } = await client.listResources();
            expect(resources.map((r) => r.uri)).toContain(uri);
            const { contents } = await client.readResource({ uri });
            expect(JSON.parse('text' in contents[0] ? contents[0].text : '')).toMatchObject({ name: 'customers', primaryKey: ['id'] });
        });

        it('embeds the live schema in the prompts', async () => {
            const explore = await client.getPrompt({ name: NAMES.explore_table, arguments: { table: 'orders', schema: database } });
            const text = explore.messages[0].content.type === 'text' ? explore.messages[0].content.text : '';
            expect(text).toContain(`CREATE TABLE \`${database}\`.\`orders\` (`);
            expect(text).toContain(`FOREIGN KEY (\`customer_id\`) REFERENCES \`${database}\`.\`customers\` (\`id\`)`);
            const completion = await client.complete({
                ref: { type: 'ref/prompt', name: NAMES.explore_table },
                argument: { name: 'table', value: 'ord' },
                context: { arguments: { schema: database } },
            });
            expect(completion.completion.values).toEqual(['orders']);
        });
    });

    it('reports a missing or unreachable MYSQL_URL and keeps serving', async () => {
        const unset = await withEnv('MYSQL_URL', undefined, () => callTool(NAMES.query, { sql: 'SELECT 1' }));
        expect(textOf(unset)).toMatch(/MYSQL_URL is not set/);
        const refused = await withEnv('MYSQL_URL', 'mysql://x@127.0.0.1:1/none', () => callTool(NAMES.query, { sql: 'SELECT 1' }));
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(/MYSQL_URL.*connection refused/);
    });

    it('answers the readiness ping (/readyz), and names MYSQL_URL when it cannot', async () => {
        await expect(ping()).resolves.toBeUndefined();
        await withEnv('MYSQL_URL', undefined, () => expect(ping()).rejects.toThrow(/MYSQL_URL is not set/));
        await withEnv('MYSQL_URL', 'mysql://x@127.0.0.1:1/none', () => expect(ping()).rejects.toThrow(/MYSQL_URL.*connection refused/));
    });
});
