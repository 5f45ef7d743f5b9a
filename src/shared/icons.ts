/**
 * Icons of the server and its items, as the spec gives them: an https URL, or an image embedded as
 * a `data:` URI (a spec file names an image file, which is read and embedded, so the project and
 * its `mcp-server.yaml` carry it). Pure.
 */

/** The largest image embedded (clients show icons small; a larger one belongs at an https URL). */
export const ICON_MAX_BYTES = 64 * 1024;

/** Image types clients can show, by the file extensions that name them. */
const TYPES: Record<string, string[]> = {
    'image/png': ['png'],
    'image/jpeg': ['jpg', 'jpeg'],
    'image/gif': ['gif'],
    'image/webp': ['webp'],
    'image/svg+xml': ['svg'],
};

const TYPE_NAMES = 'PNG, JPEG, GIF, WebP or SVG';

/** The image type of a file from its first bytes, or undefined when they name none. */
function sniff(bytes: Uint8Array): string | undefined {
    const starts = (...values: number[]) => values.every((value, i) => bytes[i] === value);
    if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
    if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
    if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
    if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP') return 'image/webp';
    const head = new TextDecoder().decode(bytes.slice(0, 1024)).trimStart();
    if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'image/svg+xml';
    return undefined;
}

function typeOfExtension(file: string): string | undefined {
    const extension = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
    return Object.keys(TYPES).find((type) => extension !== undefined && TYPES[type]!.includes(extension));
}

function sizeText(bytes: number): string {
    return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** An image file as a `data:` URI, or why it cannot be one. The type comes from its content, else its extension. */
export function iconFromFile(bytes: Uint8Array, file: string): { uri: string } | { problem: string } {
    if (bytes.length > ICON_MAX_BYTES) {
        return { problem: `is ${sizeText(bytes.length)}, more than the ${sizeText(ICON_MAX_BYTES)} an embedded icon may have; serve it at an https URL` };
    }
    const type = sniff(bytes) ?? typeOfExtension(file);
    if (type === undefined) return { problem: `is not an image clients show; expected ${TYPE_NAMES}` };
    return { uri: `data:${type};base64,${Buffer.from(bytes).toString('base64')}` };
}

/** Is `value` a file path (to read and embed), rather than an https URL or a data: URI? */
export function isIconFile(value: string): boolean {
    return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) || /^[A-Za-z]:[\\/]/.test(value);
}

const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/** Why `value` is not an icon a validated spec holds (an https URL or an image data: URI), or undefined. */
export function iconProblem(value: string): string | undefined {
    const data = DATA_URI.exec(value);
    if (data) {
        if (!(data[1]! in TYPES)) return `a data: URI of type ${data[1]}; expected ${TYPE_NAMES}`;
        const bytes = Math.floor((data[2]!.length * 3) / 4) - (data[2]!.match(/=/g)?.length ?? 0);
        return bytes > ICON_MAX_BYTES ? `an embedded image of ${sizeText(bytes)}, more than ${sizeText(ICON_MAX_BYTES)}` : undefined;
    }
    if (value.startsWith('data:')) return 'a data: URI that is not a base64 image (data:image/png;base64,...)';
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return 'expected an https URL or, in a spec file, an image file path relative to it';
    }
    return url.protocol === 'https:' ? undefined : `expected an https URL, got ${url.protocol.slice(0, -1)}:`;
}

/** The protocol's `Icon` for a validated icon: its source, and its type when known. */
export function iconOf(value: string): { src: string; mimeType?: string } {
    const type = DATA_URI.exec(value)?.[1] ?? typeOfExtension(new URL(value).pathname);
    return { src: value, ...(type !== undefined && { mimeType: type }) };
}
