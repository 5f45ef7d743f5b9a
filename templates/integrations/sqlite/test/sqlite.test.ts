/**
 * SQLite tools, resource and prompts against a real database file made here, through an MCP client.
 * The file is checked unchanged (size and checksum) after every attack. Nothing is skipped.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createServer } from '../src/server.js';
import { itemName } from '../src/systems/databases.js';
import type { QueryResult, TableDescription, TableSummary } from '../src/systems/sql.js';
import { close, driver, ping } from '../src/systems/sqlite.js';

/** The names of the SQLite items in this server (prefixed when it has other databases too). */
const NAMES = {
    query: itemName(driver, 'query'),
    list_tables: itemName(driver, 'list_tables'),
    describe_table: itemName(driver, 'describe_table'),
    explore_table: itemName(driver, 'explore_table'),
    question_to_sql: itemName(driver, 'question_to_sql'),
};

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

describe('sqlite system', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sqlite-test-'));
    const file = join(dir, 'app.db');
    const copyTarget = join(dir, 'copy.db');
    let client: Client;

    const callTool = (name: string, args: Record<string, unknown>): Promise<ToolResult> => client.callTool({ name, arguments: args });
    const fingerprint = () => {
        const bytes = readFileSync(file);
        return `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
    };

    beforeAll(async () => {
        // The fixture is written with sql.js itself, then saved as a real file.
        const SQL = await initSqlJs();
        const db = new SQL.Database();
        db.run(`
            CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE);
            CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers (id),
                amount REAL NOT NULL,
                note TEXT DEFAULT 'none'
            );
            CREATE INDEX orders_customer_id_idx ON orders (customer_id);
            CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT);
            CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 50;
            INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', NULL), (3, 'Edsger', NULL);
            INSERT INTO orders (customer_id, amount, note) VALUES (1, 10.5, NULL), (1, 99.99, 'gift'), (2, 5, NULL);
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000) INSERT INTO events SELECT n, hex(n) FROM g;
        `);
        writeFileSync(file, db.export());
        db.close();

        process.env.SQLITE_PATH = file;
        const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
        await createServer().connect(serverTransport);
        client = new Client({ name: 'sqlite-test', version: '1.0.0' });
        await client.connect(clientTransport);
    });

    afterAll(async () => {
        await client?.close();
        await close();
        rmSync(dir, { recursive: true, force: true });
    });

    describe('tools', () => {
        it('lists tables and views with exact row counts', async () => {
            const result = await callTool(NAMES.list_tables, {});
            expect(result.isError).toBeFalsy();
            const { tables } = result.structuredContent as { tables: TableSummary[] };
            expect(tables.map((t) => [t.name, t.kind, t.estimatedRows])).toEqual([
                ['big_orders', 'view', null],
                ['customers', 'table', 3],
                ['events', 'table', 1000],
                ['orders', 'table', 3],
            ]);
        });

        it('describes a table, also as main.table', async () => {
            const result = await callTool(NAMES.describe_table, { table: 'main.orders' });
            expect(result.isError).toBeFalsy();
            const orders = result.structuredContent as TableDescription;
            expect(orders.columns.map((c) => [c.name, c.type, c.nullable, c.default])).toEqual([
                ['id', 'INTEGER', false, null],
                ['customer_id', 'INTEGER', false, null],
                ['amount', 'REAL', false, null],
                ['note', 'TEXT', true, "'none'"],
            ]);
            expect(orders.primaryKey).toEqual(['id']);
            expect(orders.foreignKeys).toEqual([
                expect.objectContaining({ columns: ['customer_id'], referencedTable: 'customers', referencedColumns: ['id'] }),
            ]);
            expect(orders.indexes).toContainEqual(expect.objectContaining({ name: 'orders_customer_id_idx', columns: ['customer_id'] }));

            const missing = await callTool(NAMES.describe_table, { table: 'nope' });
            expect(missing.isError).toBe(true);
            expect(textOf(missing)).toMatch(/not found/);
        });

        it('runs a query and returns columns, rows and rowCount', async () => {
            const result = await callTool(NAMES.query, {
                sql: 'SELECT c.name, sum(o.amount) AS total FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.name ORDER BY c.name',
            });
            expect(result.isError).toBeFalsy();
            expect(result.structuredContent).toEqual({
                columns: ['name', 'total'],
                rows: [
                    { name: 'Ada', total: 110.49 },
                    { name: 'Grace', total: 5 },
                ],
                rowCount: 2,
                truncated: false,
            });
        });

        it('caps rows and flags the result as truncated', async () => {
            const output = (await callTool(NAMES.query, { sql: 'SELECT * FROM events ORDER BY id' })).structuredContent as QueryResult;
            expect(output).toMatchObject({ rowCount: 100, truncated: true });
            const capped = await withEnv('SQLITE_MAX_ROWS', '7', () => callTool(NAMES.query, { sql: 'SELECT id FROM events' }));
            expect(capped.structuredContent).toMatchObject({ rowCount: 7, truncated: true });
        });
    });

    describe('attacks are refused and change nothing', () => {
        const attacks: [string, string][] = [
            ['INSERT', "INSERT INTO customers (name) VALUES ('Mallory')"],
            ['UPDATE', "UPDATE customers SET name = 'Mallory'"],
            ['DELETE', 'DELETE FROM orders'],
            ['CREATE TABLE', 'CREATE TABLE evil (id INTEGER)'],
            ['DROP TABLE', 'DROP TABLE orders'],
            ['a second statement', 'SELECT 1; DELETE FROM orders'],
            ['a writing CTE', 'WITH x AS (SELECT 1) DELETE FROM orders'],
            ['ATTACH', `ATTACH '${copyTarget}' AS other`],
            ['VACUUM', 'VACUUM'],
            ['VACUUM INTO a file', `VACUUM INTO '${copyTarget}'`],
            ['a schema pragma', 'PRAGMA writable_schema = 1'],
            ['a writing pragma', 'PRAGMA user_version = 5'],
            ['journal_mode', 'PRAGMA journal_mode = DELETE'],
            ['extension loading', "SELECT load_extension('/tmp/evil')"],
            ['REPLACE', "REPLACE INTO customers VALUES (1, 'Mallory', NULL)"],
            // SQLite carries out PRAGMAs as it compiles them: these must be refused before it sees them.
            ['a pragma under EXPLAIN', 'EXPLAIN PRAGMA query_only = 0'],
            ['a pragma after a query', 'SELECT 1; PRAGMA query_only = 0'],
            ['a setting pragma in call form', 'PRAGMA user_version(5)'],
            ['the heap limit', 'PRAGMA hard_heap_limit = 0'],
        ];

        it.each(attacks)('%s', async (_label, sql) => {
            const before = fingerprint();
            const result = await callTool(NAMES.query, { sql });
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/^(SQL error: |Refused: )/);
            expect(fingerprint()).toBe(before);
            expect(existsSync(copyTarget)).toBe(false);
            // The data the server sees is unchanged too.
            const counts = await callTool(NAMES.query, {
                sql: 'SELECT (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM orders) AS o',
            });
            expect(counts.structuredContent).toMatchObject({ rows: [{ c: 3, o: 3 }] });
            // And no call left a setting behind: the next one starts read-only, as every call does.
            const settings = await callTool(NAMES.query, { sql: 'PRAGMA query_only' });
            expect(settings.structuredContent).toMatchObject({ rows: [{ query_only: 1 }] });
        });

        it('stops a runaway query at the timeout and keeps answering', async () => {
            const result = await withEnv('SQLITE_STATEMENT_TIMEOUT_MS', '300', () =>
                callTool(NAMES.query, { sql: 'WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g) SELECT count(*) FROM g' }),
            );
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/ran longer than 300 ms/);
            expect((await callTool(NAMES.query, { sql: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
        });
    });

    describe('answers stay within their byte cap', () => {
        const bytesOf = (result: ToolResult) => Buffer.byteLength(textOf(result));

        it('cuts a huge value inside SQLite and says so', async () => {
            const result = await withEnv('SQLITE_MAX_RESULT_BYTES', '100000', () =>
                callTool(NAMES.query, { sql: "SELECT 7 AS n, printf('%.*c', 20000000, 'x') AS big" }),
            );
            expect(result.isError, textOf(result)).toBeFalsy();
            const output = result.structuredContent as QueryResult;
            expect(output).toMatchObject({ columns: ['n', 'big'], rowCount: 1, truncated: true, rows: [{ n: 7 }] });
            expect(String(output.rows[0]?.big).length).toBeLessThanOrEqual(50_000);
            expect(output.note).toMatch(/1 value was cut .*\(big\)/);
            expect(bytesOf(result)).toBeLessThanOrEqual(100_000);
        });

        it('stops at the byte cap when many rows are large, and says why', async () => {
            const result = await withEnv('SQLITE_MAX_RESULT_BYTES', '100000', () =>
                callTool(NAMES.query, { sql: "SELECT id, printf('%.*c', 20000, 'y') AS filler FROM events" }),
            );
            const output = result.structuredContent as QueryResult;
            expect(output.truncated).toBe(true);
            expect(output.rowCount).toBeGreaterThan(0);
            expect(output.rowCount).toBeLessThan(10);
            expect(output.note).toMatch(/SQLITE_MAX_RESULT_BYTES/);
            expect(bytesOf(result)).toBeLessThanOrEqual(100_000);
        });

        it('fails a statement that needs more working memory than SQLite gets, and keeps serving', async () => {
            const result = await callTool(NAMES.query, { sql: 'SELECT length(randomblob(400000000)) AS n' });
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/out of memory: the statement needed more than/);
            expect((await callTool(NAMES.query, { sql: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
        });

        it('keeps values, order and columns as the statement gives them', async () => {
            const result = await callTool(NAMES.query, {
                sql: "SELECT id, x'00ff' AS bytes, 1.5 AS r, NULL AS empty, 'a' AS id FROM events ORDER BY id DESC LIMIT 2;",
            });
            expect(result.structuredContent).toEqual({
                columns: ['id', 'bytes', 'r', 'empty', 'id'],
                rows: [
                    { id: 'a', bytes: '\\x00ff', r: 1.5, empty: null },
                    { id: 'a', bytes: '\\x00ff', r: 1.5, empty: null },
                ],
                rowCount: 2,
                truncated: false,
            });
            const ordered = await callTool(NAMES.query, { sql: '/* newest first */ SELECT id FROM events ORDER BY id DESC LIMIT 3' });
            expect(ordered.structuredContent).toMatchObject({ rows: [{ id: 1000 }, { id: 999 }, { id: 998 }] });
        });

        it('runs EXPLAIN and read-only PRAGMAs as they are', async () => {
            // A column may be called pragma: only a PRAGMA statement is checked as one.
            const named = await callTool(NAMES.query, { sql: 'SELECT pragma FROM (SELECT 1 AS pragma)' });
            expect(named.structuredContent).toMatchObject({ rows: [{ pragma: 1 }] });
            const plan = await callTool(NAMES.query, { sql: 'EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = 1' });
            expect(textOf(plan)).toMatch(/orders_customer_id_idx/);
            const info = await callTool(NAMES.query, { sql: 'PRAGMA table_info(orders)' });
            expect((info.structuredContent as QueryResult).rowCount).toBe(4);
        });
    });

    describe('resource and prompts', () => {
        it('lists and reads table schemas', async () => {
            const { resources } = await client.listResources();
            expect(resources.map((r) => r.uri)).toContain('sqlite://tables/main/customers');
            const { contents } = await client.readResource({ uri: 'sqlite://tables/main/customers' });
            expect(JSON.parse('text' in contents[0] ? contents[0].text : '')).toMatchObject({ name: 'customers', primaryKey: ['id'] });
        });

        it('embeds the live schema in the prompts', async () => {
            const explore = await client.getPrompt({ name: NAMES.explore_table, arguments: { table: 'orders' } });
            const text = explore.messages[0].content.type === 'text' ? explore.messages[0].content.text : '';
            expect(text).toContain('CREATE TABLE main.orders (');
            expect(text).toContain('FOREIGN KEY (customer_id) REFERENCES main.customers (id)');
            const question = await client.getPrompt({
                name: NAMES.question_to_sql,
                arguments: { question: 'Who spent most?', tables: 'customers' },
            });
            expect(question.messages[0].content.type === 'text' ? question.messages[0].content.text : '').toContain(
                'CREATE TABLE main.customers (',
            );
        });
    });

    it('reports a missing SQLITE_PATH or file and keeps serving', async () => {
        const unset = await withEnv('SQLITE_PATH', undefined, () => callTool(NAMES.query, { sql: 'SELECT 1' }));
        expect(textOf(unset)).toMatch(/SQLITE_PATH is not set/);
        const missing = await withEnv('SQLITE_PATH', join(dir, 'nope.db'), () => callTool(NAMES.query, { sql: 'SELECT 1' }));
        expect(missing.isError).toBe(true);
        expect(textOf(missing)).toMatch(/SQLITE_PATH.*no such file/);
        expect((await callTool(NAMES.query, { sql: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
    });

    it('answers the readiness ping (/readyz), and names SQLITE_PATH when it cannot', async () => {
        await expect(ping()).resolves.toBeUndefined();
        await withEnv('SQLITE_PATH', undefined, () => expect(ping()).rejects.toThrow(/SQLITE_PATH is not set/));
        await withEnv('SQLITE_PATH', join(dir, 'nope.db'), () => expect(ping()).rejects.toThrow(/SQLITE_PATH.*no such file/));
    });
});
