/** Installs the generated project's dependencies with the chosen package manager. */
import type { PackageManager } from '../pm.js';
import { installArgs } from '../pm.js';
import { UsageError } from '../errors.js';
import type { Reporter } from '../report.js';

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
    ok: boolean;
    command: string;
    /** Last lines of the package manager's output when it failed. */
    detail?: string;
    ms: number;
}

export async function install(targetDir: string, pm: PackageManager, report: Reporter): Promise<InstallOutcome> {
    const { execa } = await import('execa');
    const args = installArgs(pm);
    const command = `${pm} ${args.join(' ')}`;
    const started = Date.now();
    const progress = report.progress(`Installing dependencies with ${pm}`);
    const result = await execa(pm, args, { cwd: targetDir, reject: false, all: true, stdin: 'ignore' });
    const ms = Date.now() - started;
    if (result.exitCode === 0 && !result.failed) {
        progress.done(`Installed dependencies with ${pm} in ${(ms / 1000).toFixed(1)} s`);
        return { ok: true, command, ms };
    }
    const detail = String(result.all ?? result.message ?? '')
        .split('\n')
        .filter((l) => l.trim() && !l.includes('Unknown user config'))
        .slice(-8)
        .join('\n');
    progress.fail(`${command} failed`);
    return { ok: false, command, detail, ms };
}
