/**
 * What connects a generated project to its ecosystem: server.json (validated against the MCP
 * registry's published schema), the Dockerfile (read by a small parser: no Docker engine here),
 * the CI workflow, the client configurations, AGENTS.md and the conformance files, and the
 * switches that leave each of them out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderProject } from '../../src/commands/generate.js';
import { type CliFlags, finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { SERVER_SCHEMA_URL, defaultRegistryName, githubOwnerFromRemote } from '../../src/integrations/registry.js';
import { parseSpecText } from '../../src/core/spec-file.js';
import { activeIntegrations, envOf } from '../../src/integrations/index.js';
import { validateSpec } from '../../src/core/spec.js';

const environment = { cwd: '/projects', env: {}, isTTY: false };

/** The environment variables a system's integration declares, with its default options. */
function systemEnv(id: string) {
    const spec = validateSpec({ systems: [id] }, { name: 'env-check', description: 'env check' });
    const found = activeIntegrations(spec).find((a) => a.integration.id === id)!;
    return envOf(found.integration, found.ctx);
}

/** The rendered project as path -> contents. */
async function project(data: unknown = {}, flags: Partial<CliFlags> = {}, directory = 'demo'): Promise<Map<string, string>> {
    const partial = resolveOptions(directory, { install: false, git: false, ...flags }, environment, { file: 'spec.yaml', data });
    const files = await renderProject(finalizeOptions(partial, environment).spec, undefined);
    return new Map(files.map((f) => [f.path, f.contents]));
}

