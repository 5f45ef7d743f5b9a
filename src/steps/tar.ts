/**
 * Reads the entries of a gzipped tarball (an npm package), enough for `npm pack` output: ustar
 * headers, their `prefix` field, pax extended headers and GNU long names. Pure: bytes in, entries
 * out. Folders are left out (they follow from the paths); links, devices and FIFOs come out as
 * `special`, without contents, for the caller to refuse; paths that would escape the folder are refused.
 */
import { gunzipSync } from 'node:zlib';

export interface TarFile {
    path: string;
    /** A regular file, or anything else that is not a folder (a symbolic or hard link, a device, a FIFO). */
    kind: 'file' | 'special';
    contents: Buffer;
}

/** Entry types: regular files (`0`, `\0` from old tars, `7` contiguous), folders, and headers that describe no entry of their own. */
const FILE_TYPES = new Set(['0', '\0', '7']);
const FOLDER_TYPES = new Set(['5']);
const HEADER_TYPES = new Set(['g', 'K']);

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
    const field = block.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** The `path` record of a pax extended header ("<length> path=<value>\n" records). */
function paxPath(data: Buffer): string | undefined {
    let offset = 0;
    let found: string | undefined;
    while (offset < data.length) {
        const space = data.indexOf(0x20, offset);
        if (space < 0) break;
        const length = Number(data.subarray(offset, space).toString('ascii'));
        if (!Number.isInteger(length) || length <= 0) break;
        const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
        const eq = record.indexOf('=');
        if (record.slice(0, eq) === 'path') found = record.slice(eq + 1);
        offset += length;
    }
    return found;
}

export function readTarGz(gzipped: Buffer): TarFile[] {
    const data = gunzipSync(gzipped);
    const files: TarFile[] = [];
    let longName: string | undefined;
    for (let offset = 0; offset + BLOCK <= data.length; ) {
        const header = data.subarray(offset, offset + BLOCK);
        if (header.every((byte) => byte === 0)) break;
        const size = parseInt(text(header, 124, 12).trim() || '0', 8);
        const type = String.fromCharCode(header[156]!);
        const body = data.subarray(offset + BLOCK, offset + BLOCK + size);
        offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
        if (type === 'x') {
            longName = paxPath(body) ?? longName;
            continue;
        }
        if (type === 'L') {
            longName = text(body, 0, body.length);
            continue;
        }
        const prefix = text(header, 345, 155);
        const path = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
        longName = undefined;
        if (FOLDER_TYPES.has(type) || HEADER_TYPES.has(type)) continue;
        const parts = path.split('/').filter((p) => p !== '' && p !== '.');
        if (path.startsWith('/') || path.includes('\\') || parts.includes('..')) throw new Error(`unsafe path in the archive: ${path}`);
        const kind = FILE_TYPES.has(type) ? 'file' : 'special';
        files.push({ path: parts.join('/'), kind, contents: kind === 'file' ? Buffer.from(body) : Buffer.alloc(0) });
    }
    return files;
}
