/**
 * What a project was generated as, kept inside it for `update`'s three-way merge: one JSON file with
 * the contents of every generated file, rewritten whenever create-mcp-server writes the project (a new
 * project, `add`, `update`). Kept in the project, committed with it, rather than recomputed or stored in
 * git, because recomputing needs the exact CLI version and template revision that made the project (a
 * newer CLI renders the built-in templates differently, and the template's host may be unreachable),
 * and git objects under a private ref are neither pushed nor cloned by default and need git at all.
 * Pure.
 */
import type { RenderedFile } from '../render/render.js';

export const BASE_FILE = '.create-mcp-server/generated.json';

const ABOUT =
    'What create-mcp-server generated last, for `create-mcp-server update` to merge template changes with your edits. Keep it committed; do not edit it.';

/** The snapshot file of a rendering (which must not contain it already). */
export function baseSnapshot(files: readonly RenderedFile[]): RenderedFile {
    const sorted = [...files].filter((f) => f.path !== BASE_FILE).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const contents = `${JSON.stringify({ about: ABOUT, files: Object.fromEntries(sorted.map((f) => [f.path, f.contents])) }, null, 2)}\n`;
    return { path: BASE_FILE, contents, origin: 'built-in' };
}

/** A rendering with its snapshot added, as a new project or `add` writes it. */
export function withBaseSnapshot(files: readonly RenderedFile[]): RenderedFile[] {
    return [...files, baseSnapshot(files)];
}

/** Reads a snapshot back; undefined when it is not one (damaged, or from an unknown format). */
export function parseBaseSnapshot(text: string): Map<string, string> | undefined {
    try {
        const data = JSON.parse(text) as { files?: unknown };
        if (typeof data.files !== 'object' || data.files === null) return undefined;
        const entries = Object.entries(data.files as Record<string, unknown>);
        if (!entries.every(([, contents]) => typeof contents === 'string')) return undefined;
        return new Map(entries as [string, string][]);
    } catch {
        return undefined;
    }
}