const fixture = (name: string) => parseSpecText(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'), name);
const json = (files: Map<string, string>, path: string) => JSON.parse(files.get(path) ?? 'null') as Record<string, any>;

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
/**
 * The MCP registry's published server.json schema (version 2025-12-11, the `$id` in SERVER_SCHEMA_URL;
 * published from the modelcontextprotocol/static repository, schemas/2025-12-11/server.schema.json).
 * Files fetched from public repositories may live only in the steering repository's shared/, so
 * the schema is read from there (or from MCP_REGISTRY_SCHEMA), never committed here.
 */
// shared/ sits beside the checkout, or beside the folder of worktrees that holds it.
const SCHEMA_PATH =
    process.env.MCP_REGISTRY_SCHEMA ??
    [
        new URL('../../../shared/reference/registry/server.schema.json', import.meta.url),
        new URL('../../../../shared/reference/registry/server.schema.json', import.meta.url),
    ]
        .map((url) => fileURLToPath(url))
        .find((path) => existsSync(path)) ??
    fileURLToPath(new URL('../../../shared/reference/registry/server.schema.json', import.meta.url));
const schema = existsSync(SCHEMA_PATH) ? (JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $id: string }) : undefined;
if (!schema) console.warn(`server.json schema tests skipped: no registry schema at ${SCHEMA_PATH} (set MCP_REGISTRY_SCHEMA)`);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateServerJson: ValidateFunction | undefined = schema && ajv.compile(schema);
const problems = (value: unknown) => (validateServerJson!(value) ? [] : (validateServerJson!.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe.skipIf(!schema)('server.json against the registry schema', () => {
    it('names the schema version this repository validates against', () => {
        expect(schema!.$id).toBe(SERVER_SCHEMA_URL);
    });

    it.each([
        ['the default project', {}, {}],
        ['the contract example', fixture('orders.yaml'), {}],
        ['a PostgreSQL server', { systems: ['postgres'] }, {}],
        ['an HTTP-only server', { transports: ['http'] }, {}],
        ['an HTTP-only server in token mode (the token in a transport header)', { transports: ['http'], auth: 'token' }, {}],
        ['a scoped package with a long description', { name: '@acme/weather.tools', description: `Weather ${'and more '.repeat(30)}` }, {}],
        ['hostile strings', fixture('hostile.yaml'), {}],
        ['a given registry name', {}, { registryName: 'com.example/weather' }],
    ])('is valid for %s', async (_label, data, flags) => {
        const files = await project(data, flags);
        const server = json(files, 'server.json');
        expect(problems(server)).toEqual([]);
        const pkg = json(files, 'package.json');
        expect(server.name).toBe(pkg.mcpName);
        expect(server.version).toBe(pkg.version);
        expect(server.packages[0]).toMatchObject({ registryType: 'npm', identifier: pkg.name, version: pkg.version });
    });

    it('is checked for real: the validator refuses a wrong name, a long description and a range version', () => {
        const good = { $schema: SERVER_SCHEMA_URL, name: 'io.github.a/b', description: 'x', version: '1.0.0' };
        expect(problems(good)).toEqual([]);
        expect(problems({ ...good, name: 'no-slash' })).not.toEqual([]);
        expect(problems({ ...good, description: 'x'.repeat(101) })).not.toEqual([]);
        expect(problems({ ...good, packages: [{ registryType: 'npm', identifier: 'b', version: 'latest', transport: { type: 'stdio' } }] })).not.toEqual([]);
    });
});

describe('server.json', () => {
    it('lists the HTTP settings for an HTTP-only package, and leaves them out of a stdio one', async () => {
        const names = async (data: unknown) =>
            ((json(await project(data), 'server.json').packages as Record<string, any>[])[0]!.environmentVariables ?? []).map((v: { name: string }) => v.name);
        const both = await names({ systems: ['postgres'] });
        expect(both).toContain('DATABASE_URL');
        expect(both.filter((n: string) => n.startsWith('HTTP_') || n.startsWith('MCP_AUTH'))).toEqual([]);
        const httpOnly = await names({ transports: ['http'] });
        expect(httpOnly).toEqual(expect.arrayContaining(['HTTP_REQUEST_TIMEOUT_MS', 'MCP_AUTH', 'MCP_AUTH_TOKEN', 'PORT']));
    });

    it('describes the npm package, its stdio transport and the environment it reads, secrets flagged', async () => {
        const server = json(await project({ systems: ['postgres'], transports: ['stdio'] }), 'server.json');
        const [pkg] = server.packages as Record<string, any>[];
        expect(pkg!.transport).toEqual({ type: 'stdio' });
        const env = systemEnv('postgres');
        expect(pkg!.environmentVariables.map((v: { name: string }) => v.name)).toEqual(env.map((v) => v.name));
        expect(pkg!.environmentVariables[0]).toMatchObject({ name: 'DATABASE_URL', isRequired: true, isSecret: true, description: env[0]!.description });
        expect(pkg!.environmentVariables[1]).toMatchObject({ name: 'PG_MAX_ROWS', isRequired: false, isSecret: false });
    });

    it('gives an HTTP-only package its Streamable HTTP URL, with PORT, the timeouts and the authorization settings', async () => {
        const [pkg] = json(await project({ transports: ['http'] }), 'server.json').packages as Record<string, any>[];
        expect(pkg!.transport).toEqual({ type: 'streamable-http', url: 'http://127.0.0.1:{PORT}/mcp' });
        const names = pkg!.environmentVariables.map((v: { name: string }) => v.name);
        expect(names).toEqual(expect.arrayContaining(['PORT', 'HTTP_REQUEST_TIMEOUT_MS', 'MCP_AUTH', 'MCP_AUTH_TOKEN', 'MCP_AUTH_CLIENT_SECRET']));
        expect(pkg!.environmentVariables).toContainEqual(expect.objectContaining({ name: 'PORT', default: '3000' }));
        expect(pkg!.environmentVariables).toContainEqual(expect.objectContaining({ name: 'MCP_AUTH_TOKEN', isSecret: true, isRequired: false }));
    });

    it("cuts a description to the registry's 100 characters, on one line", async () => {
        const server = json(await project({ description: `Line one\nline two ${'word '.repeat(40)}` }), 'server.json');
        expect(server.description.length).toBeLessThanOrEqual(100);
        expect(server.description).toMatch(/^Line one line two word .*…$/);
    });

    it('takes the registry name from the spec, and --registry-name over it', async () => {
        expect(json(await project({ registryName: 'io.github.spec/x' }), 'server.json').name).toBe('io.github.spec/x');
        expect(json(await project({ registryName: 'io.github.spec/x' }, { registryName: 'io.github.flag/y' }), 'server.json').name).toBe('io.github.flag/y');
    });
});

describe('registry names', () => {
    it.each([
        ['https://github.com/acme/tools.git', 'acme'],
        ['https://github.com/acme/tools', 'acme'],
        ['git@github.com:Acme-Corp/tools.git', 'Acme-Corp'],
        ['ssh://git@github.com/acme/tools.git', 'acme'],
        ['https://user:token@github.com/acme/tools.git', 'acme'],
        ['https://gitlab.com/acme/tools.git', undefined],
        ['git@example.com:acme/tools.git', undefined],
    ])('reads the GitHub owner of %s', (url, owner) => {
        expect(githubOwnerFromRemote(url)).toBe(owner);
    });

    it('derives a default from the owner, else the npm scope, else a placeholder', () => {
        expect(defaultRegistryName('weather', 'acme')).toEqual({ name: 'io.github.acme/weather', placeholder: false });
        expect(defaultRegistryName('@acme/weather')).toEqual({ name: 'io.github.acme/weather', placeholder: false });
        expect(defaultRegistryName('weather~x')).toEqual({ name: 'io.github.your-github-user/weather-x', placeholder: true });
    });

    it('says in the README when the name is a placeholder', async () => {
        expect((await project()).get('README.md')).toContain('Replace `your-github-user`');
        expect((await project({ registryName: 'io.github.me/demo' })).get('README.md')).not.toContain('your-github-user');
    });

    it('refuses a bad --registry-name, naming the flag', () => {
        expect(() => resolveOptions('x', { install: false, git: false, registryName: 'weather' }, environment)).toThrow(
            /^--registry-name: invalid registry name "weather"; expected reverse-DNS namespace\/name/,
        );
    });
});

/** A Dockerfile as instructions (continuations joined, comments and parser directives dropped), grouped by stage. */
interface Instruction {
    keyword: string;
    args: string;
}
interface Stage {
    from: string;
    name?: string;
    instructions: Instruction[];
}

function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
    const logical: string[] = [];
    let pending = '';
    for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (pending === '' && (line === '' || line.startsWith('#'))) continue;
        if (line.startsWith('#')) continue; // comments inside a continuation
        if (line.endsWith('\\')) {
            pending += `${line.slice(0, -1).trim()} `;
            continue;
        }
        logical.push((pending + line).trim());
        pending = '';
    }
    expect(pending, 'a continuation runs off the end of the file').toBe('');
    const globalArgs: Instruction[] = [];
    const stages: Stage[] = [];
    for (const line of logical) {
        const match = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
        expect(match, `not an instruction: ${line}`).not.toBeNull();
        const instruction = { keyword: match![1]!.toUpperCase(), args: match![2]!.trim() };
        if (instruction.keyword === 'FROM') {
            const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)!;
            stages.push({ from: from[1]!, name: from[2], instructions: [] });
        } else if (stages.length === 0) {
            expect(instruction.keyword, 'only ARG may come before the first FROM').toBe('ARG');
            globalArgs.push(instruction);
        } else {
            stages.at(-1)!.instructions.push(instruction);
        }
    }
    return { globalArgs, stages };
}

