/**
 * The UTF-8 bytes of a file's text, encoded once however often they are asked for: a large
 * generated file (an OpenAPI document, its tool table) is hashed for the project's snapshot and
 * then written, and encoding megabytes twice shows in the time a generation takes. Pure.
 */
const encoded = new WeakMap<object, Buffer>();

export function bytesOf(file: { readonly contents: string }): Buffer {
    let bytes = encoded.get(file);
    if (bytes === undefined) {
        bytes = Buffer.from(file.contents, 'utf8');
        encoded.set(file, bytes);
    }
    return bytes;
}
