import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedIconFiles } from '../../src/core/icons.js';
import { SpecError, validateSpec } from '../../src/core/spec.js';
import { ICON_MAX_BYTES, iconFromFile, iconOf, iconProblem } from '../../src/shared/icons.js';

/** The first bytes of a PNG file: signature and the start of its header chunk. */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const SVG = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');

describe('icon files', () => {
    it('embeds an image as a data: URI, its type read from its content before its name', () => {
        expect(iconFromFile(PNG, 'logo.bin')).toEqual({ uri: `data:image/png;base64,${Buffer.from(PNG).toString('base64')}` });
        expect(iconFromFile(SVG, 'logo.png')).toMatchObject({ uri: expect.stringMatching(/^data:image\/svg\+xml;base64,/) });
        // Content that names no type: the extension decides.
        expect(iconFromFile(Uint8Array.from([1, 2, 3]), 'x.webp')).toMatchObject({ uri: expect.stringMatching(/^data:image\/webp;base64,/) });
    });

    it('refuses a file too large to embed, or that is not an image', () => {
        expect(iconFromFile(new Uint8Array(ICON_MAX_BYTES + 1), 'big.png')).toEqual({
            problem: 'is 64.0 KiB, more than the 64.0 KiB an embedded icon may have; serve it at an https URL',
        });
        expect(iconFromFile(new TextEncoder().encode('hello'), 'notes.txt')).toEqual({
            problem: 'is not an image clients show; expected PNG, JPEG, GIF, WebP or SVG',
        });
    });

    it('accepts https URLs and embedded images, and nothing else', () => {
        expect(iconProblem('https://example.com/a.png')).toBeUndefined();
        expect(iconProblem(`data:image/png;base64,${Buffer.from(PNG).toString('base64')}`)).toBeUndefined();
        expect(iconProblem('file:///etc/passwd')).toBe('expected an https URL, got file:');
        expect(iconProblem(`data:image/png;base64,${'A'.repeat(((ICON_MAX_BYTES + 3) / 3) * 4)}`)).toMatch(/^an embedded image of/);
        expect(iconOf('https://example.com/a.svg?v=2')).toEqual({ src: 'https://example.com/a.svg?v=2', mimeType: 'image/svg+xml' });
        expect(iconOf('https://example.com/icon')).toEqual({ src: 'https://example.com/icon' });
    });
});

describe('embedIconFiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icons-'));
    writeFileSync(join(dir, 'logo.png'), PNG);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const read = (path: string) => readFile(join(dir, path));

    it('replaces every file path with its data: URI, relative to the spec, and leaves URLs alone', async () => {
        const raw = {
            icon: 'logo.png',
            tools: [{ name: 't', description: 'T', icon: './logo.png' }],
            resources: [{ name: 'r', uri: 'x://r', icon: 'https://example.com/r.png' }],
            prompts: [{ name: 'p', icon: 'logo.png' }],
        };
        const embedded = (await embedIconFiles(raw, 'spec.yaml', read)) as typeof raw;
        const uri = `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`;
        expect([embedded.icon, embedded.tools[0]?.icon, embedded.resources[0]?.icon, embedded.prompts[0]?.icon]).toEqual([
            uri,
            uri,
            'https://example.com/r.png',
            uri,
        ]);
        // The raw spec is left as it was, and the result validates.
        expect(raw.icon).toBe('logo.png');
        expect(validateSpec(embedded, { name: 'x', description: 'x' }).tools[0]?.icon).toBe(uri);
    });

    it('names the field of a missing file, and of one that is not an image, in one line', async () => {
        const raw = { tools: [{ name: 't', description: 'T', icon: 'missing.png' }], prompts: [{ name: 'p', icon: 'notes.txt' }] };
        const error = await embedIconFiles(raw, 'spec.yaml', read).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SpecError);
        expect((error as SpecError).message).toBe('spec.yaml: tools[0].icon: cannot read "missing.png": no such file (and 1 more problem)');
        expect((error as SpecError).problems[1]).toEqual({
            path: 'prompts[0].icon',
            message: '"notes.txt" is not an image clients show; expected PNG, JPEG, GIF, WebP or SVG',
        });
    });
});
