#!/usr/bin/env node
/**
 * `npm run bench`: how fast the CLI starts and generates, how fast the generated server starts and
 * answers, and how much the CLI and a generated project install, each next to its floor or the
 * official `@modelcontextprotocol/create-server`, measured in the same run. Prints one table and
 * the target lines; `--json` prints the numbers as JSON instead. It only reports: the exit code
 * is 0 unless something crashed.
 *
 * Phases: prepare (installs and builds in a temp dir, not timed), then the timings, back to back;
 * the header shows the load average they ran under, since other work on the machine skews them.
 * Needs the built CLI (dist/) and the npm registry; about 15 minutes on 2 cores (most of it the OpenAPI giants). The SQL rows use the
 * databases of the tests (TEST_DATABASE_URL, TEST_MYSQL_URL) and are skipped without them.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authBench, authReport } from './lib/auth.mjs';
import { devloopBench, devloopReport } from './lib/devloop.mjs';
import { footprint, installedPackages, npm, readJson } from './lib/footprint.mjs';
import { httpBench, httpReport } from './lib/http.mjs';
import { INITIALIZE, StdioRpc, coldStart, interleaved, roundTrip, timeRun } from './lib/measure.mjs';
import { openapiBench, openapiReport } from './lib/openapi.mjs';
import { sqlBench, sqlReport } from './lib/sql.mjs';
import { openapiGiantsBench, openapiGiantsReport } from './lib/openapi-giants.mjs';
import { VALID_ARGUMENTS, syntheticSpec } from './lib/spec.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/create-mcp-server.js');
const NODE = process.execPath;
const RUNS = { coldStart: 15, generate: 5, requests: 100 };
/** Bare node that answers the first line on stdin with that line: the floor of any stdio server. */
const ECHO = "process.stdin.once('data', (line) => process.stdout.write(line))";

const asJson = process.argv.includes('--json');
const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** Runs the CLI in `cwd` with `args`, to completion. Returns milliseconds. */
function cli(args, cwd) {
    return timeRun(NODE, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
}

// ---------------------------------------------------------------------------------------------
// Prepare: projects, builds and installs. Nothing here is timed.
// ---------------------------------------------------------------------------------------------

/** Generates and builds the default project and a 200-tool one sharing its node_modules. */
function prepareProjects(work) {
    const projects = join(work, 'projects');
    mkdirSync(projects);
    cli(['default', '--yes', '--no-install', '--no-git'], projects);
    cli(['tools200', '--spec', join(work, 'specs/200.json'), '--yes', '--no-install', '--no-git'], projects);
    const dir = { default: join(projects, 'default'), tools200: join(projects, 'tools200') };
    log('npm install in the generated default project');
    npm(['install'], dir.default);
    // Both projects have the same dependencies: one install serves the two.
    symlinkSync(join(dir.default, 'node_modules'), join(dir.tools200, 'node_modules'), 'dir');
    log('npm run build in the default and the 200-tool project');
    npm(['run', 'build'], dir.default);
    npm(['run', 'build'], dir.tools200);
    // The minimal server resolves its imports from the default project's node_modules.
    copyFileSync(join(ROOT, 'bench/minimal-server.mjs'), join(dir.default, 'minimal-server.mjs'));
    return dir;
}

/** Production install of the generated default project, from the lockfile its install wrote. */
function generatedProduction(work, defaultDir) {
    const dir = join(work, 'production');
    mkdirSync(dir);
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(defaultDir, file), join(dir, file));
    log('npm ci --omit=dev of the generated default project');
    npm(['ci', '--omit=dev'], dir);
    return {
        ...footprint(dir),
        dependencies: Object.keys(readJson(join(dir, 'package.json')).dependencies).sort(),
        installed: installedPackages(dir).sort(),
    };
}

/** What `npx create-mcp-server` installs: this repository packed, installed like a registry package. */
function cliInstall(work) {
    const dir = join(work, 'cli-install');
    mkdirSync(dir);
    log('npm pack this repository and install the tarball');
    // --ignore-scripts: pack the dist/ that is built, without rebuilding it under other people's feet.
    const [{ filename }] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT));
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    npm(['install', '--omit=dev', `./${filename}`], dir);
    return footprint(dir);
}

