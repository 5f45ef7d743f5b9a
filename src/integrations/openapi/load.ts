/**
 * Reads an OpenAPI document (JSON or YAML; Swagger 2.0, OpenAPI 3.0 or 3.1) and every file its
 * `$ref`s reach, and bundles them into one document whose `$ref`s are all internal.
 *
 * Nothing is dereferenced: a reference stays a reference (GitHub's description would grow to tens
 * of megabytes, and circular schemas could not be written down at all). An external file is loaded
 * once and placed whole under `x-bundled/<key>`, its own internal references rewritten to point
 * there, so cycles across files need no special care.
 *
 * The only I/O is through `PrepareIo`; this module is loaded on demand by the openapi integration.
 */
import { parse as parseYaml } from 'yaml';
import type { PrepareIo } from '../types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A loaded document: bundled, with where it came from. */
export interface LoadedDocument {
    document: JsonObject;
    /** The source as given (path or URL). */
    source: string;
    /** The source's URL when it was fetched (relative server URLs resolve against it). */
    url?: string;
}

function isUrl(text: string): boolean {
    return /^https?:\/\//i.test(text);
}

/** Parses JSON or YAML text; a problem names the source. */
export function parseDocumentText(text: string, source: string): JsonObject {
    let value: unknown;
    try {
        value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1, uniqueKeys: false });
    } catch (error) {
        throw new Error(`${source}: not valid JSON or YAML (${(error as Error).message.split('\n')[0]})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: expected an OpenAPI document (an object)`);
    return value as JsonObject;
}

/** Where a relative reference points, from the file that holds it. */
function resolveLocation(from: string, target: string): string {
    if (isUrl(target)) return target;
    if (isUrl(from)) return new URL(target, from).href;
    const base = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
    // Normalize `a/./b` and `a/x/../b` so one file is loaded once.
    const parts: string[] = [];
    for (const part of (target.startsWith('/') ? target : base + target).split('/')) {
        if (part === '.' || (part === '' && parts.length > 0)) continue;
        if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
        else parts.push(part);
    }
    return parts.join('/');
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
        `${source}: ${found === undefined ? 'no "openapi" or "swagger" field' : `unsupported version ${JSON.stringify(found)}`}; expected Swagger 2.0 or OpenAPI 3.0 or 3.1`,
    );
}

/** Reads `source` (a path or an http(s) URL) and the files it references, as one bundled document. */
export async function loadDocument(source: string, io: PrepareIo): Promise<LoadedDocument> {
    const read = (location: string) => (isUrl(location) ? io.fetchText(location) : io.readFile(location));
    const root = parseDocumentText(await read(source), source);
    documentVersion(root, source);

    const bundled: JsonObject = {};
    const keys = new Map<string, string>();
    const pending: { location: string; node: Json }[] = [];
    const keyOf = (location: string): string => {
        let key = keys.get(location);
        if (key === undefined) {
            const base = (location.split(/[/\\]/).pop() ?? 'file').replace(/\.(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'file';
            key = base;
            for (let n = 2; [...keys.values()].includes(key); n++) key = `${base}_${n}`;
            keys.set(location, key);
            pending.push({ location, node: null });
        }
        return key;
    };

    /** Rewrites the `$ref`s under `node`, which lives in the file at `location` (`prefix` is where that file sits in the bundle). */
    const rewrite = (node: Json, location: string, prefix: string): void => {
        if (Array.isArray(node)) {
            for (const item of node) rewrite(item, location, prefix);
            return;
        }
        if (typeof node !== 'object' || node === null) return;
        for (const [key, value] of Object.entries(node)) {
            if (key === '$ref' && typeof value === 'string') {
                const hash = value.indexOf('#');
                const file = hash === -1 ? value : value.slice(0, hash);
                const pointer = hash === -1 ? '' : value.slice(hash + 1);
                if (file === '') node.$ref = `#${prefix}${pointer}`;
                else node.$ref = `#/x-bundled/${keyOf(resolveLocation(location, file))}${pointer}`;
            } else if (!(key === 'example' || key === 'examples' || key === 'x-bundled')) {
                rewrite(value, location, prefix);
            }
        }
    };

    rewrite(root, source, '');
    while (pending.length > 0) {
        const { location } = pending.shift()!;
        const key = keys.get(location)!;
        let text: string;
        try {
            text = await read(location);
        } catch (error) {
            throw new Error(`${source}: cannot read the referenced file ${location} (${(error as Error).message})`);
        }
        const part = /\.json$/i.test(location) || text.trimStart().startsWith('{') ? parseDocumentText(text, location) : (parseYaml(text) as Json);
        rewrite(part, location, `/x-bundled/${key}`);
        bundled[key] = part;
    }
    if (Object.keys(bundled).length > 0) root['x-bundled'] = bundled;
    return { document: root, source, ...(isUrl(source) && { url: source }) };
}
