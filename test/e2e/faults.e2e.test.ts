/**
 * A generated server whose database goes away mid-call: PostgreSQL and MariaDB servers of its own (on free
 * ports, started with the .ci scripts) are stopped while queries run, and started again. Every in-flight call
 * must answer isError saying the connection was lost, the server must live on, calls while the database is down
 * must answer isError, and the first call after it is back must succeed. A full pool is reported as such.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, freePort, generateProject, npmRun } from './harness.js';
import { textOf } from './sql-attacks.js';

const exec = promisify(execFile);
const CI_DIR = new URL('../../.ci/', import.meta.url).pathname;
const hasPostgres = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;

/** Runs a .ci start script with `env`; returns the URL its export line carries. */
async function startWith(script: string, env: Record<string, string>): Promise<string> {
    const { stdout } = await exec('bash', [join(CI_DIR, script)], { env: { ...process.env, ...env }, timeout: 300_000 });
    return /=(\S+)\s*$/.exec(stdout.trim())![1]!;
}

/** Polls `check` until it is true (no time limit of its own: the test's timeout bounds it). */
async function until(check: () => Promise<boolean>): Promise<void> {
    while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}

const call = (client: Client, name: string, sql: string) => client.callTool({ name, arguments: { sql } });

/** What each database needs: how to run admin SQL, stop it, start it again, and count running statements. */
interface Database {
    tool: string;
    admin: (sql: string) => Promise<string>;
    running: () => Promise<number>;
    stop: (mode: 'fast' | 'immediate') => Promise<void>;
    start: () => Promise<void>;
    sleep: (seconds: number) => string;
    env: Record<string, string>;
}

let dir: string;

beforeAll(async () => {
    dir = await generateProject('faults', ['--with', 'postgres,mysql', '--transport', 'stdio']);
    await npmRun(dir, 'build');
}, 300_000);

/** The fault scenario, the same for every SQL system. */
function faultSuite(database: () => Database): void {
    let client: Client;

    beforeAll(async () => {
        client = await connectStdio(dir, 'auto', database().env);
    });

    afterAll(async () => {
        await client?.close();
    });

    it.each(['fast', 'immediate'] as const)(
        'survives the database stopping (%s) mid-call and reconnects when it is back',
        async (mode) => {
            const db = database();
            expect((await call(client, db.tool, 'SELECT 1 AS ok')).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });

            const inFlight = [1, 2, 3].map(() => call(client, db.tool, db.sleep(30)));
            await until(async () => (await db.running()) >= 3);
            await db.stop(mode);

            for (const result of await Promise.all(inFlight)) {
                expect(result.isError).toBe(true);
                expect(textOf(result)).toMatch(/connection was lost/);
            }
            // The server lives, and answers while the database is down.
            expect((await client.listTools()).tools.length).toBeGreaterThan(0);
            const down = await call(client, db.tool, 'SELECT 1');
            expect(down.isError).toBe(true);
            expect(textOf(down)).toMatch(/Cannot connect|connection was lost/);

            await db.start();
            const back = await call(client, db.tool, 'SELECT 1 AS ok');
            expect(back.isError, textOf(back)).toBeFalsy();
            expect(back.structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
        },
        120_000,
    );

    it('says the pool is exhausted when every connection stays busy', async () => {
        const db = database();
        const busy = [1, 2, 3, 4, 5].map(() => call(client, db.tool, db.sleep(9)));
        await until(async () => (await db.running()) >= 5);
        const waiting = await call(client, db.tool, 'SELECT 1');
        expect(waiting.isError).toBe(true);
        expect(textOf(waiting)).toMatch(/pool is exhausted/);
        await Promise.all(busy);
    }, 60_000);
}