/** `ENV A=1 B=2` (or the legacy `ENV A 1`) as pairs; `ARG A=1` likewise. */
function assignments(instruction: Instruction): [string, string][] {
    const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(instruction.args);
    if (legacy) return [[legacy[1]!, legacy[2]!]];
    return [...instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|\S*))?/g)].map((m) => [m[1]!, (m[2] ?? '').replace(/^"|"$/g, '')]);
}

/** The command of CMD/ENTRYPOINT as an argv array (exec form) or a shell string split on spaces. */
function argv(instruction: Instruction | undefined): string[] {
    if (!instruction) return [];
    return instruction.args.startsWith('[') ? (JSON.parse(instruction.args) as string[]) : instruction.args.split(/\s+/);
}

const SECRET_LIKE = /SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|DATABASE_URL|_DSN$/i;

describe('Dockerfile', () => {
    it.each([
        ['stdio and HTTP', {}, ['node', 'dist/index.js', '--http']],
        ['HTTP only', { transports: ['http'] }, ['node', 'dist/index.js']],
        ['PostgreSQL', { systems: ['postgres'] }, ['node', 'dist/index.js', '--http']],
    ])('builds in stages and runs the HTTP transport as a non-root user (%s)', async (_label, data, command) => {
        const files = await project(data);
        const { globalArgs, stages } = parseDockerfile(files.get('Dockerfile')!);
        expect(stages.length).toBeGreaterThanOrEqual(2);

        const build = stages[0]!;
        const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
        expect(runs(build)).toContain('npm ci');
        expect(runs(build)).toContain('npm run build');

        const final = stages.at(-1)!;
        const keywords = final.instructions.map((i) => i.keyword);
        // Only the bundle from the build stage (it carries its dependencies): no install, no dev tools.
        expect(runs(final)).toEqual([]);
        expect(final.instructions).toContainEqual({ keyword: 'COPY', args: `--from=${build.name} /app/dist ./dist` });
        // The last USER of the final stage is not root, and nothing runs after switching back.
        const users = final.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
        expect(users.length).toBeGreaterThan(0);
        expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
        expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));

        const env = Object.fromEntries(final.instructions.filter((i) => i.keyword === 'ENV').flatMap(assignments));
        expect(env.HOST).toBe('0.0.0.0');
        expect(env.PORT).toMatch(/^\d+$/);
        expect(final.instructions.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual([env.PORT]);
        // ALLOWED_HOSTS is the user's to set: the image never switches the Host check off.
        expect(env).not.toHaveProperty('ALLOWED_HOSTS');

        const start = final.instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT').at(-1);
        expect(argv(start)).toEqual(command);

        const declared = [...globalArgs, ...stages.flatMap((s) => s.instructions)]
            .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
            .flatMap(assignments);
        const secrets = new Set(
            systemEnv('postgres')
                .filter((v) => v.secret)
                .map((v) => v.name),
        );
        expect(declared.filter(([name]) => SECRET_LIKE.test(name) || secrets.has(name))).toEqual([]);
    });

    it('keeps secrets and local files out of the build context', async () => {
        const ignore = (await project()).get('.dockerignore')!.split('\n');
        for (const entry of ['.env', '.env.*', 'node_modules', 'dist', '.git']) expect(ignore).toContain(entry);
    });

    it('the parser reads continuations, legacy ENV and stages as Docker does', () => {
        const parsed = parseDockerfile('# syntax=docker/dockerfile:1\nARG V=1\nFROM node:${V} AS b\nENV A=1 \\\n    B="two"\nFROM b\nENV C 3\nCMD node x.js\n');
        expect(parsed.globalArgs).toEqual([{ keyword: 'ARG', args: 'V=1' }]);
        expect(parsed.stages.map((s) => [s.from, s.name])).toEqual([
            ['node:${V}', 'b'],
            ['b', undefined],
        ]);
        expect(assignments(parsed.stages[0]!.instructions[0]!)).toEqual([
            ['A', '1'],
            ['B', 'two'],
        ]);
        expect(assignments(parsed.stages[1]!.instructions[0]!)).toEqual([['C', '3']]);
        expect(argv(parsed.stages[1]!.instructions[1])).toEqual(['node', 'x.js']);
    });
});

