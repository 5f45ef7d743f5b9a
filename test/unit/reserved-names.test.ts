/**
 * Item names that are Windows device names (CON, PRN, AUX, NUL, COM0-9, LPT0-9, any case, with or
 * without an extension) are accepted, keep their name on the wire, and never name a file: the file
 * base gets a trailing `_`. Checked for tools, resources and prompts from a spec, and for `add`.
 */
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addItem } from '../../src/commands/add.js';
import { renderProject, renderWith } from '../../src/commands/generate.js';
import { loadTemplates } from '../../src/render/templates.js';
import { fileBase } from '../../src/shared/names.js';
import { type RawSpec, validateSpec } from '../../src/core/spec.js';

const DEVICES = ['CON', 'PRN', 'AUX', 'NUL', ...Array.from({ length: 10 }, (_, i) => `COM${i}`), ...Array.from({ length: 10 }, (_, i) => `LPT${i}`)];
/** Every device name as typed three ways, plus with an extension as MCP names allow (`nul.txt`). */
const NAMES = DEVICES.flatMap((d) => [d, d.toLowerCase(), d[0]! + d.slice(1).toLowerCase(), `${d.toLowerCase()}.txt`]);

/** Written independently of src/shared/names.ts: a path segment Windows refuses, whatever follows the first dot. */
function reservedSegment(path: string): string | undefined {
    return path.split('/').find((segment) => /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i.test(segment.split('.')[0]!));
}

const specOf = (names: string[]): RawSpec => ({
    tools: names.map((name) => ({ name, description: `Tool ${name}` })),
    resources: names.map((name, i) => ({ name, uri: `docs://r${i}` })),
    prompts: names.map((name) => ({ name })),
});

const builtIn = loadTemplates(undefined);

describe('Windows device names as item names', () => {
    it.each(['CON', 'nul', 'Aux', 'com1', 'LPT9', 'con.x', 'prn_', 'console', 'nul-2'])('file base of %s', (name) => {
        const base = fileBase(name);
        expect(reservedSegment(`${base}.ts`)).toBeUndefined();
        // Only device names change.
        if (!/^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i.test(name)) expect(base).toBe(name.replace(/\./g, '_'));
        else expect(base).toBe(`${name}_`);
    });

    it.each(NAMES)('%s as a tool, a resource and a prompt writes no reserved file name', async (name) => {
        const spec = validateSpec(specOf([name]), { name: 'demo', description: 'Demo' });
        expect(spec.tools[0]!.name).toBe(name);
        // The built-in templates, read once for every name.
        const rendered = renderWith(spec, await builtIn);
        const files = rendered.map((f) => f.path);
        expect(files.map(reservedSegment).filter(Boolean)).toEqual([]);
        for (const kind of ['tools', 'resources', 'prompts']) {
            expect(files).toContain(`src/${kind}/${fileBase(name)}.ts`);
        }
        // The wire name is unchanged in the code that registers it.
        const tool = rendered.find((f) => f.path === `src/tools/${fileBase(name)}.ts`)!;
        expect(tool.contents).toContain(`'${name}'`);
    });

    it('refuses an item whose mapped file name clashes with another item', () => {
        expect(() =>
            validateSpec(
                {
                    tools: [
                        { name: 'con', description: 'a' },
                        { name: 'con_', description: 'b' },
                    ],
                },
                { name: 'demo', description: 'Demo' },
            ),
        ).toThrow(/^tools\[1\]\.name: tool "con_" would share a file name \(ignoring case\) with "con" \(tools\[0\]\.name\); rename one$/);
    });

    // One spelling per device (two would share a file name ignoring case), and each with an extension.
    const addedNames = DEVICES.flatMap((d, i) => [[d, d.toLowerCase(), d[0]! + d.slice(1).toLowerCase()][i % 3]!, `${d.toLowerCase()}.txt`]);

    // One project per kind: every `add` renders the whole project, so one project holding all three
    // kinds would make this quadratic in three times as many items.
    it.each(['tool', 'resource', 'prompt'] as const)(
        'add maps every device name for a %s',
        async (kind) => {
            // In a folder of its own: each write looks through the parent folder for stale staging folders.
            const dir = join(mkdtempSync(join(tmpdir(), 'cms-reserved-')), 'demo');
            for (const file of await renderProject(validateSpec({}, { name: 'demo', description: 'Demo' }), undefined)) {
                mkdirSync(dirname(join(dir, file.path)), { recursive: true });
                writeFileSync(join(dir, file.path), file.contents);
            }
            for (const [i, name] of addedNames.entries()) {
                await addItem(dir, kind === 'resource' ? { kind, target: `docs://item${i}`, name } : { kind, target: name });
            }
            const onDisk = readdirSync(dir, { recursive: true, withFileTypes: true })
                .filter((e) => e.isFile())
                .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
            expect(onDisk.map(reservedSegment).filter(Boolean)).toEqual([]);
            for (const name of addedNames) expect(onDisk).toContain(`src/${kind}s/${fileBase(name)}.ts`);
        },
        120_000,
    );
});