/** The official scaffolder, and the production dependencies of the project it generates. */
function officialCreateServer(work) {
    const dir = join(work, 'create-server');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    log('npm install @modelcontextprotocol/create-server');
    npm(['install', '--omit=dev', '@modelcontextprotocol/create-server'], dir);
    const pkg = join(dir, 'node_modules/@modelcontextprotocol/create-server');
    const version = readJson(join(pkg, 'package.json')).version;

    // Its template's package.json is EJS; placeholders only sit in strings, so a stand-in keeps it JSON.
    const template = JSON.parse(readFileSync(join(pkg, 'template/package.json.ejs'), 'utf8').replace(/<%[^%]*%>/g, 'x'));
    const deps = Object.entries(template.dependencies).map(([name, range]) => `${name}@${range}`);
    const templateDir = join(work, 'create-server-project');
    mkdirSync(templateDir);
    writeFileSync(join(templateDir, 'package.json'), '{ "private": true }\n');
    log(`npm install ${deps.join(' ')} (create-server's template dependencies)`);
    npm(['install', '--omit=dev', ...deps], templateDir);
    return { version, install: footprint(dir), project: { ...footprint(templateDir), dependencies: deps } };
}

// ---------------------------------------------------------------------------------------------
// Timings.
// ---------------------------------------------------------------------------------------------

/** Generation of the default project and the two synthetic specs, into fresh directories. */
async function generation(work) {
    const out = join(work, 'generated');
    mkdirSync(out);
    let count = 0;
    const generate = (args) => () => {
        const name = `p${count++}`;
        const ms = cli([name, ...args, '--yes', '--no-install', '--no-git'], out);
        rmSync(join(out, name), { recursive: true, force: true });
        return ms;
    };
    return interleaved(RUNS.generate, {
        default: generate([]),
        tools200: generate(['--spec', join(work, 'specs/200.json')]),
        tools1000: generate(['--spec', join(work, 'specs/1000.json')]),
    });
}

/**
 * tools/list and tools/call round trips on one stdio connection to the server `entry` in `cwd`,
 * which must list `tools` tools and answer `call` without an error.
 */
async function requests(entry, cwd, tools, call) {
    const rpc = new StdioRpc(NODE, [entry], cwd);
    await rpc.request(INITIALIZE.method, INITIALIZE.params);
    rpc.notify('notifications/initialized');
    const checkList = (result) => {
        if (result.tools.length !== tools) throw new Error(`${entry}: tools/list returned ${result.tools.length} tools, expected ${tools}`);
    };
    const checkCall = (result) => {
        if (result.isError) throw new Error(`${entry}: tools/call failed: ${JSON.stringify(result.content)}`);
    };
    const listBytes = JSON.stringify(await rpc.request('tools/list', {})).length;
    // A first round of each warms the JIT; only the second counts.
    await roundTrip(rpc, RUNS.requests, 'tools/list', {}, checkList);
    await roundTrip(rpc, RUNS.requests, 'tools/call', call, checkCall);
    const list = await roundTrip(rpc, RUNS.requests, 'tools/list', {}, checkList);
    const callMs = await roundTrip(rpc, RUNS.requests, 'tools/call', call, checkCall);
    await rpc.close();
    return { list, call: callMs, listBytes };
}

// ---------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------

const ms = (value) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
const delta = (value, floor, digits = 0) => `${value < floor ? '' : '+'}${(value - floor).toFixed(digits)} ms (×${(value / floor).toFixed(2)})`;
const ratio = (value, floor) => `×${(value / floor).toFixed(2)}`;
const size = ({ packages, mb }) => `${packages} pkgs, ${mb.toFixed(1)} MB`;
const sizeRatio = (a, b) => `×${(a.packages / b.packages).toFixed(2)} pkgs, ×${(a.mb / b.mb).toFixed(2)} MB`;

