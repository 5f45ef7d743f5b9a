/**
 * `--with postgres` end to end against a real PostgreSQL (TEST_DATABASE_URL, started by
 * .ci/start-postgres.sh): the generated project's own database tests run (none skipped), and
 * the built server, spawned over stdio as a client would, answers with real data and refuses
 * every write attempt with the data intact.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, generateProject, npmRun } from './harness.js';
import { sqlAttackSuite } from './sql-attacks.js';

const exec = promisify(execFile);
const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) {
    if (process.env.CI) throw new Error('TEST_DATABASE_URL must be set in CI: .ci/run starts PostgreSQL for these tests');
    console.warn('postgres end-to-end tests skipped: set TEST_DATABASE_URL (see .ci/start-postgres.sh)');
}

const suffix = `${process.pid}`;
const MAX_RESULT_BYTES = 200_000;
const schema = `e2e_${suffix}`;
const role = `e2e_ro_${suffix}`;

/** Runs SQL as the admin with psql; returns the unaligned result. */
async function psql(sql: string): Promise<string> {
    const { stdout } = await exec('psql', [adminUrl!, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]);
    return stdout.trim();
}

const text = (result: Awaited<ReturnType<Client['callTool']>>) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

describe.skipIf(!adminUrl)('--with postgres, against a real database', () => {
    let dir: string;
    let client: Client;
    const state = () => psql(`SELECT count(*) || ':' || coalesce(sum(id), 0) FROM ${schema}.items`);

    beforeAll(async () => {
        dir = await generateProject('db', ['--with', 'postgres', '--transport', 'stdio']);
        await npmRun(dir, 'build');
        await psql(`
            DROP SCHEMA IF EXISTS ${schema} CASCADE;
            CREATE SCHEMA ${schema};
            CREATE TABLE ${schema}.items (id serial PRIMARY KEY, name text NOT NULL);
            INSERT INTO ${schema}.items (name) SELECT 'item ' || g FROM generate_series(1, 500) g;
            DROP ROLE IF EXISTS ${role};
            CREATE ROLE ${role} LOGIN PASSWORD 'e2e-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
            GRANT USAGE ON SCHEMA ${schema} TO ${role};
            GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role};`);
        const url = new URL(adminUrl!);
        url.username = role;
        url.password = 'e2e-pw';
        // One pooled connection: every call runs on the same session, so whatever a call left there would show.
        client = await connectStdio(dir, 'auto', {
            DATABASE_URL: url.href,
            PG_MAX_ROWS: '50',
            PG_MAX_RESULT_BYTES: String(MAX_RESULT_BYTES),
            PG_STATEMENT_TIMEOUT_MS: '1000',
            PG_POOL_SIZE: '1',
        });
    }, 300_000);

    afterAll(async () => {
        await client?.close();
        await psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP ROLE IF EXISTS ${role};`);
    });

    it('runs the generated database tests, none skipped', async () => {
        const output = await npmRun(dir, 'test', { TEST_DATABASE_URL: adminUrl! });
        expect(output).toMatch(/Tests\s+\d+ passed/);
        expect(output).not.toMatch(/skipped/);
    }, 300_000);

    it('lists and describes tables, and queries with a row cap', async () => {
        // The description every client reads names the caps in force.
        const { tools } = await client.listTools();
        expect(tools.find((t) => t.name === 'query')?.description).toContain(`At most 50 rows and ${MAX_RESULT_BYTES} bytes`);
        expect(text(await client.callTool({ name: 'list_tables', arguments: { schema } }))).toContain('items');
        const described = await client.callTool({ name: 'describe_table', arguments: { schema, table: 'items' } });
        expect(described.structuredContent).toMatchObject({ primaryKey: ['id'] });
        const result = await client.callTool({ name: 'query', arguments: { sql: `SELECT id, name FROM ${schema}.items ORDER BY id` } });
        expect(result.structuredContent).toMatchObject({ columns: ['id', 'name'], rowCount: 50, truncated: true });
    });

    it('exposes table schemas as resources and embeds them in prompts', async () => {
        const uri = `postgres://tables/${schema}/items`;
        expect((await client.listResources()).resources.map((r) => r.uri)).toContain(uri);
        const { contents } = await client.readResource({ uri });
        expect((contents[0] as { text: string }).text).toContain('"name"');
        const prompt = await client.getPrompt({ name: 'explore_table', arguments: { table: 'items', schema } });
        expect(JSON.stringify(prompt.messages)).toContain('name');
    });

    it('describes schema.table and estimates rows of a table never analysed', async () => {
        await psql(`CREATE TABLE ${schema}.fresh WITH (autovacuum_enabled = off) AS SELECT g AS id FROM generate_series(1, 2000) g;
                    GRANT SELECT ON ${schema}.fresh TO ${role};`);
        const described = await client.callTool({ name: 'describe_table', arguments: { table: `${schema}.fresh` } });
        expect(described.isError, text(described)).toBeFalsy();
        expect((described.structuredContent as { estimatedRows: number }).estimatedRows).toBeGreaterThan(0);
        await psql(`DROP TABLE ${schema}.fresh`);
    });

    sqlAttackSuite(
        () => ({
            client: () => client,
            query: 'query',
            state,
            files: [`/tmp/e2e-${suffix}.txt`],
            longQuery: 'SELECT pg_sleep(30)',
            timeoutMessage: /^SQL error 57014: canceling statement due to statement timeout/,
            manyRows: `SELECT id FROM ${schema}.items`,
            maxRows: 50,
            privileged: () => connectStdio(dir, 'auto', { DATABASE_URL: adminUrl! }),
            huge: [
                "SELECT repeat('x', 200000000) AS big",
                `SELECT ${Array.from({ length: 100 }, (_, i) => `repeat('w', 2000000) AS c${i}`).join(', ')}`,
                "SELECT g, repeat('y', 100000) AS filler FROM generate_series(1, 1000000) g",
                "SELECT decode(repeat('ab', 10000000), 'hex') AS raw",
            ],
            maxResultBytes: MAX_RESULT_BYTES,
            session: {
                leave: [
                    'SELECT pg_advisory_lock(7001)',
                    'EXPLAIN ANALYZE SELECT pg_advisory_lock(7002)',
                    "SELECT set_config('work_mem', '1234kB', false)",
                    "SET work_mem = '2345kB'",
                    'LISTEN e2e',
                    'PREPARE e2e AS SELECT 1',
                    'CREATE TEMP TABLE e2e (id int)',
                ],
                inspect: `SELECT (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS locks,
                                 current_setting('work_mem') NOT IN ('1234kB', '2345kB') AS settings_reset,
                                 (SELECT count(*)::int FROM pg_prepared_statements) AS prepared,
                                 (SELECT count(*)::int FROM pg_listening_channels()) AS listening,
                                 (SELECT count(*)::int FROM pg_tables WHERE schemaname LIKE 'pg_temp%') AS temporary`,
                clean: { locks: 0, settings_reset: true, prepared: 0, listening: 0, temporary: 0 },
                locksFree: async () => (await psql('SELECT pg_try_advisory_lock(7001) AND pg_try_advisory_lock(7002)')) === 't',
            },
        }),
        [
            ['INSERT', `INSERT INTO ${schema}.items (name) VALUES ('x')`],
            ['UPDATE', `UPDATE ${schema}.items SET name = 'x'`],
            ['DELETE', `DELETE FROM ${schema}.items`],
            ['DDL', `DROP TABLE ${schema}.items`],
            ['several statements', `SELECT 1; COMMIT; INSERT INTO ${schema}.items (name) VALUES ('x')`],
            ['a writable CTE', `WITH x AS (INSERT INTO ${schema}.items (name) VALUES ('x') RETURNING *) SELECT * FROM x`],
            ['a sequence write', `SELECT nextval('${schema}.items_id_seq')`],
            ['a file write', `COPY (SELECT 1) TO '/tmp/e2e-${suffix}.txt'`],
            ['a file read', "SELECT pg_read_file('/etc/passwd')"],
            ['a global setting', "ALTER SYSTEM SET work_mem = '1MB'"],
            ['a table lock', `LOCK TABLE ${schema}.items IN ACCESS EXCLUSIVE MODE`],
        ],
    );

    it('starts without a database and answers isError naming DATABASE_URL', async () => {
        const offline = await connectStdio(dir, 'legacy', { DATABASE_URL: '' });
        expect((await offline.listTools()).tools.map((t) => t.name)).toContain('query');
        const result = await offline.callTool({ name: 'query', arguments: { sql: 'SELECT 1' } });
        expect(result.isError).toBe(true);
        expect(text(result)).toContain('DATABASE_URL');
        await offline.close();
    });
});
