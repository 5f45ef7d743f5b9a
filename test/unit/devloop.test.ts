/**
 * What a generated project gets for its dev loop, per transport: the scripts (`npm run dev`,
 * `npm run call`), the dev server's files (its stdio side only with stdio, its HTTP side only with
 * HTTP), and the README and AGENTS.md telling how to connect clients to it. The loop itself runs
 * in test/e2e/devloop.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { finalizeOptions, resolveOptions } from '../../src/core/options.js';

const environment = { cwd: '/projects', env: {}, isTTY: false };

async function project(data: Record<string, unknown> = {}): Promise<Map<string, string>> {
    const partial = resolveOptions('demo', { install: false, git: false }, environment, { file: 'spec.yaml', data });
    const files = await renderProject(finalizeOptions(partial, environment).spec, undefined);
    return new Map(files.map((f) => [f.path, f.contents]));
}

const devFiles = (files: Map<string, string>) => [...files.keys()].filter((path) => path.startsWith('scripts/dev')).sort();

describe.each([
    [
        'stdio and HTTP',
        ['stdio', 'http'],
        ['scripts/dev.mjs', 'scripts/dev/child.mjs', 'scripts/dev/http.mjs', 'scripts/dev/reloader.mjs', 'scripts/dev/stdio.mjs', 'scripts/dev/surface.mjs'],
    ],
    ['stdio only', ['stdio'], ['scripts/dev.mjs', 'scripts/dev/child.mjs', 'scripts/dev/reloader.mjs', 'scripts/dev/stdio.mjs', 'scripts/dev/surface.mjs']],
    ['HTTP only', ['http'], ['scripts/dev.mjs', 'scripts/dev/child.mjs', 'scripts/dev/http.mjs', 'scripts/dev/reloader.mjs', 'scripts/dev/surface.mjs']],
])('the dev loop of a project with %s', (_name, transports, expected) => {
    it('has npm run dev and npm run call, and the dev server files its transports use', async () => {
        const files = await project({ transports });
        const { scripts } = JSON.parse(files.get('package.json')!) as { scripts: Record<string, string> };
        expect(scripts.dev).toBe('node scripts/dev.mjs');
        expect(scripts.call).toBe('node scripts/build.mjs && node scripts/call.mjs');
        expect(files.has('scripts/call.mjs')).toBe(true);
        expect(devFiles(files)).toEqual(expected);
        const dev = files.get('scripts/dev.mjs')!;
        expect(dev.includes("import('./dev/stdio.mjs')")).toBe(transports.includes('stdio'));
        expect(dev.includes("import('./dev/http.mjs')")).toBe(transports.includes('http'));
    });

    it('documents the dev loop in the README and AGENTS.md', async () => {
        const files = await project({ transports });
        const readme = files.get('README.md')!;
        expect(readme).toContain('### The dev loop');
        expect(readme).toContain("npm run call -- <tool> '<json arguments>'");
        expect(files.get('AGENTS.md')).toContain('npm run dev');
        if (transports.includes('http')) expect(readme).toContain('`npm run dev` serves the server over HTTP at `http://127.0.0.1:3000/mcp`');
        if (transports.includes('stdio')) {
            // Claude Desktop, Claude Code, and the editors' dev entry.
            expect(readme).toContain('"demo-dev": { "command": "node", "args": ["/absolute/path/to/demo/scripts/dev.mjs", "--stdio"] }');
            expect(readme).toContain('claude mcp add demo-dev -- node /absolute/path/to/demo/scripts/dev.mjs --stdio');
            expect(readme).toContain('`.vscode/mcp.json` and `.cursor/mcp.json` list it as `demo-dev`');
        } else {
            expect(readme).not.toContain('--stdio');
        }
    });
});

describe('the dev loop of a project with views (MCP Apps)', () => {
    it('builds the views of ui/ with the project script, type-checks ui/ too, and says it in the README', async () => {
        const tools = [{ name: 'chart', description: 'Draw a chart', ui: true }];
        const files = await project({ tools });
        const reloader = files.get('scripts/dev/reloader.mjs')!;
        expect(reloader).toContain("import { buildViews } from '../build-views.mjs';");
        expect(reloader).toContain("join(root, 'ui/tsconfig.json')");
        expect(files.get('README.md')).toContain('each time a file under `src/` or `ui/` is saved');
        const plain = (await project()).get('scripts/dev/reloader.mjs')!;
        expect(plain).not.toContain('build-views');
        expect(plain).not.toContain('ui/tsconfig.json');
    });
});
