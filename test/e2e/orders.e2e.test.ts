/**
 * The contract's example spec, end to end: generate outside the repo with a real install,
 * build, run the generated tests, then drive the built server with a real client over stdio
 * (both protocol eras) and over HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../cli/run.js';
import { type HttpServer, type Mode, connectHttp, connectStdio, expectServerMatchesSpec, generateProject, npmRun, projectSpec, startHttp } from './harness.js';
import { parseSpecText } from '../../src/core/spec-file.js';
import { validateSpec } from '../../src/core/spec.js';

const modes: Mode[] = ['legacy', 'auto'];
let dir: string;

describe('the contract example spec, end to end', () => {
    beforeAll(async () => {
        dir = await generateProject('orders', ['--spec', join(FIXTURES, 'orders.yaml')]);
    }, 300_000);

    it('keeps the spec it was generated from', () => {
        const original = validateSpec(parseSpecText(readFileSync(join(FIXTURES, 'orders.yaml'), 'utf8'), 'orders.yaml'), { name: 'x', description: 'x' });
        expect(projectSpec(dir)).toEqual(original);
    });

    it('builds, typechecks and passes its own tests', async () => {
        await npmRun(dir, 'build');
        await npmRun(dir, 'typecheck');
        const output = await npmRun(dir, 'test');
        expect(output).toMatch(/Tests\s+\d+ passed/);
    }, 300_000);

    it.each(modes)(
        'serves the spec over stdio (version negotiation %s)',
        async (mode) => {
            const client = await connectStdio(dir, mode);
            expect(client.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
            await expectServerMatchesSpec(client, projectSpec(dir));
            await client.close();
        },
        60_000,
    );

    describe('over HTTP', () => {
        let server: HttpServer;
        beforeAll(async () => {
            server = await startHttp(dir);
        });
        afterAll(async () => {
            // SIGTERM shuts the server down cleanly, with exit code 0.
            expect(await server.stop()).toBe(0);
        });

        it.each(modes)(
            'serves the spec (version negotiation %s)',
            async (mode) => {
                const client = await connectHttp(server.url, mode);
                expect(client.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
                await expectServerMatchesSpec(client, projectSpec(dir));
                await client.close();
            },
            60_000,
        );
    });
});
