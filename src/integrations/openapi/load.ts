/**
 * Reads an OpenAPI document (JSON or YAML; Swagger 2.0, OpenAPI 3.0 or 3.1) and every file its
 * `$ref`s reach, and bundles them into one document whose `$ref`s are all internal.
 *
 * Nothing is dereferenced: a reference stays a reference (GitHub's description would grow to tens
 * of megabytes, and circular schemas could not be written down at all). An external file is loaded
 * once and placed whole under `x-bundled/<key>`, its own internal references rewritten to point
 * there, so cycles across files need no special care.
 *
 * Documents come from other people, so what they can make the CLI do is bounded:
 * - a local document's references stay in its folder (or the `--openapi-ref-root` the user gave):
 *   no `..` out, no absolute path, no symbolic link out, no special file; its network references
 *   are fetched only with `--openapi-allow-network`;
 * - a document given as a URL reaches its own origin only (the flag lets it reach others);
 * - the document and every file it references take at most `maxBytes` together, their downloads
 *   at most `timeoutMs`; YAML aliases keep the parser's limit; nesting stops at `MAX_DEPTH`;
 * - the work is linear in the size read: each file is read and walked once.
 * Every refusal is one line naming the document and the reference.
 *
 * The only I/O is through `PrepareIo`; this module is loaded on demand by the openapi integration.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../shared/errors.js';
import { oneLine, quote, quotePath } from '../../shared/quote.js';
import type { FileText, PrepareIo } from '../types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A loaded document: bundled, with where it came from. */
export interface LoadedDocument {
    document: JsonObject;
    /** The source as given (path or URL). */
    source: string;
    /** The source's URL when it was fetched (relative server URLs resolve against it). */
    url?: string;
    /** The document's text, when it is one JSON file that bundling left as it was (its references all internal). */
    text?: string;
    /** With `text`, the bytes it was read from, when it is exactly their UTF-8 (a local file). */
    bytes?: Uint8Array;
}

/** Deepest nesting of objects and arrays a document may have (GitHub's description has 22). */
export const MAX_DEPTH = 256;

/** A file of the bundle: a path (absolute) or an http(s) URL (without its fragment). */
type Location = { path: string; url?: undefined } | { url: string; path?: undefined };

function isHttpUrl(text: string): boolean {
    return /^https?:\/\//i.test(text);
}

