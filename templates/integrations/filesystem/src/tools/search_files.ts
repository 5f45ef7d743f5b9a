import * as z from 'zod';

import type { Catalog } from '../catalog.js';
import { errorMessage, MAX_PATTERN_LENGTH, MAX_SEARCH_RESULTS, searchFiles } from '../systems/filesystem.js';

/** `search_files`: files and folders under FS_ROOT whose name matches. */
export function registerSearchFilesTool(catalog: Catalog): void {
    catalog.registerTool(
        'search_files',
        {
            title: 'Search files by name',
            description:
                "Find files and folders by name under the server's root folder (FS_ROOT). A pattern without `*` or `?` " +
                `matches any name containing it (case-insensitive). At most ${MAX_SEARCH_RESULTS} matches; links are not followed. ` +
                'A search over a large tree stops early and says why (`truncated`, `stoppedBy`, `reason`): then search a subfolder.',
            inputSchema: z.object({
                pattern: z.string().min(1).max(MAX_PATTERN_LENGTH).describe('Part of the name, or a wildcard pattern such as "*.md"'),
                path: z.string().max(4_096).optional().describe('Directory to search in, relative to the root (default: the root)'),
            }),
            outputSchema: z.object({
                matches: z.array(
                    z.object({
                        path: z.string(),
                        name: z.string(),
                        type: z.enum(['file', 'directory', 'symlink', 'other']),
                        size: z.number().nullable(),
                        modified: z.string().nullable(),
                    }),
                ),
                truncated: z.boolean(),
                stoppedBy: z.enum(['matches', 'entries', 'time']).optional().describe('The limit that stopped the search early'),
                reason: z.string().optional(),
            }),
            annotations: { readOnlyHint: true, openWorldHint: false },
        },
        async ({ pattern, path }) => {
            try {
                const result = await searchFiles(pattern, path || '.');
                return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: { ...result } };
            } catch (err) {
                return { content: [{ type: 'text', text: errorMessage(err) }], isError: true };
            }
        },
    );
}
