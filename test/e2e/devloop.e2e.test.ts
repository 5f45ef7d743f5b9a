/**
 * The dev loop of generated projects, end to end, through real SDK clients that stay connected the
 * whole time: `npm run dev` (HTTP: a 2025-era and a 2026-07-28 client) and
 * `node scripts/dev.mjs --stdio` (one client of each era, each with its own dev server), while a
 * tool's description changes, a tool, a prompt and a resource are added with `create-mcp-server
 * add`, and a syntax error and a type error come and go. Clients hear of each reload (`notifications/tools/list_changed`,
 * unsolicited in the 2025 era, on a `subscriptions/listen` stream in the 2026-07-28 one), and their
 * next list shows it; a broken change is printed once and changes nothing for them. A request that
 * runs across a reload is answered by the version it started on; one whose version exits gets an
 * error, and that version is started again. Over 100 reloads the dev server keeps one version
 * running, one build on disk, and flat memory. Then `npm run call`, a stdio-only project, and the
 * views of an MCP Apps project (ui/), rebuilt on save.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../cli/run.js';
import { generateProject } from './harness.js';

const exec = promisify(execFile);
const WAIT_MS = 120_000;

/** Polls `check` until it returns something truthy; fails naming `what` after WAIT_MS. */
async function until<T>(what: string, check: () => T | Promise<T>): Promise<NonNullable<T>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/** Everything a stream printed so far. */
function collect(stream: { on(event: 'data', listener: (chunk: Buffer) => void): unknown } | null | undefined): { text: string } {
    const output = { text: '' };
    stream?.on('data', (chunk) => (output.text += chunk.toString()));
    return output;
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Saves `path` as many editors do: writes a temporary file beside it, then renames it over the file. */
function saveByRename(path: string, text: string): void {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
}

/** A connected client, with the tool lists its change notifications brought (the SDK lists again on each). */
interface Connection {
    name: string;
    client: Client;
    /** The tool descriptions of `add`, one entry per `notifications/tools/list_changed`; undefined for a client that is not told. */
    heard?: string[];
    /** `prompts` or `resources`, one entry per `notifications/prompts/list_changed` or `…/resources/list_changed`. */
    kinds?: string[];
    /** The dev server's output, for the stdio ones (each client starts its own). */
    output?: { text: string };
}

function newClient(mode: 'legacy' | 'auto', heard?: string[], kinds?: string[]): Client {
    const onChanged = (error: Error | null, tools: Tool[] | null) => {
        if (!error && tools) heard?.push(tools.find((t) => t.name === 'add')?.description ?? '');
    };
    const listChanged = {
        tools: { onChanged },
        prompts: { onChanged: (error: Error | null) => !error && kinds?.push('prompts') },
        resources: { onChanged: (error: Error | null) => !error && kinds?.push('resources') },
    };
    return new Client({ name: 'devloop-e2e', version: '1.0.0' }, { versionNegotiation: { mode }, listChanged });
}

async function connectHttp(url: string, mode: 'legacy' | 'auto'): Promise<Connection> {
    // A 2025-era client over stateless HTTP has no stream to be told on: it sees changes on its next list.
    const [heard, kinds] = mode === 'auto' ? [[], []] : [undefined, undefined];
    const client = newClient(mode, heard, kinds);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return { name: `HTTP ${mode}`, client, heard, kinds };
}

/** What the `-dev` entry of the editor configurations runs: `node scripts/dev.mjs --stdio`. */
async function connectStdio(dir: string, mode: 'legacy' | 'auto'): Promise<Connection> {
    const heard: string[] = [];
    const kinds: string[] = [];
    const client = newClient(mode, heard, kinds);
    // As an editor starts it: by its absolute path, from a folder of the editor's choosing.
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(dir, 'scripts/dev.mjs'), '--stdio'], cwd: tmpdir(), stderr: 'pipe' });
    const output = collect(transport.stderr);
    await client.connect(transport);
    return { name: `stdio ${mode}`, client, heard, kinds, output };
}

