/**
 * Hostile OpenAPI documents (and a hostile spec file) through the built CLI, as an attacker who
 * hands someone a document would try them:
 *
 * - references stay where the user pointed: no `..`, absolute path, symbolic link, FIFO, device or
 *   /proc file outside the document's folder; no network reference of a local document (a dry run
 *   included), no other origin for a URL document, redirects checked hop by hop; size and time
 *   capped, Ctrl-C ends a stalled download. Each refusal is one line naming the document and the
 *   reference, exit 1, nothing written. Two local HTTP servers (two origins) count what they serve.
 * - bounded work: YAML aliases, deep nesting, reference chains across 10,000 files or 10,000
 *   schemas, and operations that would multiply shared schemas end in time or in one line.
 * - nothing from a document becomes code or configuration: one document carries hostile text in
 *   every field the generator copies (each piece would write a marker file if anything ran it); the
 *   project installs, builds, typechecks, passes its own check and tests, starts with its
 *   `.env.example` loaded, and a real MCP client (and the raw JSON-RPC answer) sees the text as
 *   the document wrote it. Names every object has (`constructor`, `__proto__`…) give working tools,
 *   security schemes whose variables collide are renamed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type Run, run, tempDir } from '../cli/run.js';
import { generateProject, npmRun } from './harness.js';
import { htmlToMarkdown } from '../../src/integrations/openapi/text.js';

const work = tempDir('cms-hostile-');
/** Written by any payload that runs. */
const MARKER = join(work, 'MARKER');
const noSteps = ['--yes', '--no-install', '--no-git'];

/** JavaScript that writes the marker, naming what ran. */
const writeMarker = (field: string) => `import('node:fs').then((f) => f.writeFileSync(${JSON.stringify(MARKER)}, ${JSON.stringify(field)}))`;

/**
 * Text that does something wherever a generator pastes it raw: it closes string literals of every
 * kind, template literals, comments (by `*\/` and every line terminator), Markdown and HTML,
 * Handlebars, YAML, JSON and `.env` lines, runs shell commands, and carries controls, escape
 * sequences, bidirectional overrides, a NUL and a lone surrogate.
 */
function hostile(field: string): string {
    const w = writeMarker(field);
    return [
        `${field}: '); ${w}; ('`,
        `"); ${w}; ("`,
        `\`); ${w}; (\``,
        `\${${w}}`,
        `*/ ${w}; /*`,
        `\n${w}; //`,
        `\r${w}; //`,
        `\u2028${w}; //`,
        `\u2029${w}; //`,
        `--> <!-- <script>${w}</script> <img src=x onerror="${w}"> [a](javascript:${w})`,
        '\n# Heading\n| a | b |\n> quote\n- item\n1. one\n***',
        '{{#each env}}x{{/each}} {{{raw}}} {{> partial}}',
        `$(touch ${MARKER}) \`touch ${MARKER}\` ; touch ${MARKER}`,
        "\nkey: value\n- item\n&a *a !!js/function 'f' %YAML 1.2\n---\n...",
        '", "injected": true, "x": "',
        `\nNODE_OPTIONS=--import=data:text/javascript,${encodeURIComponent(w)}\nX=\${HOME}`,
        'NUL\u0000 bell\u0007 osc\u001b]52;c;aGk=\u0007 \u001b[31mred del\u007f nel\u0085 vt\u000b ff\u000c tab\t',
        'bidi \u202eevil\u202c \u2066iso\u2069 bom\ufeff lone \ud800 emoji 🚀 שלום',
    ].join(' ');
}

/** Short hostile text, for fields that are cut at 100 characters: it would end the process if it ran. */
const SHORT = '*/\u2028\'"`${process.exit(9)}\n\r<!--{{x}}';

/** A local HTTP server whose answers are given by path; it counts every request. */
interface Site {
    url: string;
    origin: string;
    hits: string[];
    close(): Promise<void>;
}

