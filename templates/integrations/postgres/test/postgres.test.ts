/**
 * PostgreSQL tools, resource and prompts against a real database, through an MCP client.
 *
 * Needs TEST_DATABASE_URL: a connection allowed to CREATE ROLE (e.g. the cluster superuser of a throw-away server).
 * The suite creates a unique schema with fixtures and a least-privilege login role, points DATABASE_URL at that
 * role, and drops both afterwards. Without TEST_DATABASE_URL it is skipped.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createServer } from '../src/server.js';
import { closePool, NAMES } from '../src/systems/postgres.js';
import type { QueryResult, TableDescription, TableSummary } from '../src/systems/sql.js';

const TABLE_SCHEMA_URI_TEMPLATE = 'postgres://tables/{schema}/{table}';
const tableSchemaUri = (schema: string, table: string): string =>
    `postgres://tables/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) {
    console.warn(
        'postgres tests skipped: set TEST_DATABASE_URL=postgres://user:password@host:5432/db (a role that can CREATE ROLE) to run them',
    );
}

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

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

function textOf(result: ToolResult): string {
    return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

describe.skipIf(!adminUrl)('postgres system', () => {
    const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const schema = `mcp_test_${suffix}`;
    const role = `mcp_test_ro_${suffix}`;
    const copyTarget = join(tmpdir(), `mcp-pg-copy-${suffix}.txt`);

    let admin: pg.Client;
    let adminIsSuperuser = false;
    let roleUrl: string;
    let client: Client;

    const callTool = (name: string, args: Record<string, unknown>): Promise<ToolResult> => client.callTool({ name, arguments: args });

    /** Everything an attack could change, read through the admin connection. */
    async function snapshot(): Promise<Record<string, unknown>> {
        const { rows } = await admin.query(
            `SELECT (SELECT count(*)::int FROM ${schema}.customers) AS customers,
                    (SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM ${schema}.customers c) AS customers_md5,
                    (SELECT count(*)::int FROM ${schema}.orders) AS orders,
                    (SELECT md5(string_agg(o::text, '|' ORDER BY id)) FROM ${schema}.orders o) AS orders_md5,
                    (SELECT count(*)::int FROM ${schema}.events) AS events,
                    (SELECT last_value::text || '/' || is_called FROM ${schema}.ticket_seq) AS sequence,
                    (SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = $1) AS tables`,
            [schema],
        );
        return rows[0];
    }

    beforeAll(async () => {
        admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        const { rows } = await admin.query("SELECT current_database() AS db, current_setting('is_superuser') = 'on' AS superuser");
        adminIsSuperuser = rows[0].superuser;
        const password = randomBytes(16).toString('hex');

        await admin.query(`
            CREATE SCHEMA ${schema};
            CREATE TABLE ${schema}.customers (
                id integer PRIMARY KEY,
                name text NOT NULL,
                email text UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            COMMENT ON TABLE ${schema}.customers IS 'People who place orders';
            CREATE TABLE ${schema}.orders (
                id bigserial PRIMARY KEY,
                customer_id integer NOT NULL REFERENCES ${schema}.customers (id),
                amount numeric(10, 2) NOT NULL,
                placed_on date NOT NULL DEFAULT current_date,
                note text
            );
            CREATE INDEX orders_customer_id_idx ON ${schema}.orders (customer_id);
            CREATE TABLE ${schema}.events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 100000) AS g;
            ALTER TABLE ${schema}.events ADD PRIMARY KEY (id);
            CREATE SEQUENCE ${schema}.ticket_seq;
            INSERT INTO ${schema}.customers (id, name, email, created_at) VALUES
                (1, 'Ada', 'ada@example.com', '2024-01-02 03:04:05+00'),
                (2, 'Grace', NULL, '2024-02-03 04:05:06+00'),
                (3, 'Edsger', 'edsger@example.com', '2024-03-04 05:06:07+00');
            INSERT INTO ${schema}.orders (customer_id, amount, placed_on, note) VALUES
                (1, 10.50, '2024-04-01', NULL), (1, 99.99, '2024-04-02', 'gift'), (2, 5.00, '2024-04-03', NULL);
            ANALYZE ${schema}.customers, ${schema}.orders, ${schema}.events;
            -- Never analysed: its row estimate comes from the planner.
            CREATE TABLE ${schema}.fresh WITH (autovacuum_enabled = off) AS SELECT g AS id FROM generate_series(1, 5000) AS g;

            -- The least-privilege role of the README, minus its role-level defaults (default_transaction_read_only,
            -- statement_timeout), so the tests exercise the server's own read-only transaction and timeouts.
            CREATE ROLE ${role} LOGIN PASSWORD ${pg.escapeLiteral(password)} NOSUPERUSER NOCREATEDB NOCREATEROLE;
            GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(rows[0].db)} TO ${role};
            GRANT USAGE ON SCHEMA ${schema} TO ${role};
            GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role};
        `);

        const url = new URL(adminUrl as string);
        url.username = role;
        url.password = password;
        roleUrl = url.href;
        // The pool reads DATABASE_URL lazily, on the first tool call.
        process.env.DATABASE_URL = roleUrl;

        const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
        await createServer().connect(serverTransport);
        client = new Client({ name: 'postgres-test', version: '1.0.0' });
        await client.connect(clientTransport);
    });

    afterAll(async () => {
        await client?.close();
        await closePool();
        if (admin) {
            await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
            // DROP OWNED BY also revokes the role's privileges (CONNECT on the database), which DROP ROLE requires.
            if (rowCount) await admin.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
            await admin.end();
        }
        rmSync(copyTarget, { force: true });
    });

    describe('tools', () => {
        it('list_tables finds the fixture tables', async () => {
            const result = await callTool(NAMES.list_tables, { schema });
            expect(result.isError).toBeFalsy();
            const { tables, truncated } = result.structuredContent as { tables: TableSummary[]; truncated: boolean };
            expect(truncated).toBe(false);
            expect(tables.map((t) => t.name)).toEqual(['customers', 'events', 'fresh', 'orders']);
            const customers = tables.find((t) => t.name === 'customers');
            expect(customers).toMatchObject({ schema, kind: 'table', comment: 'People who place orders' });
            expect(tables.find((t) => t.name === 'events')?.estimatedRows).toBe(100_000);

            // Without a schema, every readable schema is listed.
            const all = (await callTool(NAMES.list_tables, {})).structuredContent as { tables: TableSummary[] };
            expect(all.tables.filter((t) => t.schema === schema)).toHaveLength(4);
        });

        it('describe_table returns columns, primary key, foreign keys and indexes', async () => {
            const result = await callTool(NAMES.describe_table, { schema, table: 'orders' });
            expect(result.isError).toBeFalsy();
            const orders = result.structuredContent as TableDescription;
            expect(orders.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
                ['id', 'bigint', false],
                ['customer_id', 'integer', false],
                ['amount', 'numeric(10,2)', false],
                ['placed_on', 'date', false],
                ['note', 'text', true],
            ]);
            expect(orders.columns[0].default).toMatch(/^nextval\(/);
            expect(orders.columns[3].default).toBe('CURRENT_DATE');
            expect(orders.primaryKey).toEqual(['id']);
            expect(orders.foreignKeys).toEqual([
                {
                    name: 'orders_customer_id_fkey',
                    columns: ['customer_id'],
                    referencedSchema: schema,
                    referencedTable: 'customers',
                    referencedColumns: ['id'],
                },
            ]);
            expect(orders.indexes).toContainEqual(
                expect.objectContaining({
                    name: 'orders_customer_id_idx',
                    columns: ['customer_id'],
                    unique: false,
                    primary: false,
                }),
            );
            expect(orders.indexes).toContainEqual(expect.objectContaining({ name: 'orders_pkey', columns: ['id'], primary: true }));

            // "schema.table" in one argument, and a table never analysed still gets a row estimate.
            const fresh = await callTool(NAMES.describe_table, { table: `${schema}.fresh` });
            expect(fresh.structuredContent).toMatchObject({ schema, name: 'fresh', kind: 'table' });
            expect((fresh.structuredContent as TableDescription).estimatedRows).toBeGreaterThan(0);

            const missing = await callTool(NAMES.describe_table, { schema, table: 'nope' });
            expect(missing.isError).toBe(true);
            expect(textOf(missing)).toMatch(/not found/);
        });

        it('query returns columns, rows and rowCount as structuredContent', async () => {
            const result = await callTool(NAMES.query, {
                sql: `SELECT c.name, o.amount, o.placed_on, c.created_at, count(*) OVER () AS total
                        FROM ${schema}.orders o JOIN ${schema}.customers c ON c.id = o.customer_id ORDER BY o.id`,
            });
            expect(result.isError).toBeFalsy();
            const output = result.structuredContent as QueryResult;
            expect(output.columns).toEqual(['name', 'amount', 'placed_on', 'created_at', 'total']);
            expect(output.rowCount).toBe(3);
            expect(output.truncated).toBe(false);
            // numeric and bigint stay exact strings; dates keep PostgreSQL's text.
            expect(output.rows[0]).toEqual({
                name: 'Ada',
                amount: '10.50',
                placed_on: '2024-04-01',
                created_at: expect.stringMatching(/^2024-01-02/),
                total: '3',
            });
            expect(JSON.parse(textOf(result))).toEqual(output);
        });

        it('caps a 100k-row result at PG_MAX_ROWS and flags it as truncated', async () => {
            const output = (await callTool(NAMES.query, { sql: `SELECT * FROM ${schema}.events ORDER BY id` }))
                .structuredContent as QueryResult;
            expect(output).toMatchObject({ columns: ['id', 'payload'], rowCount: 100, truncated: true });
            expect(output.rows).toHaveLength(100);
            expect(output.rows[99]).toMatchObject({ id: 100 });

            const capped = await withEnv('PG_MAX_ROWS', '7', () => callTool(NAMES.query, { sql: `SELECT id FROM ${schema}.events` }));
            expect(capped.structuredContent).toMatchObject({ rowCount: 7, truncated: true });
        });

        it('runs each statement alone, in a read-only transaction with the configured timeouts', async () => {
            // These layers hold even for roles with write privileges; the attacks below also hit the role's own limits.
            const settings = await callTool(NAMES.query, {
                sql:
                    "SELECT current_setting('transaction_read_only') AS read_only, current_setting('statement_timeout') AS statement_timeout, " +
                    "current_setting('lock_timeout') AS lock_timeout, current_setting('idle_in_transaction_session_timeout') AS idle_timeout",
            });
            expect(settings.structuredContent).toMatchObject({
                rows: [{ read_only: 'on', statement_timeout: '5s', lock_timeout: '5s', idle_timeout: '5s' }],
            });
            const twoStatements = await callTool(NAMES.query, { sql: 'SELECT 1; SELECT 2' });
            expect(textOf(twoStatements)).toMatch(/^SQL error 42601: cannot insert multiple commands into a prepared statement/);
        });

        it('reports SQL errors with their SQLSTATE', async () => {
            const result = await callTool(NAMES.query, { sql: `SELECT nope FROM ${schema}.customers` });
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/^SQL error 42703: column "nope" does not exist/);
        });
    });

    describe('attacks are rejected and change nothing', () => {
        const attacks: [string, string][] = [
            ['INSERT', `INSERT INTO ${schema}.customers (id, name) VALUES (99, 'Mallory')`],
            ['UPDATE', `UPDATE ${schema}.customers SET name = 'Mallory'`],
            ['DELETE', `DELETE FROM ${schema}.orders`],
            ['CREATE TABLE', `CREATE TABLE ${schema}.evil (id integer)`],
            ['DROP TABLE', `DROP TABLE ${schema}.orders`],
            ['a second statement after COMMIT', `SELECT 1; COMMIT; INSERT INTO ${schema}.customers (id, name) VALUES (98, 'Mallory')`],
            ['a writable CTE', `WITH x AS (INSERT INTO ${schema}.customers (id, name) VALUES (97, 'Mallory') RETURNING *) SELECT * FROM x`],
            ['nextval', `SELECT nextval('${schema}.ticket_seq')`],
            ['COPY TO a server file', `COPY (SELECT 1) TO '${copyTarget}'`],
        ];

        it.each(attacks)('%s', async (_label, sql) => {
            const before = await snapshot();
            const result = await callTool(NAMES.query, { sql });
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/^SQL error [0-9A-Z]{5}: /);
            expect(await snapshot()).toEqual(before);
            expect(existsSync(copyTarget)).toBe(false);
        });

        it('cancels a statement that runs past PG_STATEMENT_TIMEOUT_MS', async () => {
            const started = Date.now();
            const result = await withEnv('PG_STATEMENT_TIMEOUT_MS', '300', () => callTool(NAMES.query, { sql: 'SELECT pg_sleep(10)' }));
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/^SQL error 57014: canceling statement due to statement timeout/);
            expect(Date.now() - started).toBeLessThan(3_000);
            // The connection went back to the pool in a usable state.
            expect((await callTool(NAMES.query, { sql: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
        });
    });

    describe('resource', () => {
        it('lists the table-schema template and one resource per table', async () => {
            const { resourceTemplates } = await client.listResourceTemplates();
            expect(resourceTemplates.map((t) => t.uriTemplate)).toContain(TABLE_SCHEMA_URI_TEMPLATE);

            const { resources } = await client.listResources();
            const uris = resources.map((r) => r.uri);
            for (const table of ['customers', 'events', 'orders']) expect(uris).toContain(tableSchemaUri(schema, table));
        });

        it('reads a table description as JSON', async () => {
            const uri = tableSchemaUri(schema, 'customers');
            const { contents } = await client.readResource({ uri });
            expect(contents[0]).toMatchObject({ uri, mimeType: 'application/json' });
            const description = JSON.parse('text' in contents[0] ? contents[0].text : '') as TableDescription;
            expect(description).toMatchObject({ schema, name: 'customers', primaryKey: ['id'] });

            await expect(client.readResource({ uri: tableSchemaUri(schema, 'nope') })).rejects.toThrow(/not found/i);
        });

        it('completes schema and table names', async () => {
            const ref = { type: 'ref/resource' as const, uri: TABLE_SCHEMA_URI_TEMPLATE };
            const tables = await client.complete({ ref, argument: { name: 'table', value: 'cu' }, context: { arguments: { schema } } });
            expect(tables.completion.values).toEqual(['customers']);
            const schemas = await client.complete({ ref, argument: { name: 'schema', value: 'mcp_test_' } });
            expect(schemas.completion.values).toContain(schema);
        });
    });

    describe('prompts', () => {
        it('explore_table embeds the live table schema and completes table names', async () => {
            const { messages } = await client.getPrompt({ name: NAMES.explore_table, arguments: { schema, table: 'orders' } });
            const text = messages[0].content.type === 'text' ? messages[0].content.text : '';
            expect(text).toContain(`CREATE TABLE ${schema}.orders (`);
            expect(text).toContain(`FOREIGN KEY (customer_id) REFERENCES ${schema}.customers (id)`);
            expect(text).toContain(`\`${NAMES.query}\` tool`);

            const completion = await client.complete({
                ref: { type: 'ref/prompt', name: NAMES.explore_table },
                argument: { name: 'table', value: 'ord' },
                context: { arguments: { schema } },
            });
            expect(completion.completion.values).toEqual(['orders']);
        });

        it('question_to_sql embeds the schema of the named tables', async () => {
            const { messages } = await client.getPrompt({
                name: NAMES.question_to_sql,
                arguments: { question: 'Which customer spent the most?', tables: `${schema}.customers, ${schema}.orders` },
            });
            const text = messages[0].content.type === 'text' ? messages[0].content.text : '';
            expect(text).toContain('Which customer spent the most?');
            expect(text).toContain(`CREATE TABLE ${schema}.customers (`);
            expect(text).toContain('email text,');
            expect(text).toContain(`CREATE TABLE ${schema}.orders (`);
            expect(text).not.toContain(`${schema}.events`);

            // Without `tables`, every readable table is included (within the size limit).
            const all = await client.getPrompt({ name: NAMES.question_to_sql, arguments: { question: 'How many events?' } });
            expect(all.messages[0].content.type === 'text' ? all.messages[0].content.text : '').toContain(
                `CREATE TABLE ${schema}.events (`,
            );
        });
    });

    describe('connection problems', () => {
        it('refuses to run queries as a superuser', async (ctx) => {
            if (!adminIsSuperuser) ctx.skip('TEST_DATABASE_URL is not a superuser');
            const result = await withEnv('DATABASE_URL', adminUrl, () => callTool(NAMES.query, { sql: 'SELECT 1' }));
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/superuser.*COPY/s);
        });

        it('reports a missing DATABASE_URL', async () => {
            const result = await withEnv('DATABASE_URL', undefined, () => callTool(NAMES.query, { sql: 'SELECT 1' }));
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/DATABASE_URL is not set/);
        });

        it('fails fast on an unreachable DATABASE_URL and keeps serving', async () => {
            await withEnv('DATABASE_URL', 'postgres://x@127.0.0.1:1/none', async () => {
                const started = Date.now();
                const result = await callTool(NAMES.query, { sql: 'SELECT 1' });
                expect(result.isError).toBe(true);
                expect(textOf(result)).toMatch(/DATABASE_URL.*127\.0\.0\.1:1\/none.*connection refused/);
                expect(Date.now() - started).toBeLessThan(2_000);

                expect((await callTool(NAMES.list_tables, {})).isError).toBe(true);
                const { tools } = await client.listTools();
                expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([NAMES.query, NAMES.list_tables, NAMES.describe_table]));
                const { resources } = await client.listResources(undefined, { cacheMode: 'bypass' });
                expect(resources.filter((r) => r.uri.startsWith('postgres://'))).toEqual([]);
                const prompt = await client.getPrompt({ name: NAMES.explore_table, arguments: { table: 'orders' } });
                expect(prompt.messages[0].content.type === 'text' ? prompt.messages[0].content.text : '').toMatch(/DATABASE_URL/);
            });
        });
    });
});