const descriptionOf = async (client: Client, tool = 'add') => (await client.listTools()).tools.find((t) => t.name === tool)?.description;

/** `npm run dev` in its own process group, so that stopping it stops the dev server npm started. */
function startNpmDev(dir: string): { process: ChildProcess; output: { text: string } } {
    const child = spawn('npm', ['run', 'dev'], {
        cwd: dir,
        env: { ...process.env, PORT: '0', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
    });
    return { process: child, output: collect(child.stderr) };
}

async function stopGroup(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
}

/** The processes below `pid`, with their command lines (Linux /proc). */
function descendants(pid: number): { pid: number; command: string }[] {
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
            parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
        } catch {
            // It exited while we looked.
        }
    }
    const found: { pid: number; command: string }[] = [];
    const visit = (parent: number) => {
        for (const [child, ppid] of parents) {
            if (ppid !== parent) continue;
            try {
                found.push({ pid: child, command: readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ') });
            } catch {
                continue;
            }
            visit(child);
        }
    };
    visit(pid);
    return found;
}

/** Resident memory of a process in MB, and its open file descriptors. */
function footprint(pid: number): { rssMb: number; fds: number } {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))!;
    return { rssMb: Number(rss[1]) / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

describe('the dev loop of a default project (stdio and HTTP)', () => {
    let dir: string;
    let tool: string;
    let original: string;
    let dev: { process: ChildProcess; output: { text: string } };
    let url: string;
    const connections: Connection[] = [];
    /** The connections that are told of reloads. */
    const told = () => connections.filter((c) => c.heard);
    const stdioOutputs = () => connections.flatMap((c) => (c.output ? [c.output] : []));

    /** The example tool's source with `description`, and optionally more changes. */
    const addTool = (description: string, edit: (source: string) => string = (s) => s) =>
        edit(original.replace(/description: '[^']*'/, `description: '${description}'`));

    /** Writes the tool, then waits until every client sees `description`: the told ones by a notification. */
    async function reloadTo(description: string, source = addTool(description), save: (path: string, text: string) => void = writeFileSync): Promise<void> {
        save(tool, source);
        for (const c of told()) await until(`${c.name} to be told of "${description}"`, () => c.heard!.includes(description));
        for (const c of connections) await until(`${c.name} to list "${description}"`, async () => (await descriptionOf(c.client)) === description);
    }

    beforeAll(async () => {
        dir = await generateProject('devloop-server', []);
        tool = join(dir, 'src/tools/add.ts');
        original = readFileSync(tool, 'utf8');
        expect(original).toMatch(/description: '[^']*'/);
        dev = startNpmDev(dir);
        url = (await until('npm run dev to serve', () => /v1 serves (http:\S+)/.exec(dev.output.text)))[1]!;
        connections.push(await connectHttp(url, 'legacy'), await connectHttp(url, 'auto'));
        connections.push(await connectStdio(dir, 'legacy'), await connectStdio(dir, 'auto'));
    }, 600_000);

    afterAll(async () => {
        for (const { client } of connections) await client.close().catch(() => {});
        if (dev) await stopGroup(dev.process);
    });

    it('connects every client in its era, through the dev servers', () => {
        expect(connections.map((c) => `${c.name}: ${c.client.getProtocolEra()}`)).toEqual([
            'HTTP legacy: legacy',
            'HTTP auto: modern',
            'stdio legacy: legacy',
            'stdio auto: modern',
        ]);
    });

    it("shows a tool's new description to every client without reconnecting, and prints the change", async () => {
        await reloadTo('Add two numbers, edited');
        expect(dev.output.text).toMatch(/v2 serves http:\S+ \(\d+ ms, after src\/tools\/add\.ts\)\n {2}tools {5}~ add\n/);
        for (const output of stdioOutputs()) expect(output.text).toMatch(/v2 serves this stdio connection .*\n {2}tools {5}~ add\n/);
        for (const { client } of connections) expect((await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).structuredContent).toEqual({ sum: 5 });
    }, 300_000);

    it('shows a tool added with `create-mcp-server add tool`', async () => {
        const heardBefore = told().map((c) => c.heard!.length);
        await exec(process.execPath, [BIN, 'add', 'tool', 'lookup_sku', '-d', 'Find a product by SKU', '--param', 'sku:string:The SKU'], { cwd: dir });
        for (const [i, c] of told().entries()) await until(`${c.name} to be told of lookup_sku`, () => c.heard!.length > heardBefore[i]!);
        for (const c of connections)
            await until(`${c.name} to list lookup_sku`, async () => (await c.client.listTools()).tools.some((t) => t.name === 'lookup_sku'));
        for (const { client } of connections) {
            const result = await client.callTool({ name: 'lookup_sku', arguments: { sku: 'A-1' } });
            expect(result.isError).toBeFalsy();
        }
        expect(dev.output.text).toMatch(/tools {5}\+ lookup_sku\n/);
    }, 300_000);

    it('tells clients of a prompt and a resource added, and lists them', async () => {
        const added = [
            { kind: 'prompts', args: ['prompt', 'triage', '-d', 'Triage a ticket', '--arg', 'ticket:The ticket text'], line: /prompts {3}\+ triage\n/ },
            {
                kind: 'resources',
                args: ['resource', 'docs://changelog', '--name', 'changelog', '-d', 'What changed'],
                line: /resources \+ docs:\/\/changelog\n/,
            },
        ];
        for (const { kind, args, line } of added) {
            const before = told().map((c) => c.kinds!.length);
            await exec(process.execPath, [BIN, 'add', ...args], { cwd: dir });
            for (const [i, c] of told().entries()) await until(`${c.name} to be told of the ${kind}`, () => c.kinds!.slice(before[i]).includes(kind));
            await until(`the ${kind} line`, () => line.test(dev.output.text));
        }
        for (const { name, client } of connections) {
            await until(`${name} to list the prompt`, async () => (await client.listPrompts()).prompts.some((p) => p.name === 'triage'));
            await until(`${name} to list the resource`, async () => (await client.listResources()).resources.some((r) => r.uri === 'docs://changelog'));
        }
    }, 300_000);

    it('keeps serving through a syntax error, prints it once, and serves the fix', async () => {
        const heardBefore = told().map((c) => c.heard!.length);
        const failures = occurrences(dev.output.text, 'the change does not build; keeping v');
        const broken = addTool('Add two numbers, after a syntax error', (s) => `${s}\nexport const broken = ;\n`);
        writeFileSync(tool, broken);
        await until('the syntax error', () => occurrences(dev.output.text, 'the change does not build; keeping v') > failures);
        for (const output of stdioOutputs()) await until('the syntax error on stdio', () => output.text.includes('export const broken = ;'));
        // Saving it again unchanged: one line, not the error again.
        writeFileSync(tool, broken);
        await until('the second save', () => dev.output.text.includes('the change does not build: still the error above; keeping v'));
        expect(occurrences(dev.output.text, 'export const broken = ;')).toBe(1);
        // Nothing changed for the clients: no notification, the same tools, and they still answer.
        expect(told().map((c) => c.heard!.length)).toEqual(heardBefore);
        for (const { client } of connections) {
            expect(await descriptionOf(client)).toBe('Add two numbers, edited');
            expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).structuredContent).toEqual({ sum: 2 });
        }
        await reloadTo('Add two numbers, after a syntax error');
    }, 300_000);

    it('keeps serving through a type error, prints it once, and serves the fix', async () => {
        const heardBefore = told().map((c) => c.heard!.length);
        const typeError = "error TS2322: Type 'string' is not assignable to type 'number'";
        writeFileSync(
            tool,
            addTool('Add two numbers, after a type error', (s) => `${s}\nexport const typeError: number = 'not a number';\n`),
        );
        await until('the type error', () => dev.output.text.includes('the change does not type-check; keeping v'));
        for (const output of stdioOutputs()) await until('the type error on stdio', () => output.text.includes(typeError));
        expect(occurrences(dev.output.text, typeError)).toBe(1);
        expect(told().map((c) => c.heard!.length)).toEqual(heardBefore);
        for (const { client } of connections) expect(await descriptionOf(client)).toBe('Add two numbers, after a syntax error');
        await reloadTo('Add two numbers, after a type error');
    }, 300_000);

    it('answers a request that runs across a reload from the version it started on', async () => {
        // `add` with a = 7 waits for a file to appear: in flight for as long as the test wants.
        const release = join(dir, 'release');
        const slow = (description: string) =>
            addTool(description, (s) => {
                expect(s).toContain('const output = { sum: a + b };');
                const wait = `if (a === 7) while (!existsSync(${JSON.stringify(release)})) await new Promise((resolve) => setTimeout(resolve, 50));`;
                return `import { existsSync } from 'node:fs';\n${s.replace('const output = { sum: a + b };', `${wait}\nconst output = { sum: a + b };`)}`;
            });
        await reloadTo('Add two numbers, slowly', slow('Add two numbers, slowly'));
        const calls = connections.map(({ client }) => client.callTool({ name: 'add', arguments: { a: 7, b: 1 } }));
        // The calls are on their way to the current version; now it is replaced while they wait.
        await reloadTo('Add two numbers, replaced mid-call', slow('Add two numbers, replaced mid-call'));
        writeFileSync(release, '');
        for (const result of await Promise.all(calls)) expect(result.structuredContent).toEqual({ sum: 8 });
        await reloadTo('Add two numbers, at full speed');
    }, 300_000);

    it('answers a request whose version exits with an error, and starts that version again', async () => {
        // `add` with a = 13 takes its process down while the call waits.
        const exits = addTool('Add two numbers, or exit', (s) => {
            expect(s).toContain('async ({ a, b }) => {');
            const exit = 'if (a === 13) { setTimeout(() => process.exit(3), 100); await new Promise((resolve) => setTimeout(resolve, 60_000)); }';
            return s.replace('async ({ a, b }) => {', `async ({ a, b }) => {\n${exit}`);
        });
        await reloadTo('Add two numbers, or exit', exits);
        const callers = [connections[0]!, connections[2]!];
        expect(callers.map((c) => c.name)).toEqual(['HTTP legacy', 'stdio legacy']);
        for (const { client } of callers) await expect(client.callTool({ name: 'add', arguments: { a: 13, b: 1 } })).rejects.toThrow();
        for (const { client } of callers) expect((await client.callTool({ name: 'add', arguments: { a: 2, b: 2 } })).structuredContent).toEqual({ sum: 4 });
        await until('the restart to be printed', () => /v\d+ exited \(code 3\); starting it again\n\[dev\] v\d+ serves http\S+ again/.test(dev.output.text));
        await reloadTo('Add two numbers, at full speed again');
    }, 300_000);

    it('runs one version per dev server, and the replaced ones exit', async () => {
        const servers = descendants(process.pid).filter((p) => /^\S*node \S*scripts\/dev\.mjs/.test(p.command));
        expect(servers).toHaveLength(3);
        for (const server of servers) {
            const versions = () => descendants(server.pid).filter((p) => p.command.includes('scripts/dev/child.mjs'));
            await until('the replaced versions to exit', () => versions().length === 1);
            // Its folder of builds holds only the one it serves.
            const builds = () => readdirSync(join(dir, 'node_modules/.cache/mcp-dev', String(server.pid))).filter((name) => name.startsWith('build-'));
            await until('the replaced builds to be removed', () => builds().length === 1);
        }
    }, 120_000);

    it('stays flat over 100 reloads: one version running, one build kept, memory and descriptors steady', async () => {
        // The stdio clients go, with their dev servers; the HTTP clients stay, one of them listening.
        for (const c of connections.splice(2)) await c.client.close();
        const supervisor = await until('the dev server process', () =>
            descendants(dev.process.pid!).find((p) => /^\S*node \S*scripts\/dev\.mjs/.test(p.command)),
        );
        const samples: { reload: number; rssMb: number; fds: number }[] = [];
        for (let i = 1; i <= 100; i++) {
            // Every other save as many editors save: a new file renamed over the old one.
            await reloadTo(`Add two numbers, reload ${i}`, undefined, i % 2 === 0 ? saveByRename : writeFileSync);
            if (i % 10 === 0) samples.push({ reload: i, ...footprint(supervisor.pid) });
        }
        const versions = () => descendants(supervisor.pid).filter((p) => p.command.includes('scripts/dev/child.mjs'));
        await until('the replaced versions to exit', () => versions().length === 1);
        const builds = readdirSync(join(dir, 'node_modules/.cache/mcp-dev', String(supervisor.pid))).filter((name) => name.startsWith('build-'));
        expect(builds).toHaveLength(1);
        // Generous bounds: a leak of even one version's pipes or records per reload would exceed them.
        const first = samples[1]!;
        const last = samples.at(-1)!;
        console.info(`dev server over 100 reloads: ${samples.map((s) => `${s.reload}: ${s.rssMb.toFixed(0)} MB, ${s.fds} fds`).join('; ')}`);
        expect(last.rssMb).toBeLessThan(first.rssMb + 60);
        expect(last.fds).toBeLessThanOrEqual(first.fds + 10);
    }, 900_000);

    describe('npm run call', () => {
        const call = async (...args: string[]) => {
            try {
                const { stdout, stderr } = await exec('npm', ['run', '--silent', 'call', '--', ...args], { cwd: dir });
                return { code: 0, stdout, stderr };
            } catch (error) {
                const e = error as { code: number; stdout: string; stderr: string };
                return { code: e.code, stdout: e.stdout, stderr: e.stderr };
            }
        };

        it('prints the result text and the structured content, exit 0', async () => {
            const result = await call('add', '{"a":2,"b":3}');
            expect(result.code).toBe(0);
            expect(result.stdout).toContain('{"sum":5}');
            expect(result.stdout).toMatch(/structured content:\n\{\n {2}"sum": 5\n\}/);
        }, 60_000);

        it('exits 1 when the result is an error', async () => {
            // The sum is Infinity, which the output schema refuses: an error result.
            const result = await call('add', '{"a":1e308,"b":1e308}');
            expect(result.code).toBe(1);
            expect(result.stdout).toContain('Output validation error');
        }, 60_000);

        it.each([
            ['an unknown tool', ['nope', '{}'], 'unknown tool "nope"; the tools are: add, lookup_sku'],
            ['arguments that are not JSON', ['add', '{a:1}'], 'the arguments are not valid JSON'],
            ['arguments the schema refuses', ['add', '{"a":"one","b":2}'], 'the arguments do not match the input schema'],
        ])(
            'exits 2 on %s, saying what is expected',
            async (_case, args, message) => {
                const result = await call(...args);
                expect(result.code).toBe(2);
                expect(result.stderr).toContain(message);
                if (args[0] === 'add') expect(result.stderr).toContain('input schema of "add":\n{\n  "type": "object"');
            },
            60_000,
        );
    });
});

