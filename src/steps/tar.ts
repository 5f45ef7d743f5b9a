/**
 * Reads the regular files of a gzipped tarball (an npm package), enough for `npm pack` output:
 * ustar headers, their `prefix` field, pax extended headers and GNU long names. Pure: bytes in,
 * files out. Links and devices are skipped; paths that would escape the folder are refused.
 */
import { gunzipSync } from 'node:zlib';

export interface TarFile {
    path: string;
    contents: Buffer;
}

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
        if (type !== '0' && type !== '\0') continue;
        const parts = path.split('/').filter((p) => p !== '' && p !== '.');
        if (path.startsWith('/') || parts.includes('..')) throw new Error(`unsafe path in the archive: ${path}`);
        files.push({ path: parts.join('/'), contents: Buffer.from(body) });
    }
    return files;
}
