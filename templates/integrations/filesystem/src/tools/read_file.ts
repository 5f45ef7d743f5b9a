import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { errorMessage, readFileInside } from '../systems/filesystem.js';

/** `read_file`: the text of one file under FS_ROOT (capped), or the metadata of a binary one. */
export function registerReadFileTool(catalog: Catalog): void {
    catalog.registerTool(
        'read_file',
        {
            title: 'Read a file',
            description:
                "Read a text file under the server's root folder (FS_ROOT). Long files come back cut at the read cap " +
                '(`truncated: true`); binary files return their size and date, not their bytes.',
            inputSchema: z.object({
                path: z.string().min(1).max(4_096).describe('File path relative to the root, e.g. "docs/readme.md"'),
            }),
            outputSchema: z.object({
                path: z.string(),
                size: z.number(),
                modified: z.string(),
                binary: z.boolean(),
                text: z.string().optional(),
                truncated: z.boolean(),
            }),
            annotations: { readOnlyHint: true, openWorldHint: false },
        },
        async ({ path }) => {
            try {
                const file = await readFileInside(path);
                // The text goes to the model as it is; the structured result carries it with its metadata.
                const text = file.binary ? `${file.path}: binary file, ${file.size} bytes (not shown)` : file.text;
                return { content: [{ type: 'text', text }], structuredContent: { ...file } };
            } catch (err) {
                return { content: [{ type: 'text', text: errorMessage(err) }], isError: true };
            }
        },
    );
}
