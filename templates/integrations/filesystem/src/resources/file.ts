import { ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';

import type { Catalog } from '../catalog.js';
import { errorMessage, listDirectory, readFileInside } from '../systems/filesystem.js';

/** Files as resources: `fs:///{+path}`, the path relative to FS_ROOT (slashes kept, other characters percent-encoded). */
export const FILE_URI_TEMPLATE = 'fs:///{+path}';

export function fileUri(path: string): string {
    return `fs:///${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** `fs:///{+path}`: a file under FS_ROOT; resources/list shows the files at the top of the root. */
export function registerFileResource(catalog: Catalog): void {
    catalog.registerResource(
        'file',
        new ResourceTemplate(FILE_URI_TEMPLATE, {
            list: async () => {
                try {
                    const { entries } = await listDirectory('.');
                    return {
                        resources: entries
                            .filter((entry) => entry.type === 'file')
                            .map((entry) => ({ uri: fileUri(entry.path), name: entry.path, mimeType: 'text/plain' })),
                    };
                } catch (err) {
                    console.error(`[filesystem] resources/list: ${errorMessage(err)}`);
                    return { resources: [] };
                }
            },
        }),
        {
            title: 'File',
            description: 'A file under the root folder (FS_ROOT): its text, or its metadata as JSON when it is binary',
        },
        async (uri, variables) => {
            let path: string;
            try {
                path = decodeURIComponent(String(variables.path));
            } catch {
                throw new ResourceNotFoundError(uri.href);
            }
            try {
                const file = await readFileInside(path);
                if (file.binary) {
                    const meta = { path: file.path, size: file.size, modified: file.modified, binary: true };
                    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(meta) }] };
                }
                return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: file.text }] };
            } catch (err) {
                console.error(`[filesystem] ${uri.href}: ${errorMessage(err)}`);
                throw new ResourceNotFoundError(uri.href);
            }
        },
    );
}
