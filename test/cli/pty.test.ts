/**
 * The wizard through a REAL pseudo-terminal: the built binary, a person typing answers, arrow keys,
 * space, Enter and Ctrl-C. Needs util-linux `script` (present on Linux CI images; the suite is
 * skipped where it is missing, e.g. macOS's BSD script has other flags).
 *
 * Always --no-install --no-git, temp dirs outside the repo, and a time limit on every session.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KEYS, type PtySession, hasScript, startPty } from './pty-helper.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/create-mcp-server.js');
const root = mkdtempSync(join(tmpdir(), 'cms-pty-'));
const sessions: PtySession[] = [];

/** The terminal user's environment: no CI (the CLI would not prompt), no package-manager hint. */
function personEnv(): Record<string, string | undefined> {
    return { ...process.env, CI: undefined, GITHUB_ACTIONS: undefined, npm_config_user_agent: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined };
}

function start(args: string[], cwd: string): PtySession {
    const session = startPty(process.execPath, [BIN, ...args], { cwd, env: personEnv(), timeoutMs: 60_000 });
    sessions.push(session);
    return session;
}

/** Every file under `dir`, path -> contents. */
function filesUnder(dir: string, prefix = ''): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
        const path = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) Object.assign(out, filesUnder(dir, path));
        else out[path] = readFileSync(join(dir, path), 'utf8');
    }
    return out;
}

// A failed expectation must not leave a session waiting for keys.
afterEach(() => {
    for (const session of sessions.splice(0)) session.kill();
});

afterAll(() => {
    rmSync(root, { recursive: true, force: true });
});

const ready = hasScript();

