/**
 * The attack suite every SQL system of a generated server must pass, written once: through a real
 * MCP client talking to the built server over stdio, each attack is refused (or, for reads of
 * server files, comes back empty) and the data is checked unchanged afterwards (counts and checksums);
 * huge answers come back within the byte cap; and what a call leaves in its database session (locks,
 * variables, settings) is gone for the next call on the same connection.
 */
import { existsSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/client';
import { expect, it } from 'vitest';

export type ToolResult = Awaited<ReturnType<Client['callTool']>>;

export const textOf = (result: ToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

export interface SqlTarget {
    /** The client connected as the least-privilege account, and the name of its query tool. */
    client: () => Client;
    query: string;
    /** Counts and checksums of everything an attack could change, read outside the server. */
    state: () => Promise<string>;
    /** Files an attack may try to write; none may exist afterwards. */
    files: string[];
    /** A statement that runs far past the server's timeout, and the message it must end with. */
    longQuery: string;
    timeoutMessage: RegExp;
    /** A statement returning more rows than the cap, and the cap the server was started with. */
    manyRows: string;
    maxRows: number;
    /** A client connected as a privileged account, which must be refused (systems with accounts). */
    privileged?: () => Promise<Client>;
    /** Statements whose answers would be huge (values, columns, rows), and the byte cap the server was started with. */
    huge: string[];
    maxResultBytes: number;
    /**
     * Systems with accounts and pooled sessions, the server started with a pool of one connection: statements that leave state
     * in a session, one that reads that state back (its first row must match `clean`), and whether another session
     * can take the locks they took.
     */
    session?: { leave: string[]; inspect: string; clean: Record<string, unknown>; locksFree: () => Promise<boolean> };
}

/**
 * Registers the attack tests for one SQL system: `attacks` are statements that must fail, by kind (writes, DDL,
 * several statements, file writes and reads, global settings, locking); `target` is read when the tests run.
 */
export function sqlAttackSuite(target: () => SqlTarget, attacks: [string, string][], accounts = true): void {
    const call = (sql: string) => target().client().callTool({ name: target().query, arguments: { sql } });

    it.each(attacks)('refuses %s with the data intact', async (_kind, sql) => {
        const before = await target().state();
        const result = await call(sql);
        expect(result.isError, textOf(result)).toBe(true);
        expect(await target().state()).toBe(before);
        for (const file of target().files) expect(existsSync(file)).toBe(false);
    });

    it('cuts a long query at the timeout and keeps answering', async () => {
        const before = await target().state();
        const result = await call(target().longQuery);
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(target().timeoutMessage);
        expect(await target().state()).toBe(before);
        expect((await call('SELECT 1 AS ok')).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
    });

    it('caps the rows and says truncated', async () => {
        const result = await call(target().manyRows);
        expect(result.isError, textOf(result)).toBeFalsy();
        expect(result.structuredContent).toMatchObject({ rowCount: target().maxRows, truncated: true });
    });

    it('answers huge values, many columns and many large rows within the byte cap, and keeps answering', async () => {
        for (const sql of target().huge) {
            const result = await call(sql);
            expect(Buffer.byteLength(textOf(result)), sql).toBeLessThanOrEqual(target().maxResultBytes);
            if (!result.isError) expect(result.structuredContent, sql).toMatchObject({ truncated: true, note: expect.any(String) });
        }
        expect((await call('SELECT 1 AS ok')).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
    });

    // SQLite has no accounts and no pooled sessions: nothing to refuse or to reset there.
    if (!accounts) return;

    it('leaves nothing of a call in the session for the next one', async () => {
        const session = target().session!;
        for (const sql of session.leave) await call(sql);
        const result = await call(session.inspect);
        expect(result.isError, textOf(result)).toBeFalsy();
        expect((result.structuredContent as { rows: unknown[] }).rows[0]).toMatchObject(session.clean);
        expect(await session.locksFree()).toBe(true);
    });

    it('refuses a privileged account outright', async () => {
        const client = await target().privileged!();
        try {
            const result = await client.callTool({ name: target().query, arguments: { sql: 'SELECT 1' } });
            expect(result.isError).toBe(true);
            expect(textOf(result)).toMatch(/superuser|privilege/);
        } finally {
            await client.close();
        }
    });
}
