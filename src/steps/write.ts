/**
 * The only writer: the target-directory policy, the one gate every path written or removed in a
 * project goes through (`checkProjectPaths`), and the atomic write of rendered files. Files are
 * written into a temporary folder beside the target, then moved into place, so a failure or an
 * interruption leaves no partial project behind.
 */
import { randomBytes } from 'node:crypto';
import { type Dirent, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { projectPathProblem } from '../core/project-paths.js';
import { bytesOf } from '../shared/bytes.js';
import { UsageError } from '../shared/errors.js';
import { oneLine, quote, quotePath } from '../shared/quote.js';
import type { RenderedFile } from '../render/render.js';
import { ownPid, processAlive, processStartMark } from './processes.js';

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
    let info: Awaited<ReturnType<typeof stat>>;
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
        const shown =
            state.entries
                .slice(0, 3)
                .map((e) => oneLine(e, { max: 40 }))
                .join(', ') + (state.entries.length > 3 ? ', …' : '');
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

let ownMark: string | undefined;
/** This process's start mark: from /proc where it exists, else its start time in ms (`t` + base 36). */
function ownStartMark(): string {
    ownMark ??= processStartMark(ownPid) ?? `t${Math.round(performance.timeOrigin).toString(36)}`;
    return ownMark;
}

/** Staging folder names: `.<target>.create-mcp-server-<pid>-<start mark>-<random>`. */
const STAGING_NAME = /^\..*\.create-mcp-server-(\d+)-(\d+|t[0-9a-z]+)-[0-9a-f]{8}$/s;

/**
 * A staging folder beside the target (same file system, so renames are atomic). Its name says
 * which process made it (pid and start mark), so a later run can tell a folder left by a killed
 * run from one still being written. The CLI removes it on SIGINT/SIGTERM.
 */
export function stagingDir(targetDir: string): string {
    // The target's name is kept short in it: it is there for people, and names have a length limit.
    const label = Array.from(basename(targetDir)).slice(0, 64).join('');
    return join(dirname(targetDir), `.${label}.create-mcp-server-${ownPid}-${ownStartMark()}-${randomBytes(4).toString('hex')}`);
}

/** Is the process that made a staging folder gone? Unsure means no: a live run's folder is never touched. */
function ownerGone(pid: number, mark: string): boolean {
    // Our own pid with another mark: an earlier process had it, and it has ended.
    if (pid === ownPid) return mark !== ownStartMark();
    const alive = processAlive(pid);
    if (alive !== true) return alive === false;
    // Alive: the same process only if it started when the name says; otherwise the pid was reused.
    const now = processStartMark(pid);
    return now !== undefined && !mark.startsWith('t') && now !== mark;
}

/**
 * Removes the staging folders in `parent` that this tool made (by their name) in runs that were
 * killed (SIGKILL, a crash, a power cut) and so could not clean up. Folders whose owner still
 * runs, or might, are left alone. Best effort: what cannot be removed stays for a later run.
 * Returns the names removed.
 */
export async function sweepStaleStaging(parent: string): Promise<string[]> {
    let entries: Dirent[];
    try {
        entries = await readdir(parent, { withFileTypes: true });
    } catch {
        return [];
    }
    const swept: string[] = [];
    for (const entry of entries) {
        const match = STAGING_NAME.exec(entry.name);
        if (!match || !entry.isDirectory() || !ownerGone(Number(match[1]), match[2]!)) continue;
        try {
            await rm(join(parent, entry.name), { recursive: true, force: true, maxRetries: 3 });
            swept.push(entry.name);
        } catch {
            // Not ours to fix here (permissions); the next run tries again.
        }
    }
    return swept;
}

/**
 * Why `path` cannot be used in the project at `realRoot` as it stands on disk: a part of it that is a
 * symbolic link leading outside the project, into its `.git`, or nowhere. Writes replace a link at
 * the end of the path (a rename does not follow it) and removals remove the link itself, but a link
 * on the way would carry a write, a removal or a read elsewhere.
 */
async function problemOnDisk(dir: string, realRoot: string, path: string): Promise<string | undefined> {
    const segments = path.split('/');
    for (let i = 1; i <= segments.length; i++) {
        const part = segments.slice(0, i).join('/');
        const info = await lstat(join(dir, part)).catch(() => undefined);
        // Nothing there: the rest is made as plain folders.
        if (!info) return undefined;
        if (!info.isSymbolicLink()) continue;
        const target = await realpath(join(dir, part)).catch(() => undefined);
        const link = `goes through ${quote(part)}, a symbolic link`;
        if (target === undefined) return `${link} that leads nowhere`;
        const inside = relative(realRoot, target);
        if (inside === '') continue;
        if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return `${link} that leads outside the project (to ${quotePath(target)})`;
        if (projectPathProblem(inside.split(sep).join('/'))) return `${link} that leads into git's folder (.git)`;
    }
    return undefined;
}

/**
 * The gate of every path create-mcp-server writes, removes or reads in a project (`dir`): each must be a
 * plain relative path, inside the project, outside its `.git`, and not reach elsewhere through a
 * symbolic link. Throws one UsageError line naming the path; callers run it before writing anything.
 */
export async function checkProjectPaths(dir: string, paths: Iterable<string>): Promise<void> {
    const realRoot = await realpath(dir).catch(() => undefined);
    for (const path of paths) {
        const problem = projectPathProblem(path) ?? (realRoot === undefined ? undefined : await problemOnDisk(dir, realRoot, path));
        if (problem) throw new UsageError(`${quotePath(dir)}: refusing ${quote(path)}: it ${problem}; nothing was written`);
    }
}

/**
 * Writes the files one after another, synchronously: most are small, and a write to the page
 * cache takes less time than a trip through the thread pool. An interruption is handled once the
 * loop ends, and its cleanup then removes the staging folder whole.
 */
function writeAll(root: string, files: RenderedFile[], created: boolean): void {
    for (const file of files) {
        const path = join(root, file.path);
        // The bytes the snapshot's digest was taken of, when it took one (encoded once).
        const bytes = bytesOf(file);
        if (!created) {
            writeFileSync(path, bytes);
            continue;
        }
        // Into the empty file beginStaging made, without truncating it: after a truncating open, ext4
        // starts writing the data out at close (its guard for files replaced in place), which is slow.
        try {
            writeFileSync(path, bytes, { flag: 'r+' });
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
            writeFileSync(path, bytes);
        }
    }
}

/** A file-system refusal the user can fix (another directory, permissions, space) as one line; anything else as it is. */
function refusal(targetDir: string, error: unknown): unknown {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = { ...FS_REASONS, ENOENT: 'the file system does not allow creating it' };
    return code && reasons[code] ? new UsageError(`directory: cannot write to ${quotePath(targetDir)}: ${reasons[code]}`) : error;
}

/**
 * Waits for every operation, then fails with the first failure: nothing of the staging folder is
 * still being made when the caller goes on to remove it.
 */
async function settled(work: Promise<unknown>[]): Promise<void> {
    const failure = (await Promise.allSettled(work)).find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
}

/** Most files created at once in the thread pool. */
const CREATE_CONCURRENCY = 16;

/**
 * A staging folder made before its files are rendered, with them created empty meanwhile: on
 * many disks creating a file costs more than writing a small one, and done in the thread pool it
 * overlaps the rendering instead of following it.
 */
export interface Staged {
    staging: string;
    swept: string[];
    /** Settles once the folders and (empty) files are made; rejects with the first refusal. */
    created: Promise<void>;
}

/**
 * Checks every path (see checkProjectPaths), removes staging folders of killed runs, makes
 * `staging`, and starts making its folders and files. Folders are made one level at a time and
 * never recursively: once an interruption's cleanup has removed the staging folder, nothing makes
 * it again, and what is still queued fails.
 */
export async function beginStaging(targetDir: string, staging: string, paths: readonly string[]): Promise<Staged> {
    await checkProjectPaths(targetDir, paths);
    const swept = await sweepStaleStaging(dirname(staging));
    try {
        mkdirSync(dirname(targetDir), { recursive: true });
        mkdirSync(staging);
    } catch (error) {
        throw refusal(targetDir, error);
    }
    const created = (async () => {
        const folders = [
            ...new Set(
                paths.flatMap((path) =>
                    path
                        .split('/')
                        .slice(0, -1)
                        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
                ),
            ),
        ];
        const depth = (folder: string) => folder.split('/').length;
        for (let level = 1; folders.some((f) => depth(f) >= level); level++) {
            await settled(folders.filter((f) => depth(f) === level).map((f) => mkdir(join(staging, f))));
        }
        let next = 0;
        let failed = false;
        const worker = async (): Promise<void> => {
            while (!failed && next < paths.length) {
                try {
                    await (await open(join(staging, paths[next++]!), 'w')).close();
                } catch (error) {
                    failed = true;
                    throw error;
                }
            }
        };
        await settled(Array.from({ length: Math.min(CREATE_CONCURRENCY, paths.length) }, worker));
    })();
    // Awaited by writeAtomically or discardStaging; a refusal must not be reported as unhandled before then.
    created.catch(() => undefined);
    return { staging, swept, created };
}

/** Removes a staging folder begun but not written (rendering failed). */
export async function discardStaging(staged: Staged): Promise<void> {
    await staged.created.catch(() => undefined);
    await rm(staged.staging, { recursive: true, force: true });
}

/**
 * Writes the files into `staging`, then moves them into `targetDir`: the whole folder at once
 * when the target does not exist, else file by file over an existing (empty or forced) target;
 * then removes `removals` (paths in the project). Every path passes `checkProjectPaths` first, so a
 * refused one leaves everything as it was. First removes staging folders that killed runs left
 * beside the target; returns their names. `staged`: the staging folder begun by beginStaging
 * (for these files), whose checks and folders are then done.
 */
export async function writeAtomically(
    targetDir: string,
    staging: string,
    files: RenderedFile[],
    targetExists: boolean,
    removals: readonly string[] = [],
    staged?: Staged,
): Promise<{ swept: string[] }> {
    let swept: string[];
    if (staged) {
        swept = staged.swept;
    } else {
        await checkProjectPaths(targetDir, [...files.map((f) => f.path), ...removals]);
        swept = await sweepStaleStaging(dirname(staging));
    }
    try {
        if (staged) {
            await staged.created;
        } else {
            // Folders are made synchronously: an interruption's cleanup must never race a recursive
            // mkdir, which would create the staging folder again after it was removed.
            mkdirSync(dirname(targetDir), { recursive: true });
            mkdirSync(staging);
        }
        const dirs = new Set(files.map((f) => dirname(join(staging, f.path))));
        for (const dir of [...dirs].sort()) mkdirSync(dir, { recursive: true });
        writeAll(staging, files, staged !== undefined);
        if (!targetExists) {
            // Synchronous: an interruption's cleanup (removing the staging folder) must never run while
            // the folder is being moved, or it would take files out of the project it has become.
            renameSync(staging, targetDir);
            return { swept };
        }
        // Synchronous on purpose: a signal handler cannot run in the middle, so an interruption
        // leaves either none or all of the files moved.
        for (const f of files) {
            const to = join(targetDir, f.path);
            mkdirSync(dirname(to), { recursive: true });
            renameSync(join(staging, f.path), to);
        }
        for (const path of removals) rmSync(join(targetDir, path), { force: true });
        return { swept };
    } catch (error) {
        throw refusal(targetDir, error);
    } finally {
        await rm(staging, { recursive: true, force: true });
    }
}
