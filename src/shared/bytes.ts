/**
 * The UTF-8 bytes of a file's text, encoded once however often they are asked for: a large
 * generated file (an OpenAPI document, its tool table) is hashed for the project's snapshot and
 * then written, and encoding megabytes twice shows in the time a generation takes. Pure.
 */
const encoded = new WeakMap<object, Uint8Array>();

/** `bytes`, when the file has them, are its contents' UTF-8 already (a document copied as it was read). */
export function bytesOf(file: { readonly contents: string; readonly bytes?: Uint8Array }): Uint8Array {
    if (file.bytes !== undefined) return file.bytes;
    let bytes = encoded.get(file);
    if (bytes === undefined) {
        bytes = Buffer.from(file.contents, 'utf8');
        encoded.set(file, bytes);
    }
    return bytes;
}
