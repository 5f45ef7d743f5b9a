/**
 * The only writer: the target-directory policy and the atomic write of rendered files.
 * Files are written into a temporary folder beside the target, then moved into place, so a
 * failure or an interruption leaves no partial project behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';
import { oneLine, quote, quotePath } from './quote.js';
import type { RenderedFile } from './render.js';

/** Files a fresh directory may already hold without counting as "not empty". */
const IGNORABLE = new Set(['.git', '.DS_Store', 'Thumbs.db']);

export interface TargetState {
    exists: boolean;
    /** Entries other than the ignorable ones. */
    entries: string[];
}

/** File-system refusals that are the user's to fix (another directory, permissions, space), in words. */
const FS_REASONS: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    ENOTDIR: 'a parent is not a directory',
    ENAMETOOLONG: 'the name is too long for the file system',
};

/** Inspects the target; throws UsageError when it cannot hold a project. */
export async function inspectTarget(targetDir: string, templatesDir: string): Promise<TargetState> {
    const inside = relative(resolve(templatesDir), resolve(targetDir));
    if (inside === '' || (!inside.startsWith('..') && !inside.startsWith(sep) && !/^[A-Za-z]:/.test(inside))) {
        throw new UsageError(`directory: ${quotePath(targetDir)} is inside create-mcp-server's own templates; choose another directory`);
    }
    let info;
    try {
        info = await stat(targetDir);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, entries: [] };
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
        if (code === 'ENOTDIR' || code === 'ENAMETOOLONG') throw new UsageError(`directory: cannot write to ${quotePath(targetDir)}: ${FS_REASONS[code]}`);
        throw new UsageError(`directory: cannot read ${quotePath(targetDir)}: ${FS_REASONS[code] ?? code}`);
    }
    if (!info.isDirectory()) throw new UsageError(`directory: ${quotePath(targetDir)} exists and is not a directory`);
    const entries = (await readdir(targetDir)).filter((e) => !IGNORABLE.has(e));
    return { exists: true, entries };
}

/** Refuses a non-empty target unless forced. */
export function checkTargetPolicy(state: TargetState, directory: string, force: boolean): void {
    if (state.entries.length > 0 && !force) {
        const shown = state.entries.slice(0, 3).map((e) => oneLine(e, { max: 40 })).join(', ') + (state.entries.length > 3 ? ', …' : '');
        throw new UsageError(
            `directory: ${quote(directory)} is not empty (${shown}); choose another directory, or pass --force to write into it (only the generated files are replaced)`,
        );
    }
}

/** Paths of existing files the write would replace (for --force reports). */
export async function existingFiles(targetDir: string, files: RenderedFile[]): Promise<string[]> {
    const found = await Promise.all(
        files.map(async (f) => {
            try {
                await stat(join(targetDir, f.path));
                return f.path;
            } catch {
                return undefined;
            }
        }),
    );
    return found.filter((p): p is string => p !== undefined);
}

/**
 * Removes the staging folder synchronously, for a signal handler. Writes already handed to the
 * thread pool (a few, see WRITE_CONCURRENCY) may still create files while it runs, and rmSync's own
 * retries do not list the folder again, so this repeats until the folder is gone.
 */
export function removeStagingNow(dir: string): void {
    for (let attempt = 0; attempt < 100 && existsSync(dir); attempt++) {
        try {
            rmSync(dir, { recursive: true, force: true });
        } catch {
            // ENOTEMPTY: a late write landed; let the thread pool drain, then list and remove again.
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        }
    }
}

/**
 * A staging folder beside the target (same file system, so renames are atomic).
 * `cleanup` removes it; the CLI calls it on SIGINT/SIGTERM too.
 */
export function stagingDir(targetDir: string): string {
    return join(dirname(targetDir), `.${basename(targetDir)}.create-mcp-server-${randomBytes(4).toString('hex')}`);
}

/** Most files written at once: enough to keep the disk busy, few enough that an interruption stops quickly. */
const WRITE_CONCURRENCY = 16;

/**
 * Writes files with a bounded number in flight. Unbounded, thousands of queued writes would keep
 * creating files in the thread pool while an interrupted process removes the staging folder.
 */
async function writeConcurrently(root: string, files: RenderedFile[]): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < files.length) {
            const file = files[next++]!;
            await writeFile(join(root, file.path), file.contents);
        }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, files.length) }, worker));
}

/**
 * Writes the files into `staging`, then moves them into `targetDir`: the whole folder at once
 * when the target does not exist, else file by file over an existing (empty or forced) target.
 */
export async function writeAtomically(targetDir: string, staging: string, files: RenderedFile[], targetExists: boolean): Promise<void> {
    try {
        // Folders are made synchronously: an interruption's cleanup must never race a recursive
        // mkdir, which would create the staging folder again after it was removed.
        mkdirSync(dirname(targetDir), { recursive: true });
        mkdirSync(staging);
        const dirs = new Set(files.map((f) => dirname(join(staging, f.path))));
        for (const dir of [...dirs].sort()) mkdirSync(dir, { recursive: true });
        await writeConcurrently(staging, files);
        if (!targetExists) {
            await rename(staging, targetDir);
            return;
        }
        // Synchronous on purpose: a signal handler cannot run in the middle, so an interruption
        // leaves either none or all of the files moved.
        for (const f of files) {
            const to = join(targetDir, f.path);
            mkdirSync(dirname(to), { recursive: true });
            renameSync(join(staging, f.path), to);
        }
    } catch (error) {
        // A file-system refusal is the user's to fix (another directory, permissions, space): say so in one line.
        const code = (error as NodeJS.ErrnoException).code;
        const reasons: Record<string, string> = { ...FS_REASONS, ENOENT: 'the file system does not allow creating it' };
        if (code && reasons[code]) throw new UsageError(`directory: cannot write to ${quotePath(targetDir)}: ${reasons[code]}`);
        throw error;
    } finally {
        await rm(staging, { recursive: true, force: true });
    }
}
