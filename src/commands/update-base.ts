/**
 * What a project was generated as, kept inside it for `update`'s three-way merge: one JSON file with
 * the contents of every generated file, rewritten whenever create-mcp-server writes the project (a new
 * project, `add`, `update`). Kept in the project, committed with it, rather than recomputed or stored in
 * git, because recomputing needs the exact CLI version and template revision that made the project (a
 * newer CLI renders the built-in templates differently, and the template's host may be unreachable),
 * and git objects under a private ref are neither pushed nor cloned by default and need git at all.
 * Pure.
 */
import { createHash } from 'node:crypto';
import type { RenderedFile } from '../render/render.js';
import { bytesOf } from '../shared/bytes.js';

export const BASE_FILE = '.create-mcp-server/generated.json';

const ABOUT =
    'What create-mcp-server generated last, for `create-mcp-server update` to merge template changes with your edits. Keep it committed; do not edit it.';

/**
 * Files larger than this are recorded by their SHA-256 rather than their text: such files are
 * generated data (an OpenAPI document and its tool table), which no one merges line by line, and
 * copying them would make the snapshot as large as they are together.
 */
export const DIGESTED_OVER = 1024 * 1024;

/**
 * Generated data (a file no template renders: an OpenAPI document, its tool table) is recorded by its
 * digest from this size on: written into the snapshot as text, JSON within JSON, it would make the
 * snapshot and the time to write it grow with the API, for files no one merges.
 */
export const DATA_DIGESTED_OVER = 128 * 1024;

const digested = (file: RenderedFile): boolean => file.contents.length > (file.data ? DATA_DIGESTED_OVER : DIGESTED_OVER);

/** A file recorded by its digest. */
export interface Digested {
    sha256: string;
}

export function digestOf(text: string | Uint8Array): string {
    return createHash('sha256').update(text).digest('hex');
}

/** The snapshot file of a rendering (which must not contain it already). */
export function baseSnapshot(files: readonly RenderedFile[]): RenderedFile {
    const sorted = [...files].filter((f) => f.path !== BASE_FILE).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const small = sorted.filter((f) => !digested(f));
    const large = sorted.filter(digested);
    const record = {
        about: ABOUT,
        files: Object.fromEntries(small.map((f) => [f.path, f.contents])),
        ...(large.length > 0 && { digests: Object.fromEntries(large.map((f) => [f.path, digestOf(bytesOf(f))])) }),
    };
    return { path: BASE_FILE, contents: `${JSON.stringify(record, null, 2)}\n`, origin: 'built-in' };
}

/** A rendering with its snapshot added, as a new project or `add` writes it. */
export function withBaseSnapshot(files: readonly RenderedFile[]): RenderedFile[] {
    return [...files, baseSnapshot(files)];
}

/** Reads a snapshot back (each file's text, or its digest); undefined when it is not one (damaged, or from an unknown format). */
export function parseBaseSnapshot(text: string): Map<string, string | Digested> | undefined {
    try {
        const data = JSON.parse(text) as { files?: unknown; digests?: unknown };
        if (typeof data.files !== 'object' || data.files === null) return undefined;
        const entries = Object.entries(data.files as Record<string, unknown>);
        if (!entries.every(([, contents]) => typeof contents === 'string')) return undefined;
        const recorded = new Map<string, string | Digested>(entries as [string, string][]);
        if (data.digests !== undefined) {
            if (typeof data.digests !== 'object' || data.digests === null) return undefined;
            for (const [path, sha256] of Object.entries(data.digests as Record<string, unknown>)) {
                if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return undefined;
                recorded.set(path, { sha256 });
            }
        }
        return recorded;
    } catch {
        return undefined;
    }
}
