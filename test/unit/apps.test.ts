/**
 * Tools with an interactive view (MCP Apps): what the spec's `ui` and `visibility` make of a project.
 * The views themselves are proven in Chromium by the generated project's own tests (test/e2e/apps).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { type RawSpec, validateSpec } from '../../src/core/spec.js';
import { parseSpecText } from '../../src/core/spec-file.js';
import { versions } from '../../src/shared/versions.js';

const fixture = parseSpecText(readFileSync(new URL('../fixtures/apps.yaml', import.meta.url), 'utf8'), 'apps.yaml') as RawSpec;

async function render(raw: RawSpec): Promise<Map<string, string>> {
    const files = await renderProject(validateSpec(raw, { name: 'demo', description: 'Demo' }), undefined);
    return new Map(files.map((f) => [f.path, f.contents]));
}

const VIEW_FILES = ['src/views.ts', 'scripts/build-views.mjs', 'ui/tsconfig.json', 'test/views.test.ts', 'test/browser/host.ts', 'test/browser/sandbox.ts'];

describe('views (MCP Apps) in a generated project', () => {
    it('leave a project without a view as it was: no ui/, no view build, no browser test, no extra dependency', async () => {
        const files = await render({ tools: [{ name: 'plain', description: 'x' }] });
        for (const path of VIEW_FILES) expect(files.has(path), path).toBe(false);
        expect([...files.keys()].some((path) => path.startsWith('ui/'))).toBe(false);
        const pkg = JSON.parse(files.get('package.json')!);
        expect(pkg.devDependencies).not.toHaveProperty('@modelcontextprotocol/ext-apps');
        expect(pkg.devDependencies).not.toHaveProperty('playwright-core');
        expect(pkg.scripts.build).toBe('tsc --noEmit && node scripts/build.mjs');
        expect(files.get('scripts/build.mjs')).not.toContain('buildViews');
        expect(files.get('tsconfig.json')).not.toContain('exclude');
        expect(files.get('.gitignore')).not.toContain('test-results');
        expect(files.get('src/tools/plain.ts')).not.toContain('_meta');
    });

    it('give each tool with ui a page and a script in ui/<tool>/, built with the server and type-checked with the DOM', async () => {
        const files = await render(fixture);
        for (const path of [...VIEW_FILES, 'ui/sales_chart/index.html', 'ui/sales_chart/view.ts', 'ui/table/index.html', 'ui/table/view.ts']) {
            expect(files.has(path), path).toBe(true);
        }
        // A tool without ui, and one only views call, have no view.
        expect(files.has('ui/plain/index.html')).toBe(false);
        expect(files.has('ui/refresh_table/index.html')).toBe(false);
        const pkg = JSON.parse(files.get('package.json')!);
        expect(pkg.devDependencies).toMatchObject({
            '@modelcontextprotocol/ext-apps': versions['@modelcontextprotocol/ext-apps'],
            'playwright-core': versions['playwright-core'],
        });
        // Nothing new at run time: the server needs only the MIME type of views, not the extension's SDK.
        expect(Object.keys(pkg.dependencies)).toEqual(['@modelcontextprotocol/node', '@modelcontextprotocol/server', 'jose', 'zod']);
        expect(pkg.scripts.build).toBe('tsc --noEmit && tsc --noEmit -p ui && node scripts/build.mjs');
        expect(pkg.scripts.typecheck).toBe('tsc --noEmit && tsc --noEmit -p ui && tsc --noEmit -p test/browser');
        expect(files.get('scripts/build.mjs')).toContain("import { buildViews } from './build-views.mjs';");
        expect(JSON.parse(files.get('tsconfig.json')!).exclude).toEqual(['test/browser']);
        expect(JSON.parse(files.get('ui/tsconfig.json')!).compilerOptions.lib).toContain('DOM');
        expect(files.get('.gitignore')).toContain('test-results/');
    });

    it("list a tool with its view's URI in the current _meta.ui form, and the other tools with no _meta.ui", async () => {
        const files = await render(fixture);
        expect(files.get('src/tools/sales_chart.ts')).toContain("_meta: { ui: { resourceUri: 'ui://apps/sales.chart.html' } },");
        expect(files.get('src/tools/table.ts')).toContain("_meta: { ui: { resourceUri: 'ui://apps/table.html' } },");
        expect(files.get('src/tools/refresh_table.ts')).toContain("_meta: { ui: { visibility: ['app'] } },");
        expect(files.get('src/tools/plain.ts')).not.toContain('_meta');
        for (const [path, text] of files) if (path.startsWith('src/')) expect(text, path).not.toContain('ui/resourceUri');
    });

    it('serve each view at the URI its tool names, with the declared border and CSP as _meta.ui', async () => {
        const views = (await render(fixture)).get('src/views.ts')!;
        expect(views).toContain("const VIEW_MIME_TYPE = 'text/html;profile=mcp-app';");
        expect(views).toMatch(/tool: 'sales\.chart',\s+file: 'sales_chart',\s+uri: 'ui:\/\/apps\/sales\.chart\.html',/);
        expect(views).toMatch(
            /prefersBorder: true,\s+csp: \{ connectDomains: \['https:\/\/api\.example\.com', 'wss:\/\/live\.example\.com'\], resourceDomains: \['https:\/\/\*\.cdn\.example\.com'\] \},/,
        );
        expect(views).toMatch(/tool: 'table',\s+file: 'table',\s+uri: 'ui:\/\/apps\/table\.html',\s+title: 'Table \*\/ of \{\{rows\}\} <b>',/);
        // The view's URI is the one the server.ts registration and the test expect.
        expect((await render(fixture)).get('src/server.ts')).toContain('registerViews(catalog);');
    });

    it("escape the tool's title in the page, and pass it to the script as a literal", async () => {
        const files = await render(fixture);
        const page = files.get('ui/sales_chart/index.html')!;
        expect(page).toMatch(/^<!doctype html>\n/);
        expect(page).toContain('<title>Sales &#60;/title&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; `${chart}` */</title>');
        expect(page).not.toContain('<script>alert');
        expect(files.get('ui/table/index.html')).toContain('<h1>Table */ of {{rows}} &#60;b&#62;</h1>');
        expect(files.get('ui/sales_chart/view.ts')).toContain("const TOOL = 'sales.chart';");
    });

    it('name view files as tool files are named (a device name gets its _), and URIs by the tool name', async () => {
        const files = await render({ name: 'dev', tools: [{ name: 'con', description: 'x', ui: true }] });
        expect(files.has('ui/con_/index.html')).toBe(true);
        expect(files.get('src/tools/con_.ts')).toContain("resourceUri: 'ui://dev/con.html'");
        expect(files.get('src/views.ts')).toMatch(/tool: 'con',\s+file: 'con_',/);
    });

    it('build the views in the Docker image and install a browser for them in CI', async () => {
        const files = await render(fixture);
        expect(files.get('Dockerfile')).toContain('COPY scripts/build.mjs scripts/build-views.mjs ./scripts/');
        expect(files.get('Dockerfile')).toContain('COPY ui ./ui');
        expect(files.get('.github/workflows/ci.yml')).toContain('sudo apt-get install -y chromium');
        const plain = await render({ tools: [{ name: 'plain', description: 'x' }] });
        expect(plain.get('Dockerfile')).not.toContain('COPY ui');
        expect(plain.get('.github/workflows/ci.yml')).not.toContain('chromium');
    });

    it('test the views against the built server, over HTTP when the project has no stdio', async () => {
        const stdio = (await render(fixture)).get('test/views.test.ts')!;
        expect(stdio).toContain("new StdioClientTransport({ command: process.execPath, args: ['dist/index.js']");
        const http = (await render({ ...fixture, transports: ['http'] })).get('test/views.test.ts')!;
        expect(http).toContain("spawn(process.execPath, ['dist/index.js']");
        expect(http).not.toContain('StdioClientTransport');
    });
});