async function site(routes: Record<string, (req: IncomingMessage, res: ServerResponse, site: Site) => void>): Promise<Site> {
    let self: Site;
    const server: Server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0]!;
        self.hits.push(path);
        const route = routes[path];
        if (route) route(req, res, self);
        else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    self = {
        url: origin,
        origin,
        hits: [],
        close: () => {
            server.closeAllConnections();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
    return self;
}

const yamlDoc = (extra: string) => `openapi: 3.0.3\ninfo: { title: Refs, version: "1" }\n${extra}`;
/** A document with one operation whose body schema is the reference given. */
const refDoc = (ref: string) =>
    yamlDoc(
        `paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: { content: { application/json: { schema: { $ref: ${JSON.stringify(ref)} } } } }\n      responses: { "200": { description: ok } }\n`,
    );
const part = 'type: object\nproperties:\n  label: { type: string }\n';

/** Expects one line on stderr that names `document` and `reference`, exit 1, and no project written. */
function expectRefusal(result: Run, cwd: string, mentions: (string | RegExp)[]): void {
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^--openapi \(systems: openapi document\): /);
    expect(lines[0]).not.toMatch(/Unexpected error|Maximum call stack/);
    for (const mention of mentions)
        expect(lines[0]).toMatch(typeof mention === 'string' ? new RegExp(mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : mention);
    expect(existsSync(join(cwd, 'p'))).toBe(false);
}

let api: Site;
let other: Site;
let slowHit: () => void = () => {};
const slowRequested = () => new Promise<void>((resolve) => (slowHit = resolve));

beforeAll(async () => {
    other = await site({ '/x.yaml': (_, res) => res.end(part) });
    api = await site({
        '/doc.yaml': (_, res) => res.end(refDoc('part.yaml')),
        '/part.yaml': (_, res) => res.end(part),
        '/moved.yaml': (_, res) => res.writeHead(302, { location: '/doc.yaml' }).end(),
        '/cross.yaml': (_, res) => res.end(refDoc(`${other.url}/x.yaml`)),
        '/to-other.yaml': (_, res) => res.end(refDoc('redirect-other.yaml')),
        '/redirect-other.yaml': (_, res) => res.writeHead(302, { location: `${other.url}/x.yaml` }).end(),
        '/to-file.yaml': (_, res) => res.end(refDoc('redirect-file.yaml')),
        '/redirect-file.yaml': (_, res) => res.writeHead(301, { location: 'file:///etc/passwd' }).end(),
        '/loop.yaml': (_, res) => res.writeHead(302, { location: '/loop.yaml' }).end(),
        // Headers and a first line, then nothing, ever.
        '/slow.yaml': (_, res) => {
            res.writeHead(200, { 'content-type': 'application/yaml' });
            res.write('openapi: 3.0.3\n');
            slowHit();
        },
        // No length announced, and no end.
        '/endless.yaml': (_, res) => {
            res.writeHead(200, { 'content-type': 'application/yaml' });
            const chunk = `# ${'a'.repeat(64 * 1024)}\n`;
            const pump = () => {
                while (res.write(chunk));
                res.once('drain', pump);
            };
            pump();
            res.once('close', () => res.removeAllListeners('drain'));
        },
        '/announced.yaml': (_, res) => res.writeHead(200, { 'content-length': String(200 * 1024 * 1024) }).write('openapi: 3.0.3\n'),
    });
});

afterAll(async () => {
    await api?.close();
    await other?.close();
    expect(existsSync(MARKER), existsSync(MARKER) ? `a payload ran: ${readFileSync(MARKER, 'utf8')}` : '').toBe(false);
});

describe('references stay where the user pointed', () => {
    /** A folder holding `api/main.yaml` (the document) and a file outside it. */
    function layout(ref: string): string {
        const cwd = tempDir('cms-hostile-refs-');
        mkdirSync(join(cwd, 'api/parts'), { recursive: true });
        writeFileSync(join(cwd, 'secret.yaml'), 'label: { type: string }\n');
        writeFileSync(join(cwd, 'api/parts/ok.yaml'), part);
        writeFileSync(join(cwd, 'api/main.yaml'), refDoc(ref));
        return cwd;
    }

    it('reads references inside the folder of the document', async () => {
        const cwd = layout('parts/ok.yaml');
        const result = await run(['p', '--openapi', 'api/main.yaml', ...noSteps], { cwd });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(readFileSync(join(cwd, 'p/openapi.json'), 'utf8'))['x-bundled']).toEqual({ ok: parseYaml(part) });
    });

    it.each([
        ['.. out of the folder', '../secret.yaml', /leads outside .*api, the document's folder; --openapi-ref-root <dir> widens it$/],
        ['.. hidden in a longer path', 'parts/../../secret.yaml', /leads outside/],
        ['percent-encoded ..', '%2e%2e/secret.yaml', /leads outside/],
        ['an absolute path', '/etc/passwd', /is an absolute path/],
        ['/proc', '/proc/self/environ', /is an absolute path/],
        ['a file: URL', 'file:///etc/passwd', /names a file: URL/],
        ['another scheme', 'ftp://127.0.0.1/x.yaml', /names a ftp: URL/],
        ['a NUL', 'parts/ok.yaml\u0000.png', /holds a NUL character/],
    ])('refuses %s in one line', async (_, ref, reason) => {
        const cwd = layout(ref);
        const result = await run(['p', '--openapi', 'api/main.yaml', ...noSteps], { cwd });
        expectRefusal(result, cwd, ['api/main.yaml', `$ref ${JSON.stringify(ref).replace('\\u0000', '\\u0000')}`, reason]);
    });

    it('refuses a symbolic link leading out, a FIFO, and a device or /proc file even under a wider root', async () => {
        const cwd = layout('parts/link.yaml');
        symlinkSync('../../secret.yaml', join(cwd, 'api/parts/link.yaml'));
        expectRefusal(await run(['p', '--openapi', 'api/main.yaml', ...noSteps], { cwd }), cwd, [
            '"parts/link.yaml"',
            /leads outside .* once symbolic links are followed/,
        ]);

        // A FIFO nobody writes to: refused at once, whether referenced or named as the document.
        execFileSync('mkfifo', [join(cwd, 'api/parts/fifo.yaml')]);
        writeFileSync(join(cwd, 'api/main.yaml'), refDoc('parts/fifo.yaml'));
        expectRefusal(await run(['p', '--openapi', 'api/main.yaml', ...noSteps], { cwd }), cwd, ['"parts/fifo.yaml"', /is a FIFO, not a regular file$/]);
        expectRefusal(await run(['p', '--openapi', 'api/parts/fifo.yaml', ...noSteps], { cwd }), cwd, [/api\/parts\/fifo\.yaml: is a FIFO/]);
        // A spec file is read the same way.
        const spec = await run(['p', '--spec', 'api/parts/fifo.yaml', ...noSteps], { cwd });
        expect([spec.code, spec.stderr.trim()]).toEqual([1, '--spec: cannot read api/parts/fifo.yaml: is a FIFO, not a regular file']);

        // --openapi-ref-root / lets references climb, but never into the system's own files.
        const up = '../'.repeat(cwd.split('/').length + 2);
        for (const target of ['proc/self/environ', 'dev/zero', 'dev/null']) {
            writeFileSync(join(cwd, 'api/main.yaml'), refDoc(`${up}${target}`));
            const result = await run(['p', '--openapi', 'api/main.yaml', '--openapi-ref-root', '/', ...noSteps], { cwd });
            expectRefusal(result, cwd, [`${target}`, /is a file of the system \(\/(proc|dev)\/.*\), not a document$/]);
        }
    });

    it('widens the folder only as far as --openapi-ref-root says', async () => {
        const cwd = layout('../secret.yaml');
        const result = await run(['p', '--openapi', 'api/main.yaml', '--openapi-ref-root', '.', ...noSteps], { cwd });
        expect(result.code, result.stderr).toBe(0);
        const deeper = layout('../../secret.yaml');
        expectRefusal(await run(['p', '--openapi', 'api/main.yaml', '--openapi-ref-root', '.', ...noSteps], { cwd: deeper }), deeper, [/leads outside/]);
    });

    it("keeps a spec file's document in the spec's folder", async () => {
        const cwd = layout('parts/ok.yaml');
        writeFileSync(join(cwd, 'api/spec.yaml'), 'name: p\nsystems:\n  - type: openapi\n    document: ../secret.yaml\n');
        expectRefusal(await run(['p', '--spec', 'api/spec.yaml', ...noSteps], { cwd }), cwd, [
            '../secret.yaml',
            /a spec file's document must sit in its folder/,
        ]);
        writeFileSync(join(cwd, 'api/spec.yaml'), 'name: p\nsystems:\n  - type: openapi\n    document: main.yaml\n');
        const result = await run(['p', '--spec', 'api/spec.yaml', ...noSteps], { cwd });
        expect(result.code, result.stderr).toBe(0);
    });

    it("fetches a local document's network references only with --openapi-allow-network, a dry run included", async () => {
        const cwd = layout(`${api.url}/part.yaml`);
        const before = api.hits.length;
        for (const extra of [[], ['--dry-run']]) {
            expectRefusal(await run(['p', '--openapi', 'api/main.yaml', ...extra, ...noSteps], { cwd }), cwd, [
                `${api.url}/part.yaml`,
                /reaches the network; a local document's network references are fetched only with --openapi-allow-network$/,
            ]);
        }
        expect(api.hits.slice(before)).toEqual([]);
        const allowed = await run(['p', '--openapi', 'api/main.yaml', '--openapi-allow-network', '--dry-run', ...noSteps], { cwd });
        expect(allowed.code, allowed.stderr).toBe(0);
        expect(api.hits.slice(before)).toEqual(['/part.yaml']);
    });

    it('lets a URL document reach its own origin, redirects included, and no other', async () => {
        const cwd = tempDir('cms-hostile-url-');
        for (const doc of ['doc.yaml', 'moved.yaml']) {
            const result = await run(['p', '--openapi', `${api.url}/${doc}`, '--dry-run', ...noSteps], { cwd });
            expect(result.code, result.stderr).toBe(0);
        }
        const seen = other.hits.length;
        expectRefusal(await run(['p', '--openapi', `${api.url}/cross.yaml`, ...noSteps], { cwd }), cwd, [
            `${api.url}/cross.yaml`,
            `${other.url}/x.yaml`,
            /reaches another origin \(".*"\) than the document's; --openapi-allow-network lets it$/,
        ]);
        expectRefusal(await run(['p', '--openapi', `${api.url}/to-other.yaml`, ...noSteps], { cwd }), cwd, [
            '"redirect-other.yaml"',
            /redirects to another origin .*; --openapi-allow-network lets it$/,
        ]);
        expect(other.hits.slice(seen)).toEqual([]);
        expectRefusal(await run(['p', '--openapi', `${api.url}/to-file.yaml`, '--openapi-allow-network', ...noSteps], { cwd }), cwd, [
            '"redirect-file.yaml"',
            /redirects to "file:\/\/\/etc\/passwd": only http\(s\) redirects are followed/,
        ]);
        expectRefusal(await run(['p', '--openapi', `${api.url}/loop.yaml`, ...noSteps], { cwd }), cwd, [/loop\.yaml: redirects more than 10 times$/]);
        // With the flag, another origin is read.
        const allowed = await run(['p', '--openapi', `${api.url}/cross.yaml`, '--openapi-allow-network', '--dry-run', ...noSteps], { cwd });
        expect(allowed.code, allowed.stderr).toBe(0);
        expect(other.hits.slice(seen)).toEqual(['/x.yaml']);
    });

    it('caps the size of what is read and the time downloads take', async () => {
        const cwd = tempDir('cms-hostile-caps-');
        expectRefusal(await run(['p', '--openapi', `${api.url}/endless.yaml`, '--openapi-max-size', '1', ...noSteps], { cwd }), cwd, [
            /endless\.yaml: the document and the files it references take more than 1 MB; --openapi-max-size <MB> raises the cap$/,
        ]);
        expectRefusal(await run(['p', '--openapi', `${api.url}/announced.yaml`, ...noSteps], { cwd }), cwd, [/take more than 50 MB/]);
        writeFileSync(join(cwd, 'big.yaml'), `${refDoc('#/x')}${'# padding\n'.repeat(5000)}`);
        expectRefusal(await run(['p', '--openapi', 'big.yaml', '--openapi-max-size', '0.01', ...noSteps], { cwd }), cwd, [/big\.yaml: .*take more than 0 MB/]);
        expectRefusal(await run(['p', '--openapi', `${api.url}/slow.yaml`, '--openapi-timeout', '1', ...noSteps], { cwd }), cwd, [
            /slow\.yaml: the downloads took more than 1 s; --openapi-timeout <seconds> gives them longer$/,
        ]);
        const bad = await run(['p', '--openapi', 'big.yaml', '--openapi-max-size', 'lots', ...noSteps], { cwd });
        expect(bad.stderr.trim()).toBe('--openapi-max-size: expected a number of megabytes above 0, got "lots"');
    });

    it('ends at once on Ctrl-C while a download stalls', async () => {
        const cwd = tempDir('cms-hostile-int-');
        const requested = slowRequested();
        const child: ChildProcess = spawn(process.execPath, [BIN, 'p', '--openapi', `${api.url}/slow.yaml`, ...noSteps], {
            cwd,
            env: { ...process.env, NO_COLOR: '1' },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d) => (stderr += d));
        const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
        await requested;
        child.kill('SIGINT');
        expect(await exited).toBe(130);
        expect(stderr).toContain('Operation cancelled (SIGINT)');
        expect(existsSync(join(cwd, 'p'))).toBe(false);
    });
});

describe('bounded work', () => {
    const cwd = tempDir('cms-hostile-bounds-');

    it('keeps the YAML alias limit for every file, and refuses nesting no document needs', async () => {
        let laughs = yamlDoc('paths: {}\nx-0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n');
        for (let i = 1; i < 10; i++)
            laughs += `x-${i}: &l${i} [${Array(10)
                .fill(`*l${i - 1}`)
                .join(', ')}]\n`;
        writeFileSync(join(cwd, 'laughs.yaml'), laughs);
        writeFileSync(join(cwd, 'main.yaml'), refDoc('laughs.yaml#/x-9'));
        for (const doc of ['laughs.yaml', 'main.yaml']) {
            expectRefusal(await run(['p', '--openapi', doc, ...noSteps], { cwd }), cwd, [
                /laughs\.yaml.*: its YAML aliases would repeat their content without bound/,
            ]);
        }
        writeFileSync(join(cwd, 'cycle.yaml'), yamlDoc('paths: {}\nx: &a { b: *a }\n'));
        expectRefusal(await run(['p', '--openapi', 'cycle.yaml', ...noSteps], { cwd }), cwd, [/cycle\.yaml: nested more than 256 levels deep$/]);
        const depth = 200_000;
        writeFileSync(join(cwd, 'deep.json'), `{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`);
        expectRefusal(await run(['p', '--openapi', 'deep.json', ...noSteps], { cwd }), cwd, [/deep\.json: nested more than 256 levels deep$/]);
        writeFileSync(join(cwd, 'deep.yaml'), yamlDoc(`paths: {}\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`));
        expectRefusal(await run(['p', '--openapi', 'deep.yaml', ...noSteps], { cwd }), cwd, [/deep\.yaml: nested (too deeply to read|more than 256 levels)/]);
    });

    it('follows a chain of 10,000 files, and of 10,000 schemas in one file, without a deep recursion', async () => {
        const n = 10_000;
        mkdirSync(join(cwd, 'chain'));
        writeFileSync(join(cwd, 'chain/main.yaml'), refDoc('s/0.yaml'));
        mkdirSync(join(cwd, 'chain/s'));
        for (let i = 0; i < n; i++) {
            writeFileSync(join(cwd, `chain/s/${i}.yaml`), i + 1 < n ? `type: object\nproperties:\n  next: { $ref: "${i + 1}.yaml" }\n` : 'type: string\n');
        }
        const files = await run(['p', '--openapi', 'chain/main.yaml', '--dry-run', ...noSteps], { cwd, timeoutMs: 120_000 });
        expect(files.code, files.stderr).toBe(0);

        const schemas = Object.fromEntries(
            Array.from({ length: n }, (_, i) => [
                `S${i}`,
                i + 1 < n ? { type: 'object', properties: { next: { $ref: `#/components/schemas/S${i + 1}` } } } : { type: 'string' },
            ]),
        );
        const inner = { ...parseYaml(refDoc('#/components/schemas/S0')), components: { schemas } };
        writeFileSync(join(cwd, 'inner.json'), JSON.stringify(inner));
        const one = await run(['p', '--openapi', 'inner.json', ...noSteps], { cwd, timeoutMs: 120_000 });
        expect(one.code, one.stderr).toBe(0);
        expect(readFileSync(join(cwd, 'p/src/openapi/data/schemas.json'), 'utf8')).toContain('"S9999"');
        rmSync(join(cwd, 'p'), { recursive: true });
    }, 240_000);

    it('keeps the schemas many operations share once: the table grows with the document, not with operations × schemas', async () => {
        // 1,000 operations that each reach a chain of 2,000 schemas: the table holds the chain once.
        const schemas = Object.fromEntries(
            Array.from({ length: 2000 }, (_, i) => [`S${i}`, { type: 'object', properties: { next: { $ref: `#/components/schemas/S${(i + 1) % 2000}` } } }]),
        );
        const paths = Object.fromEntries(
            Array.from({ length: 1000 }, (_, i) => [
                `/r${i}`,
                {
                    post: {
                        operationId: `op${i}`,
                        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/S0' } } } },
                        responses: {},
                    },
                },
            ]),
        );
        const document = JSON.stringify({ openapi: '3.0.3', info: { title: 'Wide', version: '1' }, paths, components: { schemas } });
        writeFileSync(join(cwd, 'wide.json'), document);
        const made = await run(['wide', '--openapi', 'wide.json', '--openapi-max-size', '5', ...noSteps], { cwd, timeoutMs: 120_000 });
        expect(made.code, made.stderr).toBe(0);
        const data = ['operations.json', 'schemas.json'].map((file) => readFileSync(join(cwd, 'wide/src/openapi/data', file), 'utf8'));
        expect(data[1]!.match(/^ {2}"S\d+": \{$/gm)).toHaveLength(2000);
        expect(data[0]!.length + data[1]!.length).toBeLessThan(10 * document.length);
        rmSync(join(cwd, 'wide'), { recursive: true });
    }, 120_000);

    it('refuses a table beyond the cap, in one line', async () => {
        // 300 operations sharing 200 query parameters: each operation copies them into its input.
        const parameters = Array.from({ length: 200 }, (_, i) => ({ $ref: `#/components/parameters/P${i}` }));
        const components = {
            parameters: Object.fromEntries(
                Array.from({ length: 200 }, (_, i) => [`P${i}`, { name: `p${i}`, in: 'query', description: 'x'.repeat(400), schema: { type: 'string' } }]),
            ),
        };
        const paths = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`/r${i}`, { get: { operationId: `op${i}`, parameters, responses: {} } }]));
        writeFileSync(join(cwd, 'wide.json'), JSON.stringify({ openapi: '3.0.3', info: { title: 'Wide', version: '1' }, paths, components }));
        expectRefusal(await run(['p', '--openapi', 'wide.json', '--openapi-max-size', '5', ...noSteps], { cwd, timeoutMs: 120_000 }), cwd, [
            /wide\.json: the tool table would take more than 5 MB; .*--openapi-include.*--openapi-max-size$/,
        ]);
    }, 120_000);
});

