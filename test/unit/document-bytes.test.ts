/**
 * The project's copy of a large OpenAPI document is written from the bytes it was read from (no
 * second encoding), only when those bytes are exactly its text's UTF-8: a BOM the reader dropped or
 * bytes that are not UTF-8 make the copy the text's own encoding, as before.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { validateSpec } from '../../src/core/spec.js';
import { bytesOf } from '../../src/shared/bytes.js';

/** A document past the formatter's 1 MB (so it is copied as it was), with text beyond ASCII. */
function documentBytes(description: string): Buffer {
    const document = {
        openapi: '3.0.3',
        info: { title: 'Big', version: '1', description: `${description} ${'x'.repeat(1_100_000)}` },
        servers: [{ url: 'http://127.0.0.1:9' }],
        paths: { '/a': { get: { operationId: 'getA', summary: 'Grüße → ünïcode', responses: { '200': { description: 'ok' } } } } },
    };
    return Buffer.from(JSON.stringify(document));
}

async function copyOf(bytes: Buffer) {
    const dir = mkdtempSync(join(tmpdir(), 'doc-bytes-'));
    writeFileSync(join(dir, 'doc.json'), bytes);
    const spec = validateSpec({ name: 'big', systems: [{ type: 'openapi', document: 'doc.json' }] }, { name: 'big', description: 'd' });
    const files = await renderProject(spec, undefined, dir);
    return files.find((f) => f.path === 'openapi.json')!;
}

describe("the project's copy of a large document", () => {
    it('is the bytes as read (with the closing newline) when they are its UTF-8', async () => {
        const source = documentBytes('Grüße → 日本語');
        const copy = await copyOf(source);
        expect(copy.bytes).toBeDefined();
        expect(Buffer.compare(Buffer.from(bytesOf(copy)), Buffer.concat([source, Buffer.from('\n')]))).toBe(0);
        expect(Buffer.compare(Buffer.from(bytesOf(copy)), Buffer.from(copy.contents))).toBe(0);
    });

    it('is the text encoded again when the reader dropped a BOM', async () => {
        const source = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), documentBytes('with a BOM')]);
        const copy = await copyOf(source);
        expect(copy.bytes).toBeUndefined();
        expect(copy.contents.startsWith('{')).toBe(true);
        expect(Buffer.compare(Buffer.from(bytesOf(copy)), Buffer.from(copy.contents))).toBe(0);
    });

    it('is the text encoded again when some bytes are not UTF-8', async () => {
        const valid = documentBytes('ZZ');
        const at = valid.indexOf('ZZ');
        const source = Buffer.concat([valid.subarray(0, at), Buffer.from([0xff]), valid.subarray(at + 1)]);
        const copy = await copyOf(source);
        expect(copy.bytes).toBeUndefined();
        expect(copy.contents).toContain('\uFFFD');
        expect(Buffer.compare(Buffer.from(bytesOf(copy)), Buffer.from(copy.contents))).toBe(0);
    });
});
