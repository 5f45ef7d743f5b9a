import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../../src');

/** The layers of src/, bottom first: a module may import its own layer and those below it. */
const LAYERS = ['shared', 'integrations', 'core', 'render', 'steps', 'commands', 'wizard', 'cli'];
const layerOf = (file: string) => {
    const top = file.split('/')[0]!;
    return file === 'paths.ts' ? 0 : file === 'cli.ts' ? LAYERS.indexOf('cli') : LAYERS.indexOf(top);
};

/** Every module of src/ with the modules it imports (static and dynamic imports of relative paths). */
function importGraph(): Map<string, string[]> {
    const files = readdirSync(src, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => relative(src, join(e.parentPath, e.name)).split('\\').join('/'));
    return new Map(
        files.map((file) => {
            const text = readFileSync(join(src, file), 'utf8');
            const specifiers = [...text.matchAll(/(?:^import[^'"]*from\s*|import\(\s*|^export[^'"]*from\s*)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]!);
            const targets = specifiers.map((s) => relative(src, resolve(dirname(join(src, file)), s)).replace(/\.js$/, '.ts'));
            return [file, targets];
        }),
    );
}

describe('the layers of src/', () => {
    const graph = importGraph();

    it('reads every module and what it imports', () => {
        expect(graph.size).toBeGreaterThan(40);
        for (const file of graph.keys()) expect(layerOf(file), file).toBeGreaterThanOrEqual(0);
        for (const targets of graph.values()) for (const target of targets) expect(graph.has(target), target).toBe(true);
    });

    it('imports only its own layer and those below', () => {
        const upward = [...graph].flatMap(([file, targets]) => targets.filter((t) => layerOf(t) > layerOf(file)).map((t) => `${file} -> ${t}`));
        expect(upward).toEqual([]);
    });

    it('has no import cycle', () => {
        const state = new Map<string, 'open' | 'done'>();
        const cycles: string[] = [];
        const visit = (file: string, path: string[]) => {
            if (state.get(file) === 'done') return;
            if (state.get(file) === 'open') {
                cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
                return;
            }
            state.set(file, 'open');
            for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
            state.set(file, 'done');
        };
        for (const file of graph.keys()) visit(file, []);
        expect(cycles).toEqual([]);
    });
});