describe('a project from a document with hostile text in every field it copies', () => {
    const summary = `Sum ${SHORT} end\nsecond line */ \u2029 ${writeMarker('summary')}`;
    const path = `/h/${SHORT.replace(/\n|\r/g, '')}/{id}`;
    const schemeName = `key ${SHORT}`;
    const document = {
        openapi: '3.0.3',
        info: {
            title: `Hostile ${SHORT}`,
            description: hostile('info.description'),
            version: hostile('info.version'),
            contact: { name: hostile('contact'), url: 'https://example.com', email: 'a@example.com' },
            license: { name: hostile('license') },
        },
        externalDocs: { description: hostile('externalDocs'), url: 'https://example.com/docs' },
        tags: [{ name: hostile('tag'), description: hostile('tag.description') }],
        servers: [
            {
                url: `https://{host}.example.com/${hostile('server')}`,
                description: hostile('server.description'),
                variables: { host: { default: hostile('server.variable'), enum: [hostile('server.variable')], description: hostile('variable') } },
            },
            { url: `https://x.example.com/${SHORT.replace(/[{}]/g, '')}`, description: hostile('server.description') },
        ],
        paths: {
            [path]: {
                post: {
                    operationId: 'hostile_op',
                    summary,
                    description: hostile('description'),
                    tags: [hostile('tag')],
                    externalDocs: { url: 'https://example.com', description: hostile('op.externalDocs') },
                    parameters: [
                        { name: 'id', in: 'path', required: true, description: hostile('path.description'), schema: { type: 'string', pattern: '^[a-z]+$' } },
                        {
                            name: 'q',
                            in: 'query',
                            required: true,
                            description: hostile('q.description'),
                            example: hostile('q.example'),
                            schema: { type: 'string', enum: [hostile('enum.a'), hostile('enum.b')], default: hostile('enum.a'), title: hostile('q.title') },
                        },
                        { name: `n${SHORT}`, in: 'header', description: hostile('header.description'), schema: { type: 'string', format: hostile('format') } },
                    ],
                    requestBody: {
                        description: hostile('body.description'),
                        required: true,
                        content: {
                            'application/json': {
                                schema: {
                                    type: 'object',
                                    // Object.fromEntries makes `__proto__` a property, as JSON.parse does (a literal would set the prototype).
                                    properties: Object.fromEntries([
                                        ['__proto__', { type: 'string', description: hostile('__proto__.description') }],
                                        ['constructor', { type: 'string', examples: [hostile('examples')] }],
                                        ['plain', { $ref: '#/components/schemas/__proto__' }],
                                    ]),
                                },
                                examples: { one: { summary: hostile('examples.summary'), value: { x: hostile('examples.value') } } },
                            },
                        },
                    },
                    security: [{ [schemeName]: [] }],
                    responses: { '200': { description: hostile('response') } },
                },
            },
            // Operations named like the members of every object, and parameters too.
            '/names/constructor': {
                get: {
                    operationId: 'constructor',
                    parameters: ['constructor', 'toString', '__proto__'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
                    security: [{ TOOLS: [] }],
                    responses: {},
                },
            },
            '/names/toString': { get: { operationId: 'toString', security: [{ 'a-b': [] }], responses: {} } },
            '/names/valueOf': { get: { operationId: 'valueOf', security: [{ a_b: [] }], responses: {} } },
            '/names/hasOwnProperty': { get: { operationId: 'hasOwnProperty', security: [{ oauth: [hostile('scope')] }], responses: {} } },
            '/names/proto': { get: { operationId: '__proto__', responses: {} } },
            '/names/getter': { get: { operationId: '__defineGetter__', responses: {} } },
            '/names/isPrototypeOf': { get: { operationId: 'isPrototypeOf', responses: {} } },
            // A media type that could not be a Content-Type header is not offered; the other one is.
            '/media': {
                post: {
                    operationId: 'media',
                    requestBody: {
                        content: {
                            [`text/plain; x="${SHORT}"`]: { schema: { type: 'integer' } },
                            'text/plain; charset=utf-8': { schema: { type: 'string', description: hostile('text body') } },
                        },
                    },
                    responses: {},
                },
            },
        },
        components: {
            schemas: Object.fromEntries([
                [
                    '__proto__',
                    { type: 'object', description: hostile('schema.description'), properties: { x: { type: 'string', enum: [hostile('schema.enum')] } } },
                ],
            ]),
            securitySchemes: {
                [schemeName]: { type: 'apiKey', in: 'header', name: `X-Key-${SHORT.replace(/[^\x21-\x7e]/g, '')}`, description: hostile('scheme.description') },
                // Its variable would be the server's own HOSTILE_TOOLS; a-b and a_b would share one.
                TOOLS: { type: 'apiKey', in: 'header', name: 'X-Tools' },
                'a-b': { type: 'http', scheme: 'bearer', description: hostile('a-b') },
                a_b: { type: 'http', scheme: 'bearer' },
                oauth: {
                    type: 'oauth2',
                    description: hostile('oauth'),
                    flows: {
                        clientCredentials: {
                            tokenUrl: `https://auth.example.com/${hostile('tokenUrl')}`,
                            scopes: { [hostile('scope')]: hostile('scope.description') },
                        },
                    },
                },
            },
        },
    };

    let dir: string;
    let cli: Run;
    let client: Client | undefined;
    let upstream: Server | undefined;

    beforeAll(async () => {
        const docDir = tempDir('cms-hostile-doc-');
        // A part in YAML, referenced by the JSON document: both readers see the payloads.
        writeFileSync(join(docDir, 'part.yaml'), stringifyYaml({ shared: { type: 'string', description: hostile('yaml part') } }));
        document.paths[path]!.post!.parameters!.push({ name: 'yaml', in: 'query', schema: { $ref: 'part.yaml#/shared' } } as never);
        const text = JSON.stringify(document);
        expect(text).toContain('"properties":{"__proto__":');
        writeFileSync(join(docDir, 'hostile.json'), text);
        const args = ['--openapi', join(docDir, 'hostile.json'), '--openapi-env-prefix', 'hostile', '--transport', 'stdio'];
        dir = await generateProject('hostile', args);
        // What the CLI prints, again without writing: a dry run over the same document.
        cli = await run(['hostile', ...args, '--dry-run', ...noSteps], { cwd: docDir });
    }, 600_000);

    afterAll(async () => {
        await client?.close();
        await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
    });

    it('prints every rename and note on one line each, with nothing a terminal would act on', () => {
        expect(cli.code, cli.stderr).toBe(0);
        const out = cli.stdout + cli.stderr;
        expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
            expect(out).toMatch(
                new RegExp(`operation "${name}" \\(GET /names/\\w+\\) is the tool ${name}_[0-9a-f]{6}: a name every JavaScript object already has`),
            );
        }
        expect(out).toContain('operation "__proto__" (GET /names/proto) is the tool proto');
        expect(out).toContain('OpenAPI: the security scheme "TOOLS" reads HOSTILE_TOOLS_2: HOSTILE_TOOLS was taken');
        expect(out).toContain('OpenAPI: the security scheme "a_b" reads HOSTILE_A_B_2_TOKEN: HOSTILE_A_B_TOKEN was taken');
        expect(out).toMatch(/OpenAPI: the server URL "https:\/\/.*" is not a plain http\(s\) URL and is left out; set HOSTILE_BASE_URL/);
        expect(out).toMatch(/OpenAPI: the token URL "https:\/\/auth\.example\.com\/.*" of the security scheme "oauth" is not a plain absolute http\(s\) URL/);
    });

    it('writes configuration files whose text stays text: one .env value per line, Markdown without markup, valid YAML and JSON', () => {
        const env = readFileSync(join(dir, '.env.example'), 'utf8');
        const lines = env.split('\n');
        // Only comments and one assignment per line: the required base URL, with a safe example.
        expect(lines.filter((l) => l !== '' && !l.startsWith('#'))).toEqual(['HOSTILE_BASE_URL=https://api.example.com']);
        expect(env).not.toMatch(/[\r\u2028\u2029\u0085\u000b\u000c]/);
        const parsed = Object.keys(parseEnv(env)).filter((key) => !key.startsWith('#'));
        expect(parsed).toEqual(['HOSTILE_BASE_URL']);
        for (const name of ['HOSTILE_KEY_PROCESS_EXIT_9_X', 'HOSTILE_TOOLS_2', 'HOSTILE_A_B_TOKEN', 'HOSTILE_A_B_2_TOKEN', 'HOSTILE_OAUTH_TOKEN']) {
            expect(env, name).toMatch(new RegExp(`^# ${name}=$`, 'm'));
        }

        const readme = readFileSync(join(dir, 'README.md'), 'utf8');
        expect(readme).not.toMatch(/(?<!\\)<(script|img|!--)/);
        expect(readme).not.toMatch(/^(# Heading|\| a \| b \||> quote)/m);
        expect(readme).not.toMatch(/[\u0000\u0007\u001b\u2028\u2029\u202e]/);

        expect(parseYaml(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8'))).toMatchObject({
            name: 'hostile',
            systems: [{ type: 'openapi', document: 'openapi.json' }],
        });
        const server = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8'));
        const variables = server.packages[0].environmentVariables.map((v: { name: string }) => v.name);
        expect(variables).toContain('HOSTILE_TOOLS_2');
        for (const file of ['.vscode/mcp.json', '.cursor/mcp.json', 'openapi.json', 'package.json'])
            expect(() => JSON.parse(readFileSync(join(dir, file), 'utf8')), file).not.toThrow();
        // The copy holds the document's own text, every character.
        const copy = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8'));
        expect(copy.info.description).toBe(hostile('info.description'));
        expect(Object.keys(copy.components.schemas)).toEqual(['__proto__']);
    });

    it('installs, builds, typechecks and passes its own check and tests, and nothing in it runs', async () => {
        for (const script of ['build', 'typecheck', 'check', 'test']) await npmRun(dir, script);
        expect(existsSync(MARKER)).toBe(false);
    }, 600_000);

    it('starts with its .env.example loaded, and a client sees every text as the document wrote it', async () => {
        const calls: { url: string; headers: IncomingMessage['headers'] }[] = [];
        upstream = createServer((req, res) => {
            calls.push({ url: req.url ?? '', headers: req.headers });
            req.resume();
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        });
        await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
        const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/base`;

        const transport = new StdioClientTransport({
            command: process.execPath,
            args: ['--env-file=.env.example', join(dir, 'dist/index.js')],
            cwd: dir,
            env: {
                ...(process.env as Record<string, string>),
                HOSTILE_BASE_URL: base,
                HOSTILE_TOOLS_2: 'tools-key',
                HOSTILE_A_B_TOKEN: 'ab-token',
                HOSTILE_A_B_2_TOKEN: 'ab2-token',
            },
            stderr: 'pipe',
        });
        client = new Client({ name: 'hostile-e2e', version: '1.0.0' });
        await client.connect(transport);
        // Every answer as parsed JSON, before the SDK's own parsing (which drops `__proto__` keys).
        const raw: { result?: { tools?: unknown[] } }[] = [];
        const onmessage = transport.onmessage!;
        transport.onmessage = (message) => {
            raw.push(message as (typeof raw)[number]);
            onmessage(message);
        };

        const { tools } = await client.listTools();
        // A tool whose whole input schema is larger than a listing takes lists its first levels and
        // points to describe_operation, which gives the whole: the texts are checked there then.
        const index = JSON.parse(readFileSync(join(dir, 'src/openapi/data/api.json'), 'utf8')) as { operations: { name: string; outlined?: true }[] };
        const outlined = index.operations.find((op) => op.name === 'hostile_op')?.outlined === true;
        const listed = raw.flatMap((m) => m.result?.tools ?? []) as { name: string; title: string; description: string; inputSchema: Record<string, any> }[];
        expect(listed.map((t) => t.name).sort()).toEqual(tools.map((t) => t.name).sort());
        expect(
            listed
                .map((t) => t.name)
                .filter((n) => !/^(constructor|toString|valueOf|hasOwnProperty|isPrototypeOf)_[0-9a-f]{6}$/.test(n))
                .sort(),
        ).toEqual(['defineGetter', ...(outlined ? ['describe_operation'] : []), 'hostile_op', 'media', 'proto']);
        // Descriptions written in HTML reach the client as Markdown (the document's tags read, not passed on); every other text as written.
        const md = htmlToMarkdown;
        expect(listed.find((t) => t.name === 'media')!.inputSchema.properties.body).toEqual({ type: 'string', description: md(hostile('text body')) });

        const tool = listed.find((t) => t.name === 'hostile_op')!;
        expect(tool.title).toBe(summary.split('\n')[0]);
        // Summary and description, cut at 2,000 characters (with an ellipsis), then the method and path.
        const text = `${summary}\n\n${md(hostile('description'))}`;
        const note = outlined
            ? '\n\nIts input schema is shown in part: describe_operation gives the whole of it, and calls are checked against the whole.'
            : '';
        expect(tool.description).toBe(`${text.length <= 2000 ? text : `${text.slice(0, 1999).trimEnd()}…`}\n\nPOST ${path}${note}`);
        let schema = tool.inputSchema;
        if (outlined) {
            const described = await client.callTool({ name: 'describe_operation', arguments: { name: 'hostile_op' } });
            const answer = (described.content as { text: string }[])[0]!.text;
            schema = JSON.parse(answer.slice(answer.indexOf('Input (JSON Schema):\n') + 'Input (JSON Schema):\n'.length));
        }
        const properties = schema.properties;
        // The path's other template variables (`{process.exit(9)}`, `{{x}`) are path parameters too.
        expect(Object.keys(properties)).toEqual(['id', 'q', expect.stringMatching(/^n_/), 'yaml', 'process.exit_9_', '_x', 'body']);
        expect(properties.q).toEqual({
            type: 'string',
            enum: [hostile('enum.a'), hostile('enum.b')],
            default: hostile('enum.a'),
            title: hostile('q.title'),
            description: `${md(hostile('q.description'))} (query parameter "q")`,
        });
        expect(properties.id.description).toBe(`${md(hostile('path.description'))} (path parameter "id")`);
        expect(Object.values(properties)[2]).toEqual({ type: 'string', description: `${md(hostile('header.description'))} (header parameter "n${SHORT}")` });
        // The body keeps its properties named `__proto__` and `constructor`, in their place.
        expect(Object.keys(properties.body.properties)).toEqual(['__proto__', 'constructor', 'plain']);
        expect(Object.getOwnPropertyDescriptor(properties.body.properties, '__proto__')?.value).toEqual({
            type: 'string',
            description: md(hostile('__proto__.description')),
        });
        expect(properties.body.properties.constructor).toEqual({ type: 'string', examples: [hostile('examples')] });
        expect(properties.body.description).toBe(md(hostile('body.description')));
        const defs = schema.$defs;
        expect(Object.keys(defs)).toContain('__proto__');
        expect(Object.getOwnPropertyDescriptor(defs, '__proto__')?.value).toEqual({
            type: 'object',
            description: md(hostile('schema.description')),
            properties: { x: { type: 'string', enum: [hostile('schema.enum')] } },
        });
        expect(Object.values(defs).some((d) => (d as { description?: string }).description === md(hostile('yaml part')))).toBe(true);
        // What the SDK's client makes of it is the same text.
        const parsed = tools.find((t) => t.name === 'hostile_op')!;
        expect(parsed.description).toBe(tool.description);
        expect(parsed.inputSchema.properties?.q).toEqual(tool.inputSchema.properties.q);

        // Tools named like object members work, and their parameters reach the API under their own names.
        const named = (prefix: string) => listed.find((t) => t.name.startsWith(`${prefix}_`))!.name;
        const result = await client.callTool({
            name: named('constructor'),
            arguments: { query_constructor: 'a', query_toString: 'b', query___proto__: 'c' },
        });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        expect(calls.at(-1)!.url).toBe('/base/names/constructor?constructor=a&toString=b&__proto__=c');
        expect(calls.at(-1)!.headers['x-tools']).toBe('tools-key');
        for (const [name, token] of [
            ['toString', 'ab-token'],
            ['valueOf', 'ab2-token'],
        ]) {
            const answer = await client.callTool({ name: named(name!), arguments: {} });
            expect(answer.isError, JSON.stringify(answer.content)).toBeFalsy();
            expect(calls.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
        }
        for (const name of ['proto', 'defineGetter']) {
            const answer = await client.callTool({ name, arguments: {} });
            expect(answer.isError, JSON.stringify(answer.content)).toBeFalsy();
        }
        expect(existsSync(MARKER)).toBe(false);
    }, 120_000);
});
