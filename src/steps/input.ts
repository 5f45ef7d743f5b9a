/**
 * Reading input at the edge (an OpenAPI document, the files and URLs it references, a spec file)
 * so that no input can make the CLI wait or read more than it was allowed:
 *
 * - files: only regular files (a FIFO, a device or a directory is refused before anything is
 *   read, so nothing blocks), never under /proc, /sys or /dev, inside a given folder once symbolic
 *   links are followed, and at most so many bytes;
 * - URLs: http(s) only, redirects followed one at a time and checked (never to another scheme,
 *   nor to another origin when one is given), at most so many bytes, stopped by a deadline.
 *
 * Problems are `InputError`s in a few words; the caller names the input.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../shared/errors.js';
import { quote, quotePath } from '../shared/quote.js';
import type { FileText, InputPolicy, PrepareIo } from '../integrations/types.js';

/** Folders of the system whose files are not documents (and may never end). */
const SPECIAL = ['/proc', '/sys', '/dev'];
const MAX_REDIRECTS = 10;

/** Is `path` `root` or inside it (both absolute and normalized)? */
export function isInside(root: string, path: string): boolean {
    const rel = relative(root, path);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A size in words: `50 MB`, `1.5 kB`, `12 bytes`. */
export function sizeText(bytes: number): string {
    if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
    if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} kB`;
    return `${bytes} bytes`;
}

function fileKind(stat: Stats): string {
    if (stat.isFIFO()) return 'a FIFO';
    if (stat.isDirectory()) return 'a directory';
    if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
    if (stat.isSocket()) return 'a socket';
    return 'not a regular file';
}

function fileError(error: unknown): InputError {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, [string, InputError['kind']]> = {
        ENOENT: ['no such file', 'missing'],
        ENOTDIR: ['no such file', 'missing'],
        EACCES: ['permission denied', 'other'],
        EPERM: ['permission denied', 'other'],
        EISDIR: ['it is a directory', 'other'],
        ELOOP: ['too many symbolic links', 'other'],
        ENAMETOOLONG: ['the name is too long for the file system', 'other'],
    };
    const [reason, kind] = (code && reasons[code]) || [code ?? (error as Error).message, 'other' as const];
    return new InputError(reason, kind);
}

/** A folder's real path (symbolic links followed), or the path itself when it does not exist. */
const realFolder = (root: string): Promise<string> => realpath(root).catch(() => resolve(root));

/** Decodes UTF-8, a byte order mark left out. */
/** UTF-8 text (a leading byte order mark dropped, bad sequences as U+FFFD), as TextDecoder gives it, several times faster on large documents. */
const decode = (bytes: Uint8Array) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
};

/**
 * Reads a regular file of at most `maxBytes`: refused when its real path leaves `root` (when
 * given), lies under /proc, /sys or /dev, or is not a regular file. The file is opened without
 * blocking and checked before any byte is read, so a FIFO cannot make it wait.
 */
export async function readRegularFile(path: string, limits: { root?: string; maxBytes: number; realRoot?: Promise<string> }): Promise<string> {
    return (await readRegularFileText(path, limits)).text;
}

/** readRegularFile's text, with the bytes it was decoded from when it is exactly their UTF-8. */
export async function readRegularFileText(
    path: string,
    { root, maxBytes, realRoot: knownRoot }: { root?: string; maxBytes: number; realRoot?: Promise<string> },
): Promise<FileText> {
    let real: string;
    try {
        real = await realpath(path);
    } catch (error) {
        throw fileError(error);
    }
    if (root !== undefined) {
        const realRoot = await (knownRoot ?? realFolder(root));
        if (!isInside(realRoot, real))
            throw new InputError(`leads outside ${quotePath(root)} once symbolic links are followed (to ${quotePath(real)})`, 'outside');
    }
    if (SPECIAL.some((dir) => isInside(dir, real))) throw new InputError(`is a file of the system (${quotePath(real)}), not a document`);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
        handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
        throw fileError(error);
    }
    try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw new InputError(`is ${fileKind(stat)}, not a regular file`);
        if (stat.size > maxBytes) throw new InputError(`is larger than ${sizeText(maxBytes)}`, 'too-large');
        // Read to the end, whatever the size said (a file can grow): never more than the cap.
        const chunks: Uint8Array[] = [];
        let total = 0;
        for (;;) {
            const buffer = Buffer.allocUnsafe(Math.min(maxBytes - total + 1, Math.max(stat.size - total + 1, 1 << 16), 1 << 20));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            total += bytesRead;
            if (total > maxBytes) throw new InputError(`is larger than ${sizeText(maxBytes)}`, 'too-large');
            chunks.push(buffer.subarray(0, bytesRead));
        }
        const bytes = Buffer.concat(chunks, total);
        const text = decode(bytes);
        // A BOM dropped or a byte sequence that is not UTF-8 (read as U+FFFD): the text is not the bytes.
        const exact = !(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) && !text.includes('\uFFFD');
        return exact ? { text, bytes } : { text };
    } finally {
        await handle.close();
    }
}

function fetchError(error: unknown, signal: AbortSignal): InputError {
    if (signal.aborted) return new InputError('took longer than the time allowed', 'timeout');
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new InputError(`cannot be fetched (${cause?.code ?? cause?.message ?? (error as Error).message})`);
}

/**
 * Fetches an http(s) URL as text, at most `maxBytes`, before `signal` aborts. Redirects are
 * followed by hand: only to http(s) URLs, and only within `origin` when it is given.
 */
export async function fetchLimited(url: string, { origin, maxBytes, signal }: { origin?: string; maxBytes: number; signal: AbortSignal }): Promise<string> {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
        if (hop > 0 && current.protocol !== 'http:' && current.protocol !== 'https:') {
            throw new InputError(`redirects to ${quote(current.href)}: only http(s) redirects are followed`, 'outside');
        }
        if (hop > 0 && origin !== undefined && current.origin !== origin) {
            throw new InputError(`redirects to another origin (${quote(current.origin)})`, 'outside');
        }
        let response: Response;
        try {
            response = await fetch(current.href, {
                redirect: 'manual',
                signal,
                headers: { accept: 'application/json, application/yaml, text/yaml, */*;q=0.8' },
            });
        } catch (error) {
            throw fetchError(error, signal);
        }
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location !== null) {
            await response.body?.cancel().catch(() => {});
            if (hop >= MAX_REDIRECTS) throw new InputError(`redirects more than ${MAX_REDIRECTS} times`);
            if (!URL.canParse(location, current.href)) throw new InputError(`redirects to an invalid URL ${quote(location)}`);
            current = new URL(location, current);
            continue;
        }
        if (!response.ok) {
            await response.body?.cancel().catch(() => {});
            throw new InputError(
                `answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
                response.status === 404 ? 'missing' : 'other',
            );
        }
        if (Number(response.headers.get('content-length')) > maxBytes) {
            await response.body?.cancel().catch(() => {});
            throw new InputError(`is larger than ${sizeText(maxBytes)}`, 'too-large');
        }
        const chunks: Uint8Array[] = [];
        let total = 0;
        try {
            if (response.body) {
                const reader = response.body.getReader();
                for (;;) {
                    const { done, value } = await reader.read();
                    if (done) break;
                    total += value.byteLength;
                    if (total > maxBytes) {
                        await reader.cancel().catch(() => {});
                        throw new InputError(`is larger than ${sizeText(maxBytes)}`, 'too-large');
                    }
                    chunks.push(value);
                }
            }
        } catch (error) {
            if (error instanceof InputError) throw error;
            throw fetchError(error, signal);
        }
        return decode(Buffer.concat(chunks, total));
    }
}

/**
 * The I/O of the prepare steps: relative paths against `baseDir`, the limits of `policy`, and the
 * project being generated over (`targetDir`), whose files are read with the same care.
 */
export function prepareIo(baseDir: string, policy: InputPolicy, given: ReadonlySet<string> = new Set(), targetDir?: string): PrepareIo {
    // A document's many files share one root: its real path is looked up once.
    const roots = new Map<string, Promise<string>>();
    const rootOf = (root: string) => roots.get(root) ?? roots.set(root, realFolder(root)).get(root)!;
    return {
        baseDir: resolve(baseDir),
        policy,
        given,
        readFile: (path, { root, maxBytes }) => readRegularFileText(path, { root, maxBytes, ...(root !== undefined && { realRoot: rootOf(root) }) }),
        fetchText: fetchLimited,
        readProjectFile: async (path) =>
            targetDir === undefined
                ? undefined
                : readRegularFile(resolve(targetDir, path), { root: targetDir, maxBytes: policy.maxBytes }).catch(() => undefined),
    };
}
