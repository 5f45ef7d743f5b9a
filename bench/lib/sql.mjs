/**
 * Capped SQL calls: a project with PostgreSQL, MySQL/MariaDB and SQLite, asked for answers that would be
 * huge (one giant value, generated or stored, a hundred wide columns, a million large rows). For every call,
 * a server spawned for it alone: the time from the request to the answer, the server's peak memory above
 * its idle memory (VmHWM − VmRSS after a warm-up call, from /proc, worker threads included), and what came
 * back (its size, truncated or the error). The goal of issue 19: under 2 s, under 300 MB. Next to the time,
 * what the database alone takes to compute the same statement without sending anything (PostgreSQL's
 * EXPLAIN ANALYZE, MariaDB's ANALYZE, as the admin): on a busy machine, building a value of 100 MB is
 * most of the call.
 *
 * The databases are the tests' own: TEST_DATABASE_URL and TEST_MYSQL_URL (.ci/start-postgres.sh,
 * .ci/start-mariadb.sh); a database without one is reported as skipped. SQLite needs nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { INITIALIZE, StdioRpc, since } from './measure.mjs';

/** The byte cap the server runs with (the generated default). */
const CAP = 1_000_000;
const GOAL = { ms: 2000, mb: 300 };
const ID = `cms_bench_${process.pid}`;
const PASSWORD = 'bench-pw';

const columns = (count, expression) => Array.from({ length: count }, (_, i) => `${expression} AS c${i}`).join(', ');

/** What each database is asked, and the fixture (a stored giant value) it is asked about. */
const SYSTEMS = {
    postgres: {
        tool: 'postgres_query',
        cases: [
            ['one 100 MB value, generated', "SELECT repeat('x', 100000000) AS big"],
            ['one 300 MB value, stored', `SELECT id, body FROM ${ID}.documents`],
            ['100 columns of 1 MB', `SELECT ${columns(100, "repeat('w', 1000000)")}`],
            ['a million rows of 100 KB', "SELECT g, repeat('y', 100000) AS filler FROM generate_series(1, 1000000) g"],
        ],
    },
    mysql: {
        tool: 'mysql_query',
        cases: [
            ['one 16 MB value (max_allowed_packet), generated', "SELECT REPEAT('x', 16000000) AS big"],
            ['one 16 MB value, stored', `SELECT id, body FROM ${ID}.documents`],
            ['100 columns of 1 MB', `SELECT ${columns(100, "REPEAT('w', 1000000)")}`],
            // MariaDB's sequence engine (MySQL would need a recursive CTE, capped at 1000 rows by default).
            ['a million rows of 100 KB', "SELECT seq, REPEAT('y', 100000) AS filler FROM seq_1_to_1000000"],
        ],
    },
    sqlite: {
        tool: 'sqlite_query',
        cases: [
            ['one 20 MB value, generated', "SELECT printf('%.*c', 20000000, 'x') AS big"],
            ['one 30 MB value, stored', 'SELECT id, body FROM documents'],
            ['100 columns of 1 MB', `SELECT ${columns(100, "printf('%.*c', 1000000, 'w')")}`],
            [
                'a million rows of 100 KB',
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000000) SELECT n, printf('%.*c', 100000, 'y') FROM g",
            ],
            // Beyond SQLite's working memory here (128 MB): refused with "out of memory", the server unharmed.
            ['one 500 MB value, generated', "SELECT printf('%.*c', 500000000, 'x') AS big"],
        ],
    },
};

/** A process's memory from /proc, in MB: now (VmRSS) and its peak so far (VmHWM). */
function memory(pid) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rss: mb('VmRSS'), peak: mb('VmHWM') };
}

/** A least-privilege role and a schema holding a 300 MB value (PostgreSQL compresses it on disk). */
async function preparePostgres(require, adminUrl) {
    const pg = require('pg');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`
        CREATE SCHEMA ${ID};
        CREATE TABLE ${ID}.documents (id integer PRIMARY KEY, body text);
        INSERT INTO ${ID}.documents VALUES (1, repeat('lorem ipsum ', 25000000));
        CREATE ROLE ${ID} LOGIN PASSWORD '${PASSWORD}';
        GRANT USAGE ON SCHEMA ${ID} TO ${ID};
        GRANT SELECT ON ALL TABLES IN SCHEMA ${ID} TO ${ID};
        SET statement_timeout = '60s';`);
    const url = new URL(adminUrl);
    url.username = ID;
    url.password = PASSWORD;
    return {
        env: { DATABASE_URL: url.href },
        floor: (sql) => timed(() => admin.query(`EXPLAIN (ANALYZE, TIMING OFF) ${sql}`)),
        drop: async () => {
            await admin.query(`DROP SCHEMA ${ID} CASCADE; DROP OWNED BY ${ID}; DROP ROLE ${ID}`);
            await admin.end();
        },
    };
}

/** A SELECT-only account and a database holding a 16 MB value (as large as max_allowed_packet lets one be written). */
async function prepareMysql(require, adminUrl) {
    const mysql = require('mysql2/promise');
    const admin = await mysql.createConnection({ uri: adminUrl, multipleStatements: true });
    await admin.query(`
        CREATE DATABASE ${ID};
        CREATE TABLE ${ID}.documents (id INT PRIMARY KEY, body LONGTEXT);
        INSERT INTO ${ID}.documents VALUES (1, REPEAT('lorem ipsum ', 1300000));
        CREATE USER '${ID}'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
        GRANT SELECT ON ${ID}.* TO '${ID}'@'127.0.0.1';`);
    const url = new URL(adminUrl);
    url.username = ID;
    url.password = PASSWORD;
    url.pathname = `/${ID}`;
    return {
        env: { MYSQL_URL: url.href },
        floor: (sql) => timed(() => admin.query(`SET STATEMENT max_statement_time = 60 FOR ANALYZE ${sql}`)),
        drop: async () => {
            await admin.query(`DROP DATABASE ${ID}; DROP USER '${ID}'@'127.0.0.1'`);
            await admin.end();
        },
    };
}

