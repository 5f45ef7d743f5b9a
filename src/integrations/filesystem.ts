/**
 * A folder as an external system: read-only tools over the files under FS_ROOT (list a directory,
 * read a file, search by name) and the files as resources through a template. What is checked is
 * the file or folder actually opened (its descriptor's real path, from /proc/self/fd), and what is
 * read is read through that descriptor, so swapping a folder for a link mid-call reveals nothing;
 * searches are bounded in pattern length, entries visited and time.
 */
import type { Integration } from './types.js';

export const filesystem: Integration = {
    id: 'filesystem',
    kind: 'system',
    label: 'Filesystem',
    description: 'read-only access to the files under one folder: list, read, search by name, files as resources',
    options: {
        maxReadBytes: { type: 'integer', description: 'Most bytes read_file returns from one file', default: 262_144, min: 1_024, max: 4_194_304 },
    },
    env: (ctx) => [
        {
            name: 'FS_ROOT',
            description: 'The folder the server may read (nothing outside it, nothing written)',
            example: './data',
            required: true,
            secret: false,
        },
        {
            name: 'FS_MAX_READ_BYTES',
            description: 'Most bytes read_file returns from one file; overrides the generated default',
            example: String(ctx.options.maxReadBytes),
            required: false,
            secret: false,
        },
        {
            name: 'FS_SEARCH_MAX_ENTRIES',
            description: 'Most files and folders one search_files call looks at before it stops and says so',
            example: '20000',
            required: false,
            secret: false,
        },
        {
            name: 'FS_SEARCH_TIME_LIMIT_MS',
            description: 'Longest one search_files call runs, in milliseconds, before it stops and says so',
            example: '10000',
            required: false,
            secret: false,
        },
    ],
    readme: { exposes: 'README.section.md.hbs' },
    // src/systems/filesystem.ts exports ping(): FS_ROOT is a folder that can be read.
    lifecycle: { name: 'Filesystem', module: 'systems/filesystem', ping: true, close: false },
    view: (ctx) => ({ maxReadBytes: ctx.options.maxReadBytes }),
    items: [
        { kind: 'tool', name: 'list_directory', module: 'tools/list_directory', register: 'registerListDirectoryTool' },
        { kind: 'tool', name: 'read_file', module: 'tools/read_file', register: 'registerReadFileTool' },
        { kind: 'tool', name: 'search_files', module: 'tools/search_files', register: 'registerSearchFilesTool' },
        { kind: 'resource', name: 'file', module: 'resources/file', register: 'registerFileResource' },
    ],
};