describe('CI workflow', () => {
    const steps = (files: Map<string, string>) => {
        const workflow = parseYaml(files.get('.github/workflows/ci.yml')!) as { jobs: Record<string, any> };
        const job = Object.values(workflow.jobs)[0]!;
        return {
            matrix: job.strategy.matrix.node as number[],
            node: job.steps.find((s: any) => s.uses?.startsWith('actions/setup-node'))?.with['node-version'],
            runs: job.steps.filter((s: any) => s.run).map((s: any) => s.run),
        };
    };

    it('installs, builds, tests and runs the conformance suite on Node 20, 22 and 24', async () => {
        const { matrix, node, runs } = steps(await project());
        expect(matrix).toEqual([20, 22, 24]);
        expect(node).toBe('${{ matrix.node }}');
        expect(runs).toEqual(['npm ci', 'npm run check', 'npm run build', 'npm run typecheck', 'npm test', 'npm run conformance']);
    });

    it('has no conformance step without HTTP', async () => {
        expect(steps(await project({ transports: ['stdio'] })).runs).not.toContain('npm run conformance');
    });
});

describe('client configurations', () => {
    it('run the local build, and the dev loop over stdio, through ${workspaceFolder}, never an absolute path', async () => {
        const files = await project();
        const dev = ['${workspaceFolder}/scripts/dev.mjs', '--stdio'];
        expect(json(files, '.vscode/mcp.json')).toEqual({
            servers: {
                demo: { type: 'stdio', command: 'node', args: ['${workspaceFolder}/dist/index.js'] },
                'demo-dev': { type: 'stdio', command: 'node', args: dev },
            },
        });
        expect(json(files, '.cursor/mcp.json')).toEqual({
            mcpServers: { demo: { command: 'node', args: ['${workspaceFolder}/dist/index.js'] }, 'demo-dev': { command: 'node', args: dev } },
        });
    });

    it('ask VS Code for required secrets and take them from the environment in Cursor, for the dev entry too', async () => {
        const files = await project({ systems: ['postgres'] });
        const vscode = json(files, '.vscode/mcp.json');
        expect(vscode.inputs).toEqual([expect.objectContaining({ type: 'promptString', id: 'database-url', password: true })]);
        for (const key of ['demo', 'demo-dev']) {
            expect(vscode.servers[key].env).toEqual({ DATABASE_URL: '${input:database-url}' });
            expect(json(files, '.cursor/mcp.json').mcpServers[key].env).toEqual({ DATABASE_URL: '${env:DATABASE_URL}' });
        }
    });

    it('point at the URL for an HTTP-only server, under the bin name of a scoped package', async () => {
        const files = await project({ name: '@acme/weather', transports: ['http'] });
        expect(json(files, '.vscode/mcp.json')).toEqual({ servers: { weather: { type: 'http', url: 'http://127.0.0.1:3000/mcp' } } });
        expect(json(files, '.cursor/mcp.json')).toEqual({ mcpServers: { weather: { url: 'http://127.0.0.1:3000/mcp' } } });
    });
});

