/**
 * Loads the built-in templates from disk (the only I/O of rendering): every file under
 * `templates/`, keyed by its path relative to that folder.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSources } from './render.js';

/** The package's own templates folder (beside `dist/` and `src/`). */
export const BUILT_IN_TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

export async function loadTemplates(root: string = BUILT_IN_TEMPLATES): Promise<TemplateSources> {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const contents = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    return new Map(files.map((f, i) => [relative(root, f).split(sep).join('/'), contents[i]!]));
}