describe.skipIf(!ready)('the wizard in a real terminal', { timeout: 60_000 }, () => {
    it('a person types a directory name and presses Enter through everything: a working project with examples', async () => {
        const cwd = mkdtempSync(join(root, 'enter-'));
        const s = start(['--no-install', '--no-git'], cwd);
        await s.answer('Project directory', `typed-dir${KEYS.enter}`);
        await s.answer('Package name', KEYS.enter);
        await s.answer('Description', KEYS.enter);
        await s.answer('Transports', KEYS.enter);
        await s.answer('External systems', KEYS.enter);
        await s.answer('HTTP authorization', KEYS.enter);
        await s.answer('Add a tool?', KEYS.enter);
        await s.answer('Add a resource?', KEYS.enter);
        await s.answer('Add a prompt?', KEYS.enter);
        await s.waitFor('About to create');
        const summary = await s.waitFor('Create the project?');
        // --no-install: nothing to install with, so no package-manager question.
        expect(summary).not.toContain('Package manager');
        expect(summary).toMatch(/Tools \(1\)\s+add \(examples\)/);
        expect(summary).toContain('typed-dir');
        // Nothing is on disk before the confirmation.
        expect(existsSync(join(cwd, 'typed-dir'))).toBe(false);
        s.send(KEYS.enter);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(0);
        expect(screen).toContain('Next steps');
        const project = join(cwd, 'typed-dir');
        expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))).toMatchObject({ name: 'typed-dir' });
        expect(existsSync(join(project, 'src/tools/add.ts'))).toBe(true);
        expect(readFileSync(join(project, 'mcp-server.yaml'), 'utf8')).toContain('name: typed-dir');
        expect(existsSync(join(project, 'node_modules'))).toBe(false);
        expect(existsSync(join(project, '.git'))).toBe(false);

        // The command it prints makes the same project again, as printed, from the same place.
        const printed = /To make the same project again without questions:\s+(npx create-mcp-server [^\r\n]+)/.exec(
            screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''),
        );
        expect(printed, screen).not.toBeNull();
        const words = printed![1]!.trim().split(' ');
        expect(words.slice(0, 2)).toEqual(['npx', 'create-mcp-server']);
        const before = filesUnder(project);
        execFileSync(process.execPath, [BIN, ...words.slice(2)], { cwd, env: { ...process.env, CI: '1' }, stdio: 'pipe' });
        expect(filesUnder(project)).toEqual(before);
    });

    it('a person adds a tool with two typed parameters, correcting a bad name on the way', async () => {
        const cwd = mkdtempSync(join(root, 'tool-'));
        const s = start(['shop', '--no-install', '--no-git', '--pm', 'npm'], cwd);
        await s.answer('Package name', KEYS.enter);
        await s.answer('Description', `Product lookups${KEYS.enter}`);
        // stdio only: the second choice.
        await s.answer('Transports', KEYS.down);
        await new Promise((r) => setTimeout(r, 100));
        s.send(KEYS.enter);
        await s.answer('External systems', KEYS.enter);
        await s.answer('Add a tool?', `y${KEYS.enter}`);
        await s.answer('Tool name', `lookup sku${KEYS.enter}`);
        // Refused in the spec validator's words, and asked again.
        await s.waitFor('invalid name "lookup sku"; expected 1-128 characters of A-Z a-z 0-9 _ - .');
        await new Promise((r) => setTimeout(r, 50));
        s.send(`${KEYS.ctrlU}lookup_sku${KEYS.enter}`);
        await s.answer('Title', KEYS.enter);
        await s.answer('What does it do?', `Find a product by SKU${KEYS.enter}`);
        await s.answer('Add a parameter to lookup_sku?', `y${KEYS.enter}`);
        await s.answer('Parameter name', `sku${KEYS.enter}`);
        await s.answer('Type of sku', KEYS.enter); // string, the first
        await s.answer('Description of sku', `The SKU, e.g. AB-123${KEYS.enter}`);
        await s.answer('Is sku required?', KEYS.enter);
        await s.answer('Add another parameter to lookup_sku?', `y${KEYS.enter}`);
        await s.answer('Parameter name', `limit${KEYS.enter}`);
        await s.answer('Type of limit', KEYS.down + KEYS.down); // integer, the third
        await new Promise((r) => setTimeout(r, 100));
        s.send(KEYS.enter);
        await s.answer('Description of limit', `Max rows${KEYS.enter}`);
        await s.answer('Is limit required?', `n${KEYS.enter}`);
        await s.answer('Default value of limit', `lots${KEYS.enter}`);
        await s.waitFor('expected integer, got "lots"');
        await new Promise((r) => setTimeout(r, 50));
        s.send(`${KEYS.ctrlU}20${KEYS.enter}`);
        await s.answer('Add another parameter to lookup_sku?', KEYS.enter);
        await s.answer('Hints for clients', KEYS.space); // read-only, the first
        await new Promise((r) => setTimeout(r, 100));
        s.send(KEYS.enter);
        await s.answer('Does it have an interactive view?', KEYS.enter); // no, the default
        await s.answer('Add another tool?', KEYS.enter);
        await s.answer('Add a resource?', KEYS.enter);
        await s.answer('Add a prompt?', KEYS.enter);
        const summary = await s.waitFor('Create the project?');
        expect(summary).toMatch(/Tools \(1\)\s+lookup_sku/);
        expect(summary).toMatch(/Transports\s+stdio\n/);
        s.send(KEYS.enter);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(0);

        const project = join(cwd, 'shop');
        const tool = readFileSync(join(project, 'src/tools/lookup_sku.ts'), 'utf8');
        expect(tool).toContain('sku');
        expect(tool).toContain('The SKU, e.g. AB-123');
        expect(tool).toContain('limit');
        expect(tool).toContain('Max rows');
        expect(tool).toMatch(/default\(20\)/);
        const yaml = readFileSync(join(project, 'mcp-server.yaml'), 'utf8');
        expect(yaml).toContain('readOnlyHint: true');
        expect(yaml).toMatch(/limit:\n\s+type: integer\n\s+description: Max rows\n\s+default: 20/);
        expect(existsSync(join(project, 'src/tools/add.ts'))).toBe(false);
        expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).scripts).toBeDefined();
    });

    it('the typed parameters reach tools/list of the built server', async () => {
        const cwd = mkdtempSync(join(root, 'build-'));
        const s = start(['shop', '--no-install', '--no-git', '--pm', 'npm', '--name', 'shop', '--description', 'Shop', '--transport', 'stdio'], cwd);
        await s.answer('External systems', KEYS.enter);
        await s.answer('Add a tool?', `y${KEYS.enter}`);
        await s.answer('Tool name', `lookup_sku${KEYS.enter}`);
        await s.answer('Title', KEYS.enter);
        await s.answer('What does it do?', `Find a product by SKU${KEYS.enter}`);
        await s.answer('Add a parameter to lookup_sku?', `y${KEYS.enter}`);
        await s.answer('Parameter name', `sku${KEYS.enter}`);
        await s.answer('Type of sku', KEYS.enter);
        await s.answer('Description of sku', `The SKU${KEYS.enter}`);
        await s.answer('Is sku required?', KEYS.enter);
        await s.answer('Add another parameter to lookup_sku?', `y${KEYS.enter}`);
        await s.answer('Parameter name', `limit${KEYS.enter}`);
        await s.answer('Type of limit', KEYS.down + KEYS.down);
        await new Promise((r) => setTimeout(r, 100));
        s.send(KEYS.enter);
        await s.answer('Description of limit', `Max rows${KEYS.enter}`);
        await s.answer('Is limit required?', `n${KEYS.enter}`);
        await s.answer('Default value of limit', `20${KEYS.enter}`);
        await s.answer('Add another parameter to lookup_sku?', KEYS.enter);
        await s.answer('Hints for clients', KEYS.enter);
        await s.answer('Does it have an interactive view?', KEYS.enter);
        await s.answer('Add another tool?', KEYS.enter);
        await s.answer('Add a resource?', KEYS.enter);
        await s.answer('Add a prompt?', KEYS.enter);
        await s.answer('Create the project?', KEYS.enter);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(0);

        const project = join(cwd, 'shop');
        // Installed for real (the wizard ran with --no-install to keep the terminal part quick).
        execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, stdio: 'pipe' });
        execFileSync('npm', ['run', 'build'], { cwd: project, stdio: 'pipe' });
        const { Client } = await import('@modelcontextprotocol/client');
        const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
        const client = new Client({ name: 'pty-test', version: '0.0.0' });
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [join(project, 'dist/index.js')], cwd: project, stderr: 'pipe' }));
        try {
            const { tools } = await client.listTools();
            const tool = tools.find((t) => t.name === 'lookup_sku');
            expect(tool?.description).toBe('Find a product by SKU');
            expect(tool?.inputSchema.properties).toMatchObject({
                sku: { type: 'string', description: 'The SKU' },
                limit: { type: 'integer', description: 'Max rows', default: 20 },
            });
            expect(tool?.inputSchema.required).toEqual(['sku']);
        } finally {
            await client.close();
        }
    }, 120_000);

    it('Ctrl-C at a question: exit 130, "Operation cancelled", nothing on disk', async () => {
        const cwd = mkdtempSync(join(root, 'ctrlc-'));
        const s = start(['--no-install', '--no-git'], cwd);
        await s.answer('Project directory', `cancelled-dir${KEYS.enter}`);
        await s.answer('Package name', KEYS.ctrlC);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(130);
        expect(screen).toContain('Operation cancelled');
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('Ctrl-C deep inside the tool loop: exit 130, the target directory does not exist', async () => {
        const cwd = mkdtempSync(join(root, 'ctrlc2-'));
        const s = start(['deep', '--no-install', '--no-git'], cwd);
        await s.answer('Package name', KEYS.enter);
        await s.answer('Description', KEYS.enter);
        await s.answer('Transports', KEYS.enter);
        await s.answer('External systems', KEYS.enter);
        await s.answer('HTTP authorization', KEYS.enter);
        await s.answer('Add a tool?', `y${KEYS.enter}`);
        await s.answer('Tool name', `half_typed`);
        await new Promise((r) => setTimeout(r, 100));
        s.send(KEYS.ctrlC);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(130);
        expect(screen).toContain('Operation cancelled');
        expect(existsSync(join(cwd, 'deep'))).toBe(false);
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('a non-empty directory is asked about; "write into it" keeps the other files', async () => {
        const cwd = mkdtempSync(join(root, 'full-'));
        mkdirSync(join(cwd, 'existing'));
        writeFileSync(join(cwd, 'existing', 'notes.txt'), 'keep me');
        const s = start(['existing', '--no-install', '--no-git', '--name', 'existing', '--description', 'x', '--pm', 'npm'], cwd);
        await s.answer('"existing" is not empty (notes.txt)', KEYS.down);
        await new Promise((r) => setTimeout(r, 100));
        s.send(KEYS.enter);
        await s.answer('Transports', KEYS.enter);
        await s.answer('External systems', KEYS.enter);
        await s.answer('HTTP authorization', KEYS.enter);
        await s.answer('Add a tool?', KEYS.enter);
        await s.answer('Add a resource?', KEYS.enter);
        await s.answer('Add a prompt?', KEYS.enter);
        await s.answer('Create the project?', KEYS.enter);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(0);
        expect(readFileSync(join(cwd, 'existing', 'notes.txt'), 'utf8')).toBe('keep me');
        expect(existsSync(join(cwd, 'existing', 'package.json'))).toBe(true);
    });

    it("`add tool` without a name asks for the tool with the wizard's questions, the view included", async () => {
        const cwd = mkdtempSync(join(root, 'add-'));
        execFileSync(process.execPath, [BIN, 'p', '--yes', '--no-install', '--no-git', '--tool', 'first'], { cwd, env: { ...process.env, CI: 'true' } });
        const project = join(cwd, 'p');
        const s = start(['add', 'tool'], project);
        await s.answer('Tool name', `first${KEYS.enter}`);
        await s.answer('already defined', `${KEYS.ctrlU}lookup${KEYS.enter}`);
        await s.answer('Title', KEYS.enter);
        await s.answer('What does it do?', `Look things up${KEYS.enter}`);
        await s.answer('Add a parameter to lookup?', `y${KEYS.enter}`);
        await s.answer('Parameter name', `key${KEYS.enter}`);
        await s.answer('Type of key', KEYS.enter);
        await s.answer('Description of key', KEYS.enter);
        await s.answer('Is key required?', KEYS.enter);
        await s.answer('Add another parameter to lookup?', KEYS.enter);
        await s.answer('Hints for clients', KEYS.enter);
        await s.answer('Does it have an interactive view?', `y${KEYS.enter}`);
        const { code, screen } = await s.exited;
        expect(code, screen).toBe(0);
        expect(readFileSync(join(project, 'src/tools/lookup.ts'), 'utf8')).toContain('key: z.string(),');
        expect(readFileSync(join(project, 'mcp-server.yaml'), 'utf8')).toContain('description: Look things up\n    ui: true');
        expect(existsSync(join(project, 'ui/lookup/view.ts'))).toBe(true);
    });
});