/** Inspector 2.x needs Node >= 22.19; 0.15.0 is the newest that runs on Node 20. */
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const inspectorHere = major > 22 || (major === 22 && minor >= 19) ? '2.12.0' : '0.15.0';

/** What the generated scripts/inspect.mjs runs, on this Node, with an `npx` on PATH that prints its arguments. */
function inspectorCommand(files: Map<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'cms-inspect-'));
    try {
        writeFileSync(join(dir, 'inspect.mjs'), files.get('scripts/inspect.mjs')!);
        writeFileSync(join(dir, 'npx'), '#!/bin/sh\necho "$@"\n', { mode: 0o755 });
        return execFileSync(process.execPath, ['inspect.mjs'], {
            cwd: dir,
            encoding: 'utf8',
            env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` },
        }).trim();
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe('conformance and inspector', () => {
    it('come with the HTTP transport: script, baseline and the Node 20 shim', async () => {
        const files = await project();
        const pkg = json(files, 'package.json');
        expect(pkg.scripts.conformance).toBe('node scripts/conformance.mjs');
        expect(pkg.scripts.inspect).toBe('npm run build && node scripts/inspect.mjs');
        expect(inspectorCommand(files)).toBe(`-y @modelcontextprotocol/inspector@${inspectorHere} node dist/index.js`);
        expect(files.get('scripts/conformance.mjs')).toContain("'@modelcontextprotocol/conformance@0.1.16'");
        const baseline = parseYaml(files.get('conformance/expected-failures.yml')!) as { server: string[] };
        expect(baseline.server).toContain('resources-subscribe');
        for (const shim of ['conformance/node20-register.mjs', 'conformance/node20-hooks.mjs', 'conformance/fs-shim.mjs']) expect(files.has(shim)).toBe(true);
        // The suite runs through npx: its own dependencies (SDK v1 among them) stay out of the project.
        expect(pkg.devDependencies).not.toHaveProperty('@modelcontextprotocol/conformance');
    });

    it('leave a stdio-only project without them; an HTTP-only project inspects by URL', async () => {
        const stdio = await project({ transports: ['stdio'] });
        expect([...stdio.keys()].filter((p) => p.startsWith('conformance/') || p.startsWith('scripts/conformance') || p === 'Dockerfile')).toEqual([]);
        expect(json(stdio, 'package.json').scripts).not.toHaveProperty('conformance');
        // Started without a server command: the README says to connect it to the running server's URL.
        expect(inspectorCommand(await project({ transports: ['http'] }))).toBe(`-y @modelcontextprotocol/inspector@${inspectorHere}`);
    });
});

describe('switches', () => {
    const ecosystem = ['.cursor/mcp.json', '.dockerignore', '.github/workflows/ci.yml', '.vscode/mcp.json', 'AGENTS.md', 'Dockerfile', 'server.json'];
    const present = (files: Map<string, string>) => ecosystem.filter((p) => files.has(p));

    it('makes every part by default', async () => {
        expect(present(await project())).toEqual(ecosystem);
        expect((await project()).get('AGENTS.md')).toContain('Register it in `src/server.ts`');
    });

    it.each([
        ['clientConfigs', 'clientConfigs', ['.vscode/mcp.json', '.cursor/mcp.json']],
        ['registry', 'registry', ['server.json']],
        ['docker', 'docker', ['Dockerfile', '.dockerignore']],
        ['ci', 'ci', ['.github/workflows/ci.yml']],
        ['agentsMd', 'agentsMd', ['AGENTS.md']],
    ] as const)('leaves out %s by flag and by spec', async (flag, feature, paths) => {
        for (const files of [await project({}, { [flag]: false }), await project({ features: { [feature]: false } })]) {
            expect(present(files)).toEqual(ecosystem.filter((p) => !(paths as readonly string[]).includes(p)));
        }
    });

    it('drops mcpName with the registry entry, and the README sections with their files', async () => {
        const files = await project({}, { registry: false, docker: false, ci: false, clientConfigs: false, agentsMd: false });
        expect(json(files, 'package.json')).not.toHaveProperty('mcpName');
        const readme = files.get('README.md')!;
        for (const gone of ['## Docker', '## Publish', '## Continuous integration', '.vscode/mcp.json', 'AGENTS.md']) expect(readme).not.toContain(gone);
        expect(readme).toContain('## Conformance');
    });

    it('lets a flag switch off what the spec leaves on, and keeps the choice in mcp-server.yaml', async () => {
        const files = await project({ features: { docker: true } }, { docker: false, ci: false });
        expect(files.has('Dockerfile')).toBe(false);
        const saved = parseYaml(files.get('mcp-server.yaml')!) as Record<string, unknown>;
        expect(saved.features).toEqual({ docker: false, ci: false });
    });

    it('lets a positive flag switch back on what the spec switches off', async () => {
        const files = await project({ features: { docker: false, ci: false } }, { docker: true });
        expect(files.has('Dockerfile')).toBe(true);
        expect(files.has('.github/workflows/ci.yml')).toBe(false);
        expect((parseYaml(files.get('mcp-server.yaml')!) as Record<string, unknown>).features).toEqual({ ci: false });
    });

    it('makes no Dockerfile without the http transport', async () => {
        expect((await project({ transports: ['stdio'], features: { docker: true } })).has('Dockerfile')).toBe(false);
    });
});

describe('options chosen at generation', () => {
    it('are the values .env.example, the README and server.json give, and copying .env.example keeps them', async () => {
        const files = await project({ systems: [{ type: 'postgres', maxRows: 250, statementTimeoutMs: 2000 }] });
        const example = files.get('.env.example')!;
        // Optional settings are commented out, so `cp .env.example .env` never overrides the generated values.
        expect(example).toContain('# PG_MAX_ROWS=250\n');
        expect(example).toContain('# PG_STATEMENT_TIMEOUT_MS=2000\n');
        expect(example).not.toMatch(/^PG_/m);
        expect(example).toMatch(/^DATABASE_URL=/m);
        expect(files.get('README.md')).toContain('`250` when unset');
        const env = json(files, 'server.json').packages[0].environmentVariables as { name: string; default?: string; placeholder?: string }[];
        expect(env.find((v) => v.name === 'PG_MAX_ROWS')).toMatchObject({ default: '250', placeholder: '250' });
        expect(env.find((v) => v.name === 'PG_STATEMENT_TIMEOUT_MS')).toMatchObject({ default: '2000', placeholder: '2000' });
        expect(files.get('src/systems/postgres.ts')).toContain("limitsFromEnv('PG', { maxRows: 250, maxResultBytes: 1_000_000, statementTimeoutMs: 2_000 })");
        // The query tool's description, which every client reads, names the caps in force.
        expect(files.get('src/tools/query.ts')).toContain('At most ${maxRows} rows and ${maxResultBytes} bytes');
        if (validateServerJson) expect(problems(json(files, 'server.json'))).toEqual([]);
    });
});