describe.skipIf(!hasPostgres)('PostgreSQL goes away', () => {
    let port: number;
    let pgDir: string;
    let url: string;
    const bin = () => join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin');
    const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? exec('runuser', ['-u', 'postgres', '--', ...args]) : exec(args[0]!, args.slice(1)));
    const psql = async (sql: string) => (await exec('psql', [url, '-qAtc', sql])).stdout.trim();

    beforeAll(async () => {
        port = await freePort();
        pgDir = `/tmp/mcp-pg-fault-${process.pid}`;
        url = await startWith('start-postgres.sh', { PG_TEST_PORT: String(port), PG_TEST_DIR: pgDir, PG_TEST_DB: 'faults' });
        await psql("CREATE ROLE fault_ro LOGIN PASSWORD 'fault-pw'; GRANT CONNECT ON DATABASE faults TO fault_ro;");
    }, 300_000);

    afterAll(async () => {
        await asPostgres([join(bin(), 'pg_ctl'), '-D', join(pgDir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        rmSync(pgDir, { recursive: true, force: true });
    });

    faultSuite(() => {
        const role = new URL(url);
        role.username = 'fault_ro';
        role.password = 'fault-pw';
        return {
            tool: 'postgres_query',
            admin: psql,
            // A query runs inside the server's select list (after a quick look at its columns, which filters on false).
            running: async () =>
                Number(
                    await psql(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(%' AND query NOT LIKE '%WHERE false' AND state = 'active' AND pid <> pg_backend_pid()",
                    ),
                ),
            stop: async (mode) => {
                await asPostgres([join(bin(), 'pg_ctl'), '-D', join(pgDir, 'data'), '-m', mode, '-w', 'stop']);
            },
            start: async () => {
                await asPostgres([
                    join(bin(), 'pg_ctl'),
                    '-D',
                    join(pgDir, 'data'),
                    '-l',
                    join(pgDir, 'postgres.log'),
                    '-w',
                    '-o',
                    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
                    'start',
                ]);
            },
            sleep: (seconds) => `SELECT pg_sleep(${seconds})`,
            env: { DATABASE_URL: role.href, PG_STATEMENT_TIMEOUT_MS: '60000' },
        };
    });
});

describe('MariaDB goes away', () => {
    let port: number;
    let myDir: string;
    let url: string;
    const mariadb = async (sql: string) => {
        const { stdout } = await exec('mariadb', ['--protocol=tcp', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-N', '-B', '-e', sql]);
        return stdout.trim();
    };
    const start = (restart: boolean) =>
        startWith('start-mariadb.sh', { MYSQL_TEST_PORT: String(port), MYSQL_TEST_DIR: myDir, ...(restart ? { MYSQL_TEST_RESTART: '1' } : {}) });
    const pid = () => Number(readFileSync(join(myDir, 'mariadbd.pid'), 'utf8'));
    const gone = async () => {
        try {
            process.kill(pid(), 0);
            return false;
        } catch {
            return true;
        }
    };

    beforeAll(async () => {
        port = await freePort();
        myDir = `/tmp/mcp-mariadb-fault-${process.pid}`;
        url = await start(false);
        await mariadb(
            "CREATE DATABASE faults; CREATE USER 'fault_ro'@'127.0.0.1' IDENTIFIED BY 'fault-pw'; GRANT SELECT ON faults.* TO 'fault_ro'@'127.0.0.1';",
        );
    }, 300_000);

    afterAll(async () => {
        if (!(await gone())) {
            process.kill(pid(), 'SIGKILL');
            await until(gone);
        }
        rmSync(myDir, { recursive: true, force: true });
    });

    faultSuite(() => {
        const account = new URL(url);
        account.username = 'fault_ro';
        account.password = 'fault-pw';
        account.pathname = '/faults';
        return {
            tool: 'mysql_query',
            admin: mariadb,
            // A query runs inside the server's select list.
            running: async () =>
                Number(await mariadb("SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(%' AND ID <> CONNECTION_ID()")),
            stop: async (mode) => {
                const target = pid();
                process.kill(target, mode === 'fast' ? 'SIGTERM' : 'SIGKILL');
                await until(gone);
            },
            start: async () => {
                await start(true);
            },
            sleep: (seconds) => `SELECT SLEEP(${seconds})`,
            env: { MYSQL_URL: account.href, MYSQL_STATEMENT_TIMEOUT_MS: '60000' },
        };
    });
});