function table(rows) {
    const header = ['metric', 'median', 'floor / comparison', 'ratio / delta'];
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
    const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
    return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function report(r) {
    const perTool = (n) => (r.generate[`tools${n}`] - r.generate.default) / n;
    const p200 = perTool(200);
    const p1000 = perTool(1000);
    const cs = r.createServer;
    const rows = [
        ['CLI --version', ms(r.cli.version), `node -e 0: ${ms(r.cli.node)}`, delta(r.cli.version, r.cli.node)],
        ['CLI --help', ms(r.cli.help), `node -e 0: ${ms(r.cli.node)}`, delta(r.cli.help, r.cli.node)],
        ['generate default project', ms(r.generate.default), `node -e 0: ${ms(r.cli.node)}`, delta(r.generate.default, r.cli.node)],
        ['generate 200-tool spec', ms(r.generate.tools200), `default: ${ms(r.generate.default)}`, `${p200.toFixed(2)} ms/tool`],
        ['generate 1000-tool spec', ms(r.generate.tools1000), `default: ${ms(r.generate.default)}`, `${p1000.toFixed(2)} ms/tool`],
        ['cost per tool, 1000 vs 200', `${p1000.toFixed(2)} ms/tool`, `at 200: ${p200.toFixed(2)} ms/tool`, ratio(p1000, p200)],
        ['minimal SDK v2 server: spawn → initialize', ms(r.server.minimal), `bare node echo: ${ms(r.server.echo)}`, delta(r.server.minimal, r.server.echo)],
        [
            'generated default server: spawn → initialize',
            ms(r.server.generated),
            `minimal: ${ms(r.server.minimal)}`,
            delta(r.server.generated, r.server.minimal),
        ],
        [
            'generated 200-tool server: spawn → initialize',
            ms(r.server.tools200),
            `minimal: ${ms(r.server.minimal)}`,
            delta(r.server.tools200, r.server.minimal),
        ],
        [
            'tools/list, 200-tool server (one connection)',
            ms(r.requests.tools200.list),
            `minimal (1 tool): ${ms(r.requests.minimal.list)}`,
            `${(r.requests.tools200.listBytes / 1024).toFixed(0)} KB vs ${(r.requests.minimal.listBytes / 1024).toFixed(1)} KB`,
        ],
        [
            'tools/call, 200-tool server (one connection)',
            ms(r.requests.tools200.call),
            `minimal: ${ms(r.requests.minimal.call)}`,
            delta(r.requests.tools200.call, r.requests.minimal.call, 2),
        ],
        [
            'CLI install (npm pack, --omit=dev)',
            size(r.footprint.cli),
            `create-server ${cs.version}: ${size(cs.install)}`,
            sizeRatio(r.footprint.cli, cs.install),
        ],
        [
            'generated project, production install',
            size(r.footprint.project),
            `its template's deps: ${size(cs.project)}`,
            sizeRatio(r.footprint.project, cs.project),
        ],
    ];

    const wanted = ['@modelcontextprotocol/node', '@modelcontextprotocol/server', 'jose', 'zod'];
    const targets = [
        ['CLI --version within 40 ms of bare node', r.cli.version - r.cli.node <= 40, `+${(r.cli.version - r.cli.node).toFixed(0)} ms`],
        ['default project generated within 120 ms of bare node', r.generate.default - r.cli.node <= 120, `+${(r.generate.default - r.cli.node).toFixed(0)} ms`],
        // Linear: the cost per tool stays flat from 200 to 1000 tools. The margin absorbs noise;
        // a quadratic step would make it 5× at 1000.
        [
            '1000 tools in under 3 s, linear (ms/tool at 1000 ≤ 1.5× ms/tool at 200)',
            r.generate.tools1000 < 3000 && p1000 <= 1.5 * p200,
            `${ms(r.generate.tools1000)}; ${p1000.toFixed(2)} vs ${p200.toFixed(2)} ms/tool`,
        ],
        ['generated server cold start ≤ 0.8× minimal SDK v2 server', r.server.generated <= 0.8 * r.server.minimal, ratio(r.server.generated, r.server.minimal)],
        [
            'production deps of a stdio+HTTP project: server, node adapter, jose, zod (and their deps) only',
            JSON.stringify(r.footprint.project.dependencies) === JSON.stringify(wanted),
            `depends on ${r.footprint.project.dependencies.join(', ')}; installs ${r.footprint.project.installed.join(', ')}`,
        ],
        [
            "CLI install smaller than create-server's",
            r.footprint.cli.mb < cs.install.mb && r.footprint.cli.packages < cs.install.packages,
            `${size(r.footprint.cli)} vs ${size(cs.install)}`,
        ],
    ].map(([name, pass, value]) => ({ name, pass, value }));
    const http = httpReport(r.http);
    const openapi = openapiReport(r.openapi, ms);
    const giants = openapiGiantsReport(r.openapiGiants, ms);
    const auth = authReport(r.auth);
    const sql = sqlReport(r.sql, ms);
    const devloop = devloopReport(r.devloop, ms);
    return {
        rows: [...rows, ...http.rows, ...auth.rows, ...openapi.rows, ...sql.rows, ...devloop.rows, ...giants.rows],
        targets: [...targets, ...http.targets, ...auth.targets, ...openapi.targets, ...sql.targets, ...devloop.targets, ...giants.targets],
        perTool: { tools200: p200, tools1000: p1000 },
    };
}

// ---------------------------------------------------------------------------------------------

async function main() {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const work = mkdtempSync(join(os.tmpdir(), 'cms-bench-'));
    try {
        mkdirSync(join(work, 'specs'));
        for (const n of [200, 1000]) writeFileSync(join(work, `specs/${n}.json`), JSON.stringify(syntheticSpec(n), null, 2));

        const dir = prepareProjects(work);
        const footprints = { project: generatedProduction(work, dir.default), cli: cliInstall(work) };
        const createServer = officialCreateServer(work);

        const load = os.loadavg()[0];
        log(`CLI cold start (${RUNS.coldStart} runs each)`);
        const cliStart = await interleaved(RUNS.coldStart, {
            node: () => timeRun(NODE, ['-e', '0']),
            version: () => cli(['--version'], work),
            help: () => cli(['--help'], work),
        });
        log(`generation (${RUNS.generate} runs each)`);
        const generate = await generation(work);
        log(`server cold start to the initialize answer (${RUNS.coldStart} runs each)`);
        const server = await interleaved(RUNS.coldStart, {
            echo: () => coldStart(NODE, ['-e', ECHO], work),
            minimal: () => coldStart(NODE, ['minimal-server.mjs'], dir.default),
            generated: () => coldStart(NODE, ['dist/index.js'], dir.default),
            tools200: () => coldStart(NODE, ['dist/index.js'], dir.tools200),
        });
        log(`tools/list and tools/call round trips (${RUNS.requests} each)`);
        const rpc = {
            tools200: await requests('dist/index.js', dir.tools200, 200, { name: 'tool_0100', arguments: VALID_ARGUMENTS }),
            minimal: await requests('minimal-server.mjs', dir.default, 1, { name: 'echo', arguments: { text: 'bench' } }),
        };
        const http = await httpBench({ root: ROOT, work, defaultDir: dir.default, generate: cli, build: (cwd) => npm(['run', 'build'], cwd), log });
        const auth = await authBench({ defaultDir: dir.default, log });
        const openapi = await openapiBench({ root: ROOT, node: NODE, work, cli, modules: join(dir.default, 'node_modules'), minimal: dir.default, log });
        const sql = await sqlBench({ node: NODE, work, cli, npm, log });
        const devloop = await devloopBench({ node: NODE, dir: dir.default, log });
        const openapiGiants = await openapiGiantsBench({ root: ROOT, node: NODE, work, cli, modules: join(dir.default, 'node_modules'), log });
        const results = {
            load: { before: load, after: os.loadavg()[0] },
            cli: cliStart,
            generate,
            server,
            requests: rpc,
            http,
            auth,
            footprint: footprints,
            createServer,
            openapi,
            sql,
            devloop,
            openapiGiants,
        };

        const { rows, targets, perTool } = report(results);
        if (asJson) {
            process.stdout.write(`${JSON.stringify({ node: process.version, runs: RUNS, ...results, perTool, targets }, null, 2)}\n`);
            return;
        }
        process.stdout.write(
            `\ncreate-mcp-server bench: node ${process.version}, ${os.cpus().length} CPUs, load average ${results.load.before.toFixed(1)} → ${results.load.after.toFixed(1)}; ` +
                `medians of ${RUNS.coldStart} cold starts, ${RUNS.generate} generations, ${RUNS.requests} requests\n\n`,
        );
        process.stdout.write(`${table(rows)}\n\nTargets:\n`);
        for (const t of targets) process.stdout.write(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.value}\n`);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

main().catch((error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
    process.exitCode = 1;
});