describe('the dev loop of a stdio-only project', () => {
    let dir: string;
    let tool: string;
    let original: string;

    beforeAll(async () => {
        dir = await generateProject('devloop-stdio', ['--transport', 'stdio']);
        tool = join(dir, 'src/tools/add.ts');
        original = readFileSync(tool, 'utf8');
    }, 600_000);

    afterAll(() => {
        if (original) writeFileSync(tool, original);
    });

    it('npm run dev builds, checks and lists each change, and says how stdio clients connect', async () => {
        const dev = startNpmDev(dir);
        try {
            await until('the first build', () => dev.output.text.includes('v1 is built and checked'));
            expect(dev.output.text).toContain('stdio clients start `node scripts/dev.mjs --stdio`');
            writeFileSync(tool, original.replace(/description: '[^']*'/, "description: 'Add, from the terminal'"));
            await until('the second build', () => /v2 is built and checked \(\d+ ms, after src\/tools\/add\.ts\)\n {2}tools {5}~ add\n/.test(dev.output.text));
        } finally {
            await stopGroup(dev.process);
        }
    }, 300_000);

    it('serves stdio clients of both eras across a reload', async () => {
        const connections = [await connectStdio(dir, 'legacy'), await connectStdio(dir, 'auto')];
        try {
            writeFileSync(tool, original.replace(/description: '[^']*'/, "description: 'Add, reloaded'"));
            for (const c of connections) {
                await until(`${c.name} to be told`, () => c.heard!.includes('Add, reloaded'));
                expect(await descriptionOf(c.client)).toBe('Add, reloaded');
            }
        } finally {
            for (const { client } of connections) await client.close();
        }
    }, 300_000);

    it('calls a tool with npm run call', async () => {
        const { stdout } = await exec('npm', ['run', '--silent', 'call', '--', 'add', '{"a":20,"b":22}'], { cwd: dir });
        expect(stdout).toContain('{"sum":42}');
        expect(existsSync(join(dir, 'dist/server.js'))).toBe(true);
    }, 60_000);
});

describe('the dev loop of a project with views (MCP Apps)', () => {
    let dir: string;

    beforeAll(async () => {
        const spec = join(tempDir('cms-devloop-apps-'), 'spec.yaml');
        writeFileSync(spec, 'name: devloop-views\ndescription: A tool with a view\ntools:\n  - name: chart\n    description: Draw a chart\n    ui: true\n');
        dir = await generateProject('devloop-views', ['--spec', spec]);
    }, 600_000);

    it('rebuilds a view saved under ui/, serves the new one, and keeps the last good one through an error', async () => {
        const dev = startNpmDev(dir);
        const client = new Client({ name: 'devloop-e2e', version: '1.0.0' });
        try {
            const url = (await until('npm run dev to serve', () => /v1 serves (http:\S+)/.exec(dev.output.text)))[1]!;
            await client.connect(new StreamableHTTPClientTransport(new URL(url)));
            const uri = (await client.listResources()).resources.find((r) => r.uri.startsWith('ui://'))!.uri;
            const view = async () => {
                const [contents] = (await client.readResource({ uri })).contents;
                return contents && 'text' in contents ? contents.text : '';
            };
            const source = join(dir, 'ui/chart/view.ts');
            const original = readFileSync(source, 'utf8');
            writeFileSync(source, `${original}\nconsole.info('first edit');\n`);
            await until('the view to be rebuilt', async () => (await view()).includes('first edit'));
            expect(dev.output.text).toMatch(/v2 serves http:\S+ \(\d+ ms, after ui\/chart\/view\.ts\)/);

            writeFileSync(source, `${original}\nconsole.info('second edit' ;\n`);
            await until('the syntax error', () => dev.output.text.includes('the change does not build; keeping v2'));
            writeFileSync(source, `${original}\nexport const typeError: number = 'second edit';\n`);
            await until('the type error', () => dev.output.text.includes('the change does not type-check; keeping v2'));
            expect(await view()).toContain('first edit');

            writeFileSync(source, `${original}\nconsole.info('second edit');\n`);
            await until('the fixed view to be served', async () => (await view()).includes('second edit'));
        } finally {
            await client.close();
            await stopGroup(dev.process);
        }
    }, 300_000);
});
