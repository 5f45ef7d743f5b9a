/**
 * The dev loop of the generated default project: save → serving, as a client sees it. A 2025-era
 * client holds `node scripts/dev.mjs --stdio`; each round rewrites a tool's description and times
 * the file write to the `notifications/tools/list_changed` the dev server sends once the new
 * version serves (so it includes noticing the change, the esbuild build, tsc, the new process
 * and the handover). Also: tsc --noEmit alone (the step on the critical path), and the dev
 * server's resident memory over the rounds.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { INITIALIZE, median, timeRun } from './measure.mjs';

const ROUNDS = 20;

/** Resident memory of a process, in MB (Linux; undefined elsewhere). */
function rssMb(pid) {
    try {
        return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    } catch {
        return undefined;
    }
}

export async function devloopBench({ node, dir, log }) {
    log(`dev loop: ${ROUNDS} reloads of the default project over stdio, and tsc --noEmit alone`);
    const tsc = [];
    for (let i = 0; i < 5; i++) tsc.push(timeRun(node, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: dir }));

    const tool = join(dir, 'src/tools/add.ts');
    const original = readFileSync(tool, 'utf8');
    const dev = spawn(node, ['scripts/dev.mjs', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    dev.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    let waiting;
    createInterface({ input: dev.stdout }).on('line', (line) => {
        const message = JSON.parse(line);
        if (message.id === 1 || message.method === 'notifications/tools/list_changed') waiting?.();
    });
    const next = () => new Promise((resolve) => (waiting = resolve));
    try {
        const opened = next();
        dev.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, ...INITIALIZE })}\n`);
        await opened;
        dev.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
        const samples = [];
        const memory = [];
        // One round more than counted: the first reload warms tsc's incremental state.
        for (let round = 0; round <= ROUNDS; round++) {
            const notified = next();
            const start = process.hrtime.bigint();
            writeFileSync(tool, original.replace(/description: '[^']*'/, `description: 'Add, round ${round}'`));
            await notified;
            if (round > 0) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
            if (round === 1 || round === ROUNDS) memory.push(rssMb(dev.pid));
        }
        const reported = [...stderr.matchAll(/\((\d+) ms, after/g)].slice(1).map((m) => Number(m[1]));
        return { saveToServing: median(samples), reported: median(reported), tsc: median(tsc), rss: { first: memory[0], last: memory[1] } };
    } finally {
        dev.stdin.end();
        await exited;
        writeFileSync(tool, original);
    }
}

export function devloopReport(r, ms) {
    const rss = r.rss.first === undefined ? 'n/a' : `${r.rss.first.toFixed(0)} → ${r.rss.last.toFixed(0)} MB`;
    return {
        rows: [
            [
                'dev loop: save → serving (stdio client notified)',
                ms(r.saveToServing),
                `tsc --noEmit alone: ${ms(r.tsc)}`,
                `as the dev server reports it: ${ms(r.reported)}`,
            ],
            [`dev server memory, reload 1 → ${ROUNDS}`, rss, '', ''],
        ],
        targets: [{ name: 'dev loop: save → serving under 1 s for the default project', pass: r.saveToServing < 1000, value: ms(r.saveToServing) }],
    };
}
