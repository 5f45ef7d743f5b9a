import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { errorMessage, listDirectory, MAX_ENTRIES } from '../systems/filesystem.js';

const EntrySchema = z.object({
    path: z.string().describe('Path relative to FS_ROOT'),
    name: z.string(),
    type: z.enum(['file', 'directory', 'symlink', 'other']),
    size: z.number().nullable().describe('Size in bytes (files only)'),
    modified: z.string().nullable(),
});

/** `list_directory`: the entries of one folder under FS_ROOT. */
export function registerListDirectoryTool(catalog: Catalog): void {
    catalog.registerTool(
        'list_directory',
        {
            title: 'List a directory',
            description: `List the files and folders in a directory under the server's root folder (FS_ROOT), sorted by name, at most ${MAX_ENTRIES}. Symbolic links are shown, not followed.`,
            inputSchema: z.object({
                path: z.string().max(4_096).optional().describe('Directory relative to the root, e.g. "docs" (default: the root itself)'),
            }),
            outputSchema: z.object({ path: z.string(), entries: z.array(EntrySchema), truncated: z.boolean() }),
            annotations: { readOnlyHint: true, openWorldHint: false },
        },
        async ({ path }) => {
            try {
                const result = await listDirectory(path || '.');
                return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
            } catch (err) {
                return { content: [{ type: 'text', text: errorMessage(err) }], isError: true };
            }
        },
    );
}
