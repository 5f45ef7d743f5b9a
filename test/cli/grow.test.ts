/**
 * Teams and growing projects: --template layering, templates eject, `add`, and re-running the
 * spec a project keeps. The built binary is spawned, as users run it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, run, tempDir } from './run.js';

const noSteps = ['--yes', '--no-install', '--no-git'];

/** Every file under `dir` (relative path -> contents). */
function tree(dir: string): Map<string, string> {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    return new Map(files.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8')]));
}

function teamDir(files: Record<string, string>): string {
    const dir = tempDir('cms-team-');
    for (const [path, contents] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), contents);
    }
    return dir;
}

describe('--template', () => {
    it('replaces only the README when the team directory holds only README.md.hbs', async () => {
        const cwd = tempDir();
        const team = teamDir({ 'README.md.hbs': '# {{name}} (Acme standard)\n\n{{description}}\n' });
        expect((await run(['plain', ...noSteps], { cwd })).code).toBe(0);
        const result = await run(['teamed', ...noSteps, '--name', 'plain', '--template', team], { cwd });
        expect(result.code, result.stderr).toBe(0);
        const plain = tree(join(cwd, 'plain'));
        const teamed = tree(join(cwd, 'teamed'));
        expect([...teamed.keys()].sort()).toEqual([...plain.keys()].sort());
        for (const [path, contents] of plain) {
            if (path === 'README.md') expect(teamed.get(path)).toBe('# plain (Acme standard)\n\nA Model Context Protocol server\n');
            // The spec records the team template (and so does the record of what was generated).
            else if (path === 'mcp-server.yaml') expect(teamed.get(path)!.replace(`template:\n  source: ${team}\n`, '')).toBe(contents);
            else if (path !== '.create-mcp-server/generated.json') expect(teamed.get(path), path).toBe(contents);
        }
    });

    it('shows in --dry-run which files come from the team, and reads CREATE_MCP_SERVER_TEMPLATE', async () => {
        const cwd = tempDir();
        const team = teamDir({ 'README.md.hbs': 'team readme\n', 'base/CODEOWNERS': '* @acme/mcp\n' });
        const result = await run(['x', '--dry-run'], { cwd, env: { CREATE_MCP_SERVER_TEMPLATE: team } });
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/^ {2}README\.md {2}\(team template\)$/m);
        expect(result.stdout).toMatch(/^ {2}CODEOWNERS {2}\(team template\)$/m);
        expect(result.stdout).toMatch(/^ {2}src\/server\.ts$/m);
    });

    it('puts a team file-header partial on top of every source file', async () => {
        const cwd = tempDir();
        const team = teamDir({ 'partials/file-header.hbs': '// Copyright Acme. Package {{name}}.\n' });
        expect((await run(['h', ...noSteps, '--template', team], { cwd })).code).toBe(0);
        expect(readFileSync(join(cwd, 'h', 'src', 'server.ts'), 'utf8')).toMatch(/^\/\/ Copyright Acme\. Package h\.\nimport/);
        // The shebang stays first.
        expect(readFileSync(join(cwd, 'h', 'src', 'index.ts'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n\/\/ Copyright Acme/);
    });

    it.each([
        [{ 'README.md.hbs': 'line 1\n{{#if name}}\nno end\n' }, /README\.md\.hbs:4: syntax error: Expecting/],
        [{ 'README.md.hbs': 'line 1\n\n  {{nmae}}\n' }, /README\.md\.hbs:3:4: unknown variable or helper "nmae"/],
        [{ 'items/tool.ts.hbs': '{{#with tool}}\n{{{oops}}}\n{{/with}}' }, /items\/tool\.ts\.hbs:2:3: unknown variable or helper "oops"/],
        [
            { 'README.md.hbs': '# {{shout name}}\n', 'helpers/text.mjs': "export function shout() { throw new Error('no voice'); }\n" },
            /README\.md\.hbs:1:2: helper "shout" failed: no voice/,
        ],
    ])('fails before writing anything, naming the file and line: %j', async (files, message) => {
        const cwd = tempDir();
        const result = await run(['broken', ...noSteps, '--tool', 'x', '--template', teamDir(files)], { cwd });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('runs team helpers', async () => {
        const cwd = tempDir();
        const team = teamDir({ 'README.md.hbs': '# {{shout name}}\n', 'helpers/text.mjs': 'export const shout = (s) => String(s).toUpperCase();\n' });
        expect((await run(['loud', ...noSteps, '--template', team], { cwd })).code).toBe(0);
        expect(readFileSync(join(cwd, 'loud', 'README.md'), 'utf8')).toBe('# LOUD\n');
    });

    it('ejects the built-in templates, which render the same project', async () => {
        const cwd = tempDir();
        const ejected = await run(['templates', 'eject', 'team'], { cwd });
        expect(ejected.code, ejected.stderr).toBe(0);
        expect(existsSync(join(cwd, 'team', 'base', 'README.md.hbs'))).toBe(true);
        expect((await run(['templates', 'eject', 'team'], { cwd })).code).toBe(1);
        await run(['a', ...noSteps, '--spec', join(FIXTURES, 'orders.yaml')], { cwd });
        await run(['b', ...noSteps, '--spec', join(FIXTURES, 'orders.yaml'), '--template', 'team'], { cwd });
        const [a, b] = [tree(join(cwd, 'a')), tree(join(cwd, 'b'))];
        // Apart from the template b records (in its spec, and so in the record of what was generated), the same project.
        expect(b.get('mcp-server.yaml')).toContain(`template:\n  source: ${join(cwd, 'team')}\n`);
        for (const path of ['mcp-server.yaml', '.create-mcp-server/generated.json']) for (const files of [a, b]) files.delete(path);
        expect(b).toEqual(a);
    });
});

describe('add', () => {
    async function project(): Promise<string> {
        const cwd = tempDir();
        expect((await run(['p', ...noSteps, '--spec', join(FIXTURES, 'orders.yaml')], { cwd })).code).toBe(0);
        return join(cwd, 'p');
    }

    it('adds a tool with typed parameters: its file, registration, tests and spec', async () => {
        const dir = await project();
        const result = await run(['add', 'tool', 'lookup_sku', '-d', 'Find a product by SKU', '--param', 'sku:string', '--param', 'limit:integer?:Max rows'], {
            cwd: dir,
        });
        expect(result.code, result.stderr).toBe(0);
        expect(readFileSync(join(dir, 'src/tools/lookup_sku.ts'), 'utf8')).toContain(
            "limit: z.number().multipleOf(1).meta({ type: 'integer' }).optional().describe('Max rows'),",
        );
        expect(readFileSync(join(dir, 'src/server.ts'), 'utf8')).toContain('registerLookupSkuTool(catalog);');
        expect(readFileSync(join(dir, 'test/server.test.ts'), 'utf8')).toContain("name: 'lookup_sku',");
        expect(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')).toContain('- name: lookup_sku\n    description: Find a product by SKU');
    });

    it('adds a resource template and a prompt with arguments', async () => {
        const dir = await project();
        expect((await run(['add', 'resource', 'sku://{code}', '--mime', 'application/json'], { cwd: dir })).code).toBe(0);
        expect(readFileSync(join(dir, 'src/resources/sku.ts'), 'utf8')).toContain("new UriTemplate('sku://{code}')");
        expect((await run(['add', 'prompt', 'triage', '--arg', 'ticket:The ticket text', '--arg', 'tone?'], { cwd: dir })).code).toBe(0);
        expect(readFileSync(join(dir, 'src/prompts/triage.ts'), 'utf8')).toContain('tone: z.string().optional(),');
    });

    it('adds a tool that answers structured content and asks first, with an icon file, and a subscribable cached resource', async () => {
        const dir = await project();
        const tool = [
            'add',
            'tool',
            'cancel_order',
            '--param',
            'id:string',
            '--output',
            'cancelled:boolean',
            '--confirm',
            'optional',
            '--icon',
            join(FIXTURES, 'icon.png'),
        ];
        const added = await run(tool, { cwd: dir });
        expect(added.code, added.stderr).toBe(0);
        const source = readFileSync(join(dir, 'src/tools/cancel_order.ts'), 'utf8');
        expect(source).toContain('cancelled: z.boolean(),');
        expect(source).toContain('confirm: { message: confirmation, optional: true },');
        expect(source).toContain("src: 'data:image/png;base64,iVBOR");
        expect(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')).toMatch(/confirm: optional\n {4}icon: data:image\/png;base64,/);
        expect((await run(['add', 'resource', 'queue://{name}', '--subscribe', '--ttl', '30'], { cwd: dir })).code).toBe(0);
        const resource = readFileSync(join(dir, 'src/resources/queue.ts'), 'utf8');
        expect(resource).toContain("cacheHint: { ttlMs: 30000, cacheScope: 'private' },");
        expect(resource).toContain('export function announceQueueChanged(catalog: Catalog, entry: Entry): void {');
    });

    it.each([
        [['add', 'tool', 'x', '--confirm', 'maybe'], /^--confirm "maybe": expected always \(the default\) or optional$/m],
        [['add', 'tool', 'x', '--output', 'n'], /^--output "n": expected name:type\[\?\]\[:description\]/m],
        [['add', 'tool', 'x', '--icon', 'missing.png'], /^--icon: cannot read missing\.png$/m],
        [['add', 'tool', 'x', '--icon', 'http://example.com/x.png'], /^--icon "http:\/\/example\.com\/x\.png": expected an https URL, got http:$/m],
        [['add', 'resource', 'q://a', '--ttl', 'soon'], /^--ttl "soon": expected whole seconds, e\.g\. 60$/m],
        [['add', 'tool', 'search_orders'], /^add tool: tool "search_orders" is already defined/m],
        [['add', 'tool', 'bad name'], /^add tool: invalid name "bad name"/m],
        [['add', 'tool', 'x', '--param', 'n:datetime'], /^--param "n:datetime": unknown type "datetime"/m],
        [['add', 'widget', 'x'], /^add: unknown kind "widget"; expected tool, resource, prompt or view$/m],
        [['add', 'tool'], /^add tool: missing the name/m],
        [['add', 'resource', 'sku://{code}', '--ui'], /^add resource: a view \(--ui\) belongs to a tool$/m],
        [['add', 'tool', 'chart', '--connect-domain', 'api.example.com'], /^add tool: invalid origin "api\.example\.com"; expected scheme:\/\/host\[:port\]/m],
        [['add', 'view'], /^add view: missing the tool, e\.g\. create-mcp-server add view lookup_sku$/m],
        [
            ['add', 'view', 'nope'],
            /^add view: no tool "nope" in mcp-server\.yaml \(it has search_orders\); to add a tool with a view: create-mcp-server add tool nope --ui$/m,
        ],
    ])('refuses %j and writes nothing', async (args, message) => {
        const dir = await project();
        const before = tree(dir);
        const result = await run(args, { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(tree(dir)).toEqual(before);
    });

    it('adds a tool with a view (--ui and its options): page, script, server module, browser test, dependencies', async () => {
        const dir = await project();
        const result = await run(['add', 'tool', 'chart', '--connect-domain', 'https://api.example.com', '--view-title', 'Sales chart'], { cwd: dir });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('Next: npm install && npm run build && npm test');
        for (const path of [
            'ui/chart/index.html',
            'ui/chart/view.ts',
            'src/views.ts',
            'scripts/build-views.mjs',
            'test/views.test.ts',
            'test/browser/host.ts',
        ]) {
            expect(existsSync(join(dir, path)), path).toBe(true);
        }
        expect(readFileSync(join(dir, 'src/tools/chart.ts'), 'utf8')).toContain("_meta: { ui: { resourceUri: 'ui://acme-orders/chart.html' } },");
        expect(readFileSync(join(dir, 'ui/chart/index.html'), 'utf8')).toContain('<title>Sales chart</title>');
        expect(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')).toMatch(
            /- name: chart\n\s+description: .*\n\s+ui:\n\s+title: Sales chart\n\s+csp:\n\s+connectDomains:\n\s+- https:\/\/api\.example\.com\n/,
        );
        expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies).toHaveProperty('@modelcontextprotocol/ext-apps');
    });

    it('gives an implemented tool a view, keeping the implementation (add view merges hand edits)', async () => {
        const dir = await project();
        const tool = join(dir, 'src/tools/search_orders.ts');
        writeFileSync(tool, readFileSync(tool, 'utf8').replace(/text: `Skeleton tool search_orders[^`]*`/, 'text: `Found ${JSON.stringify(args)}`'));
        const result = await run(['add', 'view', 'search_orders', '--prefers-border'], { cwd: dir });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('Gave tool search_orders a view:');
        const code = readFileSync(tool, 'utf8');
        expect(code).toContain('text: `Found ${JSON.stringify(args)}`');
        expect(code).toContain("_meta: { ui: { resourceUri: 'ui://acme-orders/search_orders.html' } },");
        expect(existsSync(join(dir, 'ui/search_orders/view.ts'))).toBe(true);
        expect(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')).toMatch(/- name: search_orders\n(\s+\S.*\n)*?\s+ui:\n\s+prefersBorder: true\n/);

        // A second view for the same tool is refused.
        const again = await run(['add', 'view', 'search_orders'], { cwd: dir });
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/^add view: tool "search_orders" already has a view \(ui\/search_orders\/\)$/m);
    });

    it('refuses a view where the tool was edited in the lines the view changes, and writes nothing', async () => {
        const dir = await project();
        const tool = join(dir, 'src/tools/search_orders.ts');
        writeFileSync(
            tool,
            readFileSync(tool, 'utf8').replace('annotations: { readOnlyHint: true },', 'annotations: { readOnlyHint: true, openWorldHint: false },'),
        );
        const before = tree(dir);
        const result = await run(['add', 'view', 'search_orders'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
            /^add view: src\/tools\/search_orders\.ts was changed by hand in the lines the change touches, so it cannot be updated safely; nothing was written\. .*create-mcp-server update/m,
        );
        expect(tree(dir)).toEqual(before);
    });

    it('never overwrites a hand-edited registration', async () => {
        const dir = await project();
        const server = join(dir, 'src/server.ts');
        writeFileSync(
            server,
            readFileSync(server, 'utf8').replace('return catalog.createServer(context);', '// my own tweak\n    return catalog.createServer(context);'),
        );
        const before = tree(dir);
        const result = await run(['add', 'tool', 'extra'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^add tool: src\/server\.ts was changed by hand since generation/m);
        expect(tree(dir)).toEqual(before);
    });

    it('leaves a hand-edited README alone and says so', async () => {
        const dir = await project();
        writeFileSync(join(dir, 'README.md'), 'my readme\n');
        const result = await run(['add', 'prompt', 'extra'], { cwd: dir });
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('README.md was edited by hand');
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('my readme\n');
    });

    it('refuses outside a generated project', async () => {
        const result = await run(['add', 'tool', 'x'], { cwd: tempDir() });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^add: no mcp-server\.yaml in .*; run it inside a project made by create-mcp-server$/m);
    });
});

describe('re-running the kept spec', () => {
    it.each([
        ['default', []],
        ['orders', ['--spec', join(FIXTURES, 'orders.yaml')]],
        ['hostile', ['--spec', join(FIXTURES, 'hostile.yaml')]],
        // Its icon file is embedded: the kept spec carries it, wherever it is run again.
        ['everything', ['--spec', join(FIXTURES, 'everything.yaml')]],
        ['db', ['--with', 'postgres']],
    ])('regenerates %s byte for byte', async (name, args) => {
        const cwd = tempDir();
        expect((await run([name, ...noSteps, ...args], { cwd })).code).toBe(0);
        const original = tree(join(cwd, name));
        // Into a fresh directory…
        expect((await run(['again', ...noSteps, '--spec', join(cwd, name, 'mcp-server.yaml')], { cwd })).code).toBe(0);
        expect(tree(join(cwd, 'again'))).toEqual(original);
        // …and over itself, as the spec's header says.
        const inPlace = await run(['.', ...noSteps, '--spec', 'mcp-server.yaml', '--force'], { cwd: join(cwd, name) });
        expect(inPlace.code, inPlace.stderr).toBe(0);
        expect(tree(join(cwd, name))).toEqual(original);
    });
});

describe('icon files of a spec', () => {
    it('are named by field in one line when missing or not an image, and nothing is written', async () => {
        const cwd = tempDir();
        writeFileSync(join(cwd, 'spec.yaml'), 'name: x\nicon: missing.png\nprompts:\n  - name: p\n    icon: spec.yaml\n');
        const result = await run(['x', ...noSteps, '--spec', 'spec.yaml'], { cwd });
        expect(result.code).toBe(1);
        expect(result.stderr.trim()).toBe('spec.yaml: icon: cannot read "missing.png": no such file (and 1 more problem)');
        expect(existsSync(join(cwd, 'x'))).toBe(false);
    });
});