/** `scheme:` at the start, except a Windows drive letter. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/** Is `path` `root` or inside it (both absolute and normalized)? */
function isInside(root: string, path: string): boolean {
    const rel = relative(root, path);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Is the text JSON (as parseText reads it) rather than YAML? */
function isJsonText(text: string): boolean {
    return text.trimStart().startsWith('{');
}

/** Parses JSON or YAML text (the YAML reader's limit on aliases kept); a problem names the source. */
export function parseText(text: string, source: string): Json {
    let value: Json;
    try {
        value = isJsonText(text) ? JSON.parse(text) : (parseYaml(text, { uniqueKeys: false }) as Json);
    } catch (error) {
        const message = (error as Error).message;
        // The parser's own stack ran out: far deeper than any document needs.
        if (/maximum call stack/i.test(message)) throw new Error(`${source}: nested too deeply to read (more than ${MAX_DEPTH} levels)`);
        if (/excessive alias count/i.test(message))
            throw new Error(`${source}: its YAML aliases would repeat their content without bound (more than the reader's limit of 100)`);
        throw new Error(`${source}: not valid JSON or YAML (${oneLine(message.split('\n')[0]!, { max: 200 })})`);
    }
    checkDepth(value, source);
    return value ?? null;
}

/** Refuses a value nested deeper than MAX_DEPTH (walked without recursion; a cycle of YAML aliases ends here too). */
function checkDepth(value: Json, source: string): void {
    // Two stacks side by side (a node and its depth): no pair allocated per node of a large document.
    const nodes: Json[] = [value];
    const depths: number[] = [1];
    while (nodes.length > 0) {
        const node = nodes.pop()!;
        const depth = depths.pop()!;
        if (depth > MAX_DEPTH) throw new Error(`${source}: nested more than ${MAX_DEPTH} levels deep`);
        if (Array.isArray(node)) {
            for (const child of node) {
                if (typeof child === 'object' && child !== null) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        } else if (typeof node === 'object' && node !== null) {
            // Keys one by one rather than Object.values: no array made per object of the document.
            for (const key in node) {
                const child = node[key]!;
                if (typeof child === 'object' && child !== null) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
    }
}

/** Parses JSON or YAML text that must be an object (a document); a problem names the source. */
export function parseDocumentText(text: string, source: string): JsonObject {
    const value = parseText(text, source);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: expected an OpenAPI document (an object)`);
    return value;
}

/** Checks that the document is an OpenAPI or Swagger description this generator reads. */
export function documentVersion(document: JsonObject, source: string): '2.0' | '3.0' | '3.1' {
    if (typeof document.swagger === 'string') {
        if (document.swagger.startsWith('2.')) return '2.0';
    } else if (typeof document.openapi === 'string') {
        if (document.openapi.startsWith('3.0')) return '3.0';
        if (/^3\.[1-9]/.test(document.openapi)) return '3.1';
    }
    const found = document.swagger ?? document.openapi;
    throw new Error(
        `${source}: ${found === undefined ? 'no "openapi" or "swagger" field' : `unsupported version ${quote(JSON.stringify(found))}`}; expected Swagger 2.0 or OpenAPI 3.0 or 3.1`,
    );
}

/** A reference's file part percent-decoded (it is a URI reference), as written when it cannot be. */
function decodePath(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

/** A byte count as people read it (`50 MB`). */
function megabytes(bytes: number): string {
    return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}

/** Reads `source` (a path or an http(s) URL) and the files it references, as one bundled document. */
export async function loadDocument(source: string, io: PrepareIo): Promise<LoadedDocument> {
    const { policy } = io;
    const display = isHttpUrl(source) ? oneLine(source, { max: 120 }) : quotePath(source);
    const signal = AbortSignal.timeout(policy.timeoutMs);
    let remaining = policy.maxBytes;

    // Where the document is, and what its references may reach.
    let rootLocation: Location;
    /** The folder local references stay in (a local document's). */
    let folder: string | undefined;
    /** The only origin URLs may have, unless the network is allowed. */
    let origin: string | undefined;
    if (isHttpUrl(source)) {
        if (!URL.canParse(source)) throw new Error(`${display}: not a valid URL`);
        const url = new URL(source);
        url.hash = '';
        rootLocation = { url: url.href };
        if (!policy.allowNetwork) origin = url.origin;
    } else if (SCHEME.test(source)) {
        throw new Error(`${display}: only a file or an http(s) URL can be read`);
    } else {
        const path = resolve(io.baseDir, source);
        if (!io.given.has('document')) {
            // Named by a spec file: the document sits in the spec's folder too.
            const allowed = policy.refRoot ?? io.baseDir;
            if (!isInside(allowed, path)) {
                throw new Error(
                    `${display}: a spec file's document must sit in its folder (${quotePath(allowed)}); name it with --openapi, or widen the folder with --openapi-ref-root <dir>`,
                );
            }
        }
        rootLocation = { path };
        folder = policy.refRoot ?? dirname(path);
    }
    const where = (location: Location): string => {
        if (location.url !== undefined) return oneLine(location.url, { max: 120 });
        const base = rootLocation.path === undefined ? undefined : dirname(rootLocation.path);
        return quotePath(base !== undefined && isInside(base, location.path) ? relative(base, location.path) || location.path : location.path);
    };

    /** Reads one file of the bundle; `what` names it in a problem. */
    const read = async (location: Location, what: string): Promise<FileText> => {
        try {
            const file =
                location.url !== undefined
                    ? { text: await io.fetchText(location.url, { origin, maxBytes: remaining, signal }) }
                    : await io.readFile(location.path, {
                          root: location === rootLocation ? (io.given.has('document') ? undefined : (policy.refRoot ?? io.baseDir)) : folder,
                          maxBytes: remaining,
                      });
            remaining -= file.bytes?.length ?? Buffer.byteLength(file.text);
            return file;
        } catch (error) {
            if (!(error instanceof InputError)) throw error;
            if (error.kind === 'too-large') {
                throw new Error(
                    `${what}: the document and the files it references take more than ${megabytes(policy.maxBytes)}; --openapi-max-size <MB> raises the cap`,
                );
            }
            if (error.kind === 'timeout') {
                throw new Error(`${what}: the downloads took more than ${policy.timeoutMs / 1000} s; --openapi-timeout <seconds> gives them longer`);
            }
            const hint =
                error.kind !== 'outside'
                    ? ''
                    : location.url !== undefined
                      ? '; --openapi-allow-network lets it'
                      : '; --openapi-ref-root <dir> widens the folder';
            throw new Error(`${what}: ${error.message}${hint}`);
        }
    };

    /** Where a reference (its file part) written in the file at `from` points; refused when it may not go there. */
    const locate = (from: Location, ref: string, what: string): Location => {
        const refuse = (why: string) => new Error(`${what}: ${why}`);
        if (ref.includes('\0')) throw refuse('holds a NUL character');
        if (from.url !== undefined || isHttpUrl(ref)) {
            if (from.url === undefined && !policy.allowNetwork) {
                throw refuse("reaches the network; a local document's network references are fetched only with --openapi-allow-network");
            }
            if (!URL.canParse(ref, from.url)) throw refuse('is not a valid URL');
            const url = new URL(ref, from.url);
            if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`names a ${url.protocol} URL; only files and http(s) URLs are read`);
            if (origin !== undefined && url.origin !== origin) {
                throw refuse(`reaches another origin (${quote(url.origin)}) than the document's; --openapi-allow-network lets it`);
            }
            url.hash = '';
            return { url: url.href };
        }
        const scheme = SCHEME.exec(ref);
        if (scheme) throw refuse(`names a ${scheme[1]}: URL; only files and http(s) URLs are read`);
        const file = decodePath(ref);
        if (file.includes('\0')) throw refuse('holds a NUL character');
        if (isAbsolute(file) || /^[A-Za-z]:[\\/]|^\\/.test(file)) throw refuse('is an absolute path; references are read relative to the document');
        const path = resolve(dirname(from.path), file);
        if (!isInside(folder!, path)) throw refuse(`leads outside ${quotePath(folder!)}, the document's folder; --openapi-ref-root <dir> widens it`);
        return { path };
    };

    const { text: rootText, bytes: rootBytes } = await read(rootLocation, display);
    const root = parseDocumentText(rootText, display);
    documentVersion(root, display);

    const existing = root['x-bundled'];
    // Keys come from file names: without a prototype, `__proto__.yaml` is a file like any other.
    const bundled: JsonObject = Object.assign(Object.create(null), typeof existing === 'object' && !Array.isArray(existing) ? existing : {});
    /** Bundle key of each file, by location. */
    const keys = new Map<string, string>();
    const usedKeys = new Set(Object.keys(bundled));
    /** Next suffix to try for each base name, so naming many files alike stays linear. */
    const suffixes = new Map<string, number>();
    const pending: { location: Location; key: string; what: string }[] = [];
    const keyOf = (location: Location, what: string): string => {
        const id = location.url ?? location.path;
        let key = keys.get(id);
        if (key === undefined) {
            const base = (id.split(/[/\\]/).pop() ?? 'file').replace(/\.(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'file';
            key = base;
            for (let n = suffixes.get(base) ?? 2; usedKeys.has(key); n++) {
                key = `${base}_${n}`;
                suffixes.set(base, n + 1);
            }
            usedKeys.add(key);
            keys.set(id, key);
            pending.push({ location, key, what });
        }
        return key;
    };

    /** Objects already rewritten: a YAML alias shares one object between places, rewritten once. */
    const seen = new WeakSet<object>();
    /** Rewrites the `$ref`s under `node`, which lives in the file at `location` (`prefix` is where that file sits in the bundle). */
    const rewrite = (node: Json, location: Location, prefix: string): void => {
        if (typeof node !== 'object' || node === null || seen.has(node)) return;
        seen.add(node);
        if (Array.isArray(node)) {
            for (const item of node) rewrite(item, location, prefix);
            return;
        }
        for (const [key, value] of Object.entries(node)) {
            if (key === '$ref' && typeof value === 'string') {
                const hash = value.indexOf('#');
                const file = hash === -1 ? value : value.slice(0, hash);
                const pointer = hash === -1 ? '' : value.slice(hash + 1);
                if (file === '') node.$ref = `#${prefix}${pointer}`;
                else {
                    const what = `${display}: $ref ${quote(value)} in ${where(location)}`;
                    node.$ref = `#/x-bundled/${keyOf(locate(location, file, what), what)}${pointer}`;
                }
            } else if (!(key === 'example' || key === 'examples' || key === 'x-bundled')) {
                rewrite(value, location, prefix);
            }
        }
    };

    // A JSON document whose references are all internal (`"$ref": "#…"`, the key written without
    // escapes) is bundled as it is: its references already point into it, so the walk would change nothing.
    const internalOnly = isJsonText(rootText) && !/\\u00(24|72|65|66)/i.test(rootText) && !/"\$ref"\s*:\s*"(?!#)/.test(rootText);
    if (!internalOnly) rewrite(root, rootLocation, '');
    for (let next = 0; next < pending.length; next++) {
        const { location, key, what } = pending[next]!;
        const part = parseText((await read(location, what)).text, what);
        rewrite(part, location, `/x-bundled/${key}`);
        bundled[key] = part;
    }
    if (Object.keys(bundled).length > 0) root['x-bundled'] = bundled;
    const unchanged = internalOnly && pending.length === 0;
    return {
        document: root,
        source,
        ...(rootLocation.url !== undefined && { url: source }),
        ...(unchanged && { text: rootText, ...(rootBytes && { bytes: rootBytes }) }),
    };
}