/** A database file holding a 50 MB value, written with the project's own sql.js. */
async function prepareSqlite(require, work) {
    const SQL = await require('sql.js')();
    const db = new SQL.Database();
    db.run("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO documents VALUES (1, printf('%.*c', 30000000, 'l'));");
    const file = join(work, 'bench.db');
    writeFileSync(file, db.export());
    db.close();
    return { env: { SQLITE_PATH: file }, drop: async () => undefined };
}

/** Milliseconds `run` takes; undefined when it fails. */
async function timed(run) {
    const start = process.hrtime.bigint();
    try {
        await run();
        return since(start);
    } catch {
        return undefined;
    }
}

/** One capped call on a server of its own: time to the answer, peak memory above idle, and what came back. */
async function measureCall(node, dir, env, tool, sql) {
    const rpc = new StdioRpc(node, ['dist/index.js'], dir, { ...process.env, ...env });
    try {
        await rpc.request(INITIALIZE.method, INITIALIZE.params);
        rpc.notify('notifications/initialized');
        // The pool or worker is open and warm before the idle reading.
        await rpc.request('tools/call', { name: tool, arguments: { sql: 'SELECT 1 AS ok' } });
        const idle = memory(rpc.pid).rss;
        const start = process.hrtime.bigint();
        const result = await rpc.request('tools/call', { name: tool, arguments: { sql } });
        const ms = since(start);
        const text = result.content.map((c) => c.text ?? '').join('');
        return {
            ms,
            mb: memory(rpc.pid).peak - idle,
            idle,
            bytes: Buffer.byteLength(text),
            outcome: result.isError
                ? `isError: ${text.slice(0, 70)}`
                : `truncated: ${result.structuredContent.truncated}, ${result.structuredContent.rowCount} rows`,
        };
    } finally {
        await rpc.kill();
    }
}

/**
 * Generates and builds the three-database project (installing its dependencies), prepares each database
 * that is reachable, and measures every case. `cli(args, cwd)` runs the built CLI.
 */
export async function sqlBench({ node, work, cli, npm, log }) {
    cli(['sql', '--with', 'postgres,mysql,sqlite', '--transport', 'stdio', '--yes', '--no-install', '--no-git'], work);
    const dir = join(work, 'sql');
    log('SQL: npm install and build of a postgres,mysql,sqlite project');
    npm(['install'], dir);
    npm(['run', 'build'], dir);
    const require = createRequire(join(dir, 'package.json'));
    const prepare = {
        postgres: () => (process.env.TEST_DATABASE_URL ? preparePostgres(require, process.env.TEST_DATABASE_URL) : undefined),
        mysql: () => (process.env.TEST_MYSQL_URL ? prepareMysql(require, process.env.TEST_MYSQL_URL) : undefined),
        sqlite: () => prepareSqlite(require, work),
    };
    const results = {};
    for (const [id, { tool, cases }] of Object.entries(SYSTEMS)) {
        const fixture = await prepare[id]();
        if (!fixture) {
            results[id] = { skipped: id === 'postgres' ? 'set TEST_DATABASE_URL' : 'set TEST_MYSQL_URL' };
            continue;
        }
        try {
            results[id] = { cases: [] };
            for (const [name, sql] of cases) {
                log(`SQL ${id}: ${name}`);
                const floor = await fixture.floor?.(sql);
                results[id].cases.push({ name, floor, ...(await measureCall(node, dir, fixture.env, tool, sql)) });
            }
        } finally {
            await fixture.drop();
        }
    }
    return { cap: CAP, goal: GOAL, systems: results };
}

/** Table rows and target lines for the report. */
export function sqlReport(r, ms) {
    const rows = [];
    const targets = [];
    for (const [id, result] of Object.entries(r.systems)) {
        if (result.skipped) {
            rows.push([`SQL ${id}: capped calls`, 'skipped', result.skipped, '']);
            continue;
        }
        for (const c of result.cases) {
            const floor = c.floor === undefined ? '' : `, database alone ${ms(c.floor)}`;
            rows.push([
                `SQL ${id}: ${c.name}`,
                ms(c.ms),
                `+${c.mb.toFixed(0)} MB peak over ${c.idle.toFixed(0)} MB idle${floor}`,
                `${(c.bytes / 1000).toFixed(0)} KB; ${c.outcome}`,
            ]);
        }
        const slowest = Math.max(...result.cases.map((c) => c.ms));
        const largest = Math.max(...result.cases.map((c) => c.mb));
        const within = result.cases.every((c) => c.bytes <= r.cap);
        targets.push({
            name: `SQL ${id}: every capped call answers in < ${r.goal.ms / 1000} s, the server < ${r.goal.mb} MB above idle, the answer within the cap`,
            pass: slowest < r.goal.ms && largest < r.goal.mb && within,
            value: `slowest ${ms(slowest)}, peak +${largest.toFixed(0)} MB`,
        });
    }
    return { rows, targets };
}
