/**
 * Installs the generated project's dependencies with the chosen package manager.
 * The install runs in its own process group, so an interruption ends it with everything it
 * started; what it had half made (node_modules, a new lockfile) is removed, so nothing looks
 * installed that is not.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../shared/errors.js';
import type { PackageManager } from '../shared/pm.js';
import { installArgs } from '../shared/pm.js';
import { oneLine } from '../shared/quote.js';
import type { Reporter } from '../shared/report.js';
import { hasProcessGroups, onProcessExit, signalGroup } from './processes.js';

/** Fails early, before anything is written, when the package manager cannot be run. */
export async function checkPackageManager(pm: PackageManager): Promise<void> {
    const { execa } = await import('execa');
    try {
        await execa(pm, ['--version'], { timeout: 30_000 });
    } catch {
        throw new UsageError(`--pm: ${pm} is not installed or cannot run (tried "${pm} --version"); install it or choose another with --pm`);
    }
}

export interface InstallOutcome {
    status: 'done' | 'failed' | 'cancelled';
    command: string;
    /** When it failed: the package manager's own error code and summary, one line each. */
    detail?: string[];
    /** When it was cancelled: what was left (node_modules removed, or one that was there before kept). */
    left?: 'removed' | 'kept-existing';
    ms: number;
}

/** What an install creates; an interrupted one leaves them half made. */
const INSTALL_OUTPUTS = ['node_modules', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb', '.pnp.cjs', '.pnp.loader.mjs', '.yarn'];

/**
 * How long the install may take to stop after SIGTERM before it is killed. Short: npm waiting on
 * the network does not stop on SIGTERM at all, and what it half made is removed anyway.
 */
const STOP_GRACE_MS = 1_000;

/**
 * Runs the install. `cancel` (aborted by the CLI on SIGINT/SIGTERM) stops it: the whole process
 * group gets SIGTERM, then SIGKILL after a grace period, and the outputs this run created are
 * removed before the outcome says `cancelled`.
 */
export async function install(targetDir: string, pm: PackageManager, report: Reporter, cancel?: AbortSignal): Promise<InstallOutcome> {
    const { execa } = await import('execa');
    const args = installArgs(pm);
    const command = `${pm} ${args.join(' ')}`;
    const started = Date.now();
    const existed = new Set(INSTALL_OUTPUTS.filter((name) => existsSync(join(targetDir, name))));
    if (cancel?.aborted) return { status: 'cancelled', command, left: existed.has('node_modules') ? 'kept-existing' : 'removed', ms: 0 };

    const progress = report.progress(`Installing dependencies with ${pm}`);
    // A process group of its own (not on Windows, which has none): the package manager and every
    // script it runs are signalled together, and a terminal's Ctrl-C reaches the CLI first.
    const group = hasProcessGroups;
    const subprocess = execa(pm, args, { cwd: targetDir, reject: false, all: true, stdin: 'ignore', detached: group });
    const signalAll = (signal: NodeJS.Signals) => {
        if (group && subprocess.pid !== undefined) signalGroup(subprocess.pid, signal);
        else subprocess.kill(signal);
    };
    let forceKill: NodeJS.Timeout | undefined;
    const stop = () => {
        signalAll('SIGTERM');
        forceKill = setTimeout(() => signalAll('SIGKILL'), STOP_GRACE_MS);
    };
    // execa's own cleanup does not cover a detached child: if the CLI exits some other way, the group goes with it.
    const atExit = onProcessExit(() => signalAll('SIGKILL'));
    cancel?.addEventListener('abort', stop, { once: true });
    let result: Awaited<typeof subprocess>;
    try {
        result = await subprocess;
    } finally {
        cancel?.removeEventListener('abort', stop);
        atExit.dispose();
        clearTimeout(forceKill);
    }
    const ms = Date.now() - started;

    if (cancel?.aborted) {
        // Whatever of the group outlived the package manager (a script it ran) is ended too.
        signalAll('SIGKILL');
        const created = INSTALL_OUTPUTS.filter((name) => !existed.has(name));
        await Promise.all(created.map((name) => rm(join(targetDir, name), { recursive: true, force: true, maxRetries: 10 })));
        progress.fail(`${command} was interrupted`);
        return { status: 'cancelled', command, left: existed.has('node_modules') ? 'kept-existing' : 'removed', ms };
    }
    if (result.exitCode === 0 && !result.failed) {
        progress.done(`Installed dependencies with ${pm} in ${(ms / 1000).toFixed(1)} s`);
        return { status: 'done', command, ms };
    }
    progress.fail(`${command} failed`);
    return { status: 'failed', command, detail: failureSummary(String(result.all ?? result.message ?? '')), ms };
}

/** Longest line of another program's output shown. */
const LINE_MAX = 200;

/**
 * The package manager's own error code and summary line from its output, not the tail of a
 * stack trace: `npm error code E404` and the line after it; pnpm's `ERR_PNPM_…` line; the first
 * `error` line of yarn 1 and bun. Otherwise (yarn 2+, anything else) the last lines that are not
 * stack frames. Pure.
 */
export function failureSummary(output: string): string[] {
    const lines = output
        .replace(/\u001b\[[0-9;]*m/g, '')
        .split(/\r?\n/)
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== '');
    const show = (picked: string[]) => picked.map((l) => oneLine(l.trim(), { max: LINE_MAX }));

    // npm 7+ ("npm error", "npm ERR!"): the code, then its summary, skipping the where-and-how lines.
    const npm = /^npm (?:error|ERR!) /;
    const codeAt = lines.findIndex((l) => /^npm (?:error|ERR!) code \S/.test(l));
    if (codeAt >= 0) {
        const text = (l: string) => l.replace(npm, '');
        const rest = lines.slice(codeAt + 1).filter((l) => npm.test(l) && !/^(?:errno|syscall|path|dest|signal|A complete log|\S+\s*$)/.test(text(l)));
        // A failed script says "command failed", then which command.
        return show([lines[codeAt]!, ...rest.slice(0, rest[0] && text(rest[0]) === 'command failed' ? 2 : 1)]);
    }
    const pnpm = lines.find((l) => /\bERR_PNPM_[A-Z0-9_]+/.test(l));
    if (pnpm) return show([pnpm]);
    // yarn 1 ("error An unexpected error occurred: …") and bun ("error: GET … - 404").
    const first = lines.find((l) => /^error:? /.test(l));
    if (first) return show([first]);
    return show(lines.filter((l) => !/^\s+at /.test(l) && !/A complete log of this run/.test(l)).slice(-3));
}
