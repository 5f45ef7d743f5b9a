/**
 * Team templates from a real git repository (git+file://) and `update`: a template v1 makes a project,
 * the project is edited and committed, the template moves on, and `update` merges three ways.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, run, tempDir } from './run.js';
import { GIT_ENV, git, read, templateRepo, treeHash, writeFiles } from './update-helpers.js';

const noInstall = ['--yes', '--no-install'];
const env = GIT_ENV;

const CONFIG_V1 = 'export const config = {\n    retries: 3,\n    timeoutMs: 1000,\n};\n';
const LOGGING_V1 = [
    '// Acme logging convention',
    'export function log(message: string): void {',
    '    process.stderr.write(`${message}\\n`);',
    '}',
    '',
    'export function warn(message: string): void {',
    '    log(`warning: ${message}`);',
    '}',
    '',
].join('\n');

function recorded(dir: string): { source: string; resolved?: string } {
    return (parse(read(dir, 'mcp-server.yaml')) as { template: { source: string; resolved?: string } }).template;
}

/** The lines naming each file, as `update` prints them. */
function actions(stdout: string): Record<string, string> {
    return Object.fromEntries([...stdout.matchAll(/^ {2}(added|updated|merged|removed|conflict|kept) +(\S+)/gm)].map((m) => [m[2]!, m[1]!]));
}

describe('update from a git template', () => {
    it('keeps edits, applies template changes, adds, removes, marks conflicts; dry run and a dirty tree change nothing', async () => {
        const repo = templateRepo();
        const v1 = repo.commit({
            'README.md.hbs': '# {{name}}\n\nAcme MCP server.\n\n## Operations\n\nRun it with npm start.\n',
            'src/acme/logging.ts': LOGGING_V1,
            'src/acme/config.ts': CONFIG_V1,
            'src/acme/old.ts': 'export const old = true;\n',
            'src/acme/legacy.ts': 'export const legacy = 1;\n',
        });
        const cwd = tempDir();
        const tmp = tempDir('cms-tmp-');
        const created = await run(['svc', ...noInstall, '--template', repo.url], { cwd, env: { ...env, TMPDIR: tmp } });
        expect(created.code, created.stderr).toBe(0);
        // The template was fetched into a temporary folder, removed afterwards.
        expect(readdirSync(tmp)).toEqual([]);
        const dir = join(cwd, 'svc');
        // The default branch (trunk here) at its full commit, recorded before the first commit.
        expect(recorded(dir)).toEqual({ source: repo.url, resolved: v1 });
        expect(git(dir, 'status', '--porcelain')).toBe('');
        expect(read(dir, 'src/acme/config.ts')).toBe(CONFIG_V1);
        // Nothing of the template's repository reaches the project.
        expect(readdirSync(dir, { recursive: true }).filter((p) => String(p).endsWith('.git') || String(p).includes('repo.git'))).toEqual(['.git']);

        // The team edits the server and commits.
        writeFiles(dir, {
            'src/acme/logging.ts': LOGGING_V1.replace('// Acme logging convention', '// Acme logging convention (svc: keep messages short)'),
            'src/acme/config.ts': CONFIG_V1.replace('retries: 3', 'retries: 5'),
            'src/acme/legacy.ts': 'export const legacy = 2; // still used by svc\n',
        });
        git(dir, 'commit', '-q', '-am', 'svc tuning');

        // v2: changes logging elsewhere, the same config line, drops two files, adds one, rewrites the README.
        const v2 = repo.commit({
            'README.md.hbs': '# {{name}}\n\nAcme MCP server.\n\n## Operations\n\nRun it with npm start; logs go to stderr.\n',
            'src/acme/logging.ts': `${LOGGING_V1}export function error(message: string): void {\n    log(\`error: \${message}\`);\n}\n`,
            'src/acme/config.ts': CONFIG_V1.replace('retries: 3', 'retries: 4'),
            'src/acme/old.ts': null,
            'src/acme/legacy.ts': null,
            'src/acme/auth.ts': 'export const auth = "jwt";\n',
        });

        // A dirty tree is refused: exit 1, one line, nothing written.
        const committed = treeHash(dir);
        writeFileSync(join(dir, 'AGENTS.md'), `${read(dir, 'AGENTS.md')}\nlocal note\n`);
        const dirty = treeHash(dir);
        const refused = await run(['update'], { cwd: dir, env });
        expect(refused.code).toBe(1);
        expect(refused.stderr.trim().split('\n')).toHaveLength(1);
        expect(refused.stderr).toMatch(/uncommitted changes to tracked files \(AGENTS\.md\).*--force/);
        expect(treeHash(dir)).toBe(dirty);
        git(dir, 'checkout', '--', 'AGENTS.md');

        // The dry run names every file and writes nothing.
        const dry = await run(['update', '--dry-run'], { cwd: dir, env });
        expect(dry.code, dry.stderr).toBe(4);
        const expected = {
            'README.md': 'updated',
            'mcp-server.yaml': 'updated',
            'src/acme/auth.ts': 'added',
            'src/acme/config.ts': 'conflict',
            'src/acme/legacy.ts': 'kept',
            'src/acme/logging.ts': 'merged',
            'src/acme/old.ts': 'removed',
        };
        expect(actions(dry.stdout)).toEqual(expected);
        expect(dry.stdout).toContain('Nothing was written.');
        expect(treeHash(dir)).toBe(committed);

        const updated = await run(['update'], { cwd: dir, env });
        expect(updated.code, updated.stderr).toBe(4);
        expect(actions(updated.stdout)).toEqual(expected);
        expect(updated.stdout + updated.stderr).toMatch(/Conflicts in src\/acme\/config\.ts/);
        // Kept and applied in one file.
        const logging = read(dir, 'src/acme/logging.ts');
        expect(logging).toContain('(svc: keep messages short)');
        expect(logging).toContain('export function error(');
        // The same line changed on both sides: git-style markers.
        expect(read(dir, 'src/acme/config.ts')).toBe(
            `export const config = {\n<<<<<<< project\n    retries: 5,\n=======\n    retries: 4,\n>>>>>>> template ${v2.slice(0, 12)}\n    timeoutMs: 1000,\n};\n`,
        );
        expect(read(dir, 'src/acme/auth.ts')).toBe('export const auth = "jwt";\n');
        expect(existsSync(join(dir, 'src/acme/old.ts'))).toBe(false);
        expect(read(dir, 'src/acme/legacy.ts')).toBe('export const legacy = 2; // still used by svc\n');
        expect(read(dir, 'README.md')).toContain('logs go to stderr');
        expect(recorded(dir)).toEqual({ source: repo.url, resolved: v2 });

        // Resolved and committed, the project is up to date: a second update changes nothing.
        writeFileSync(join(dir, 'src/acme/config.ts'), CONFIG_V1.replace('retries: 3', 'retries: 5'));
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'update to the v2 template');
        const resolvedTree = treeHash(dir);
        const again = await run(['update'], { cwd: dir, env });
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toMatch(/Up to date/);
        expect(treeHash(dir)).toBe(resolvedTree);

        // v3 touches only lines nobody edited: a clean merge, exit 0.
        repo.commit({ 'src/acme/config.ts': `${CONFIG_V1.replace('retries: 3', 'retries: 4')}\nexport const region = 'eu';\n` });
        const clean = await run(['update'], { cwd: dir, env });
        expect(clean.code, clean.stderr).toBe(0);
        expect(actions(clean.stdout)).toEqual({ 'mcp-server.yaml': 'updated', 'src/acme/config.ts': 'merged' });
        expect(read(dir, 'src/acme/config.ts')).toBe(`${CONFIG_V1.replace('retries: 3', 'retries: 5')}\nexport const region = 'eu';\n`);
    });

    it('re-runs from mcp-server.yaml and adds items at the recorded revision; takes branches, tags and commits as refs', async () => {
        const repo = templateRepo();
        const v1 = repo.commit({ 'partials/file-header.hbs': '// Acme template v1\n' });
        repo.tag('v1.0.0');
        const v2 = repo.commit({ 'partials/file-header.hbs': '// Acme template v2\n' });
        repo.tag('light', false);
        const next = repo.commit({ 'partials/file-header.hbs': '// Acme template next\n' }, 'next');
        const cwd = tempDir();
        const header = (dir: string) => read(dir, 'src/server.ts').split('\n')[0];

        expect((await run(['tagged', ...noInstall, '--no-git', '--template', `${repo.url}#v1.0.0`], { cwd, env })).code).toBe(0);
        // An annotated tag is recorded as the commit it points to.
        expect(recorded(join(cwd, 'tagged'))).toEqual({ source: `${repo.url}#v1.0.0`, resolved: v1 });
        expect(header(join(cwd, 'tagged'))).toBe('// Acme template v1');
        for (const [ref, sha, text] of [
            ['light', v2, 'v2'],
            ['next', next, 'next'],
            [v1.slice(0, 10), v1, 'v1'],
            [v2, v2, 'v2'],
        ] as const) {
            const result = await run([`p-${text}-${ref.length}`, ...noInstall, '--no-git', '--template', `${repo.url}#${ref}`], { cwd, env });
            expect(result.code, result.stderr).toBe(0);
            expect(recorded(join(cwd, `p-${text}-${ref.length}`)).resolved).toBe(sha);
            expect(header(join(cwd, `p-${text}-${ref.length}`))).toBe(`// Acme template ${text}`);
        }

        // The default branch (from the environment variable) made `latest` at v2; it moves on, and a re-run from the spec still builds v2.
        expect((await run(['latest', ...noInstall, '--no-git'], { cwd, env: { ...env, CREATE_MCP_SERVER_TEMPLATE: repo.url } })).code).toBe(0);
        expect(recorded(join(cwd, 'latest'))).toEqual({ source: repo.url, resolved: v2 });
        repo.commit({ 'partials/file-header.hbs': '// Acme template v3\n' });
        const rerun = await run(['again', ...noInstall, '--no-git', '--spec', join(cwd, 'latest', 'mcp-server.yaml')], { cwd, env });
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(header(join(cwd, 'again'))).toBe('// Acme template v2');
        expect(readFileSync(join(cwd, 'again', 'mcp-server.yaml'), 'utf8')).toBe(readFileSync(join(cwd, 'latest', 'mcp-server.yaml'), 'utf8'));

        // add renders with the recorded template (v2), not the newest.
        const added = await run(['add', 'tool', 'lookup'], { cwd: join(cwd, 'latest'), env });
        expect(added.code, added.stderr).toBe(0);
        expect(read(join(cwd, 'latest'), 'src/tools/lookup.ts').split('\n')[0]).toBe('// Acme template v2');
        // update moves to the branch head, and the record of what was generated follows add.
        const updated = await run(['update'], { cwd: join(cwd, 'latest'), env });
        expect(updated.code, updated.stderr).toBe(0);
        expect(read(join(cwd, 'latest'), 'src/tools/lookup.ts').split('\n')[0]).toBe('// Acme template v3');
        expect(actions(updated.stdout)['src/tools/lookup.ts']).toBe('updated');
    });

    it('recovers the base of a project without a record from the recorded revision', async () => {
        const repo = templateRepo();
        repo.commit({ 'src/acme/a.ts': 'export const a = 1;\n', 'src/acme/b.ts': 'export const b = 1;\n' });
        const cwd = tempDir();
        expect((await run(['svc', ...noInstall, '--template', repo.url], { cwd, env })).code).toBe(0);
        const dir = join(cwd, 'svc');
        writeFiles(dir, { '.create-mcp-server/generated.json': null, 'src/acme/b.ts': 'export const b = 2; // ours\n' });
        git(dir, 'commit', '-q', '-am', 'as a project from before the record, edited');
        repo.commit({ 'src/acme/a.ts': 'export const a = 2;\n', 'src/acme/b.ts': 'export const b = 3;\n' });
        const result = await run(['update'], { cwd: dir, env });
        expect(result.code, result.stderr).toBe(4);
        // a.ts is as the recorded revision made it, so the change applies; b.ts was edited, so it conflicts.
        expect(actions(result.stdout)).toEqual({ 'mcp-server.yaml': 'updated', 'src/acme/a.ts': 'updated', 'src/acme/b.ts': 'conflict' });
        expect(read(dir, 'src/acme/a.ts')).toBe('export const a = 2;\n');
    });

    it.each([
        ['git+file:///nonexistent/team.git', /cannot read the repository: '\/nonexistent\/team.git' does not appear to be a git repository$/m],
        ['#no-such-ref', /no branch or tag "no-such-ref"/],
        ['#0123456789abcdef0123456789abcdef01234567', /no branch, tag or commit "0123456789abcdef0123456789abcdef01234567"/],
        ['github:acme', /expected github:owner\/repo/],
        ['./missing-folder', /no such directory/],
        ['./missing.tgz', /no such file/],
        ['ftp://example.com/t', /unknown kind of source/],
    ])('refuses the source %s in one line naming it, writing nothing', async (source, reason) => {
        const repo = templateRepo();
        repo.commit({ 'README.md.hbs': '# {{name}}\n' });
        const given = source.startsWith('#') ? `${repo.url}${source}` : source;
        const cwd = tempDir();
        const tmp = tempDir('cms-tmp-');
        const result = await run(['x', ...noInstall, '--template', given], { cwd, env: { ...env, TMPDIR: tmp } });
        expect(result.code).toBe(1);
        // The temporary folder the template was fetched into is gone too.
        expect(readdirSync(tmp)).toEqual([]);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain(`--template ${given}: `);
        expect(result.stderr).toMatch(reason);
        expect(readdirSync(cwd)).toEqual([]);
    });
});

describe('an interruption while a template is fetched', () => {
    it('removes the temporary folder and exits 130', async () => {
        // An ssh "server" that says it started, then never answers: the fetch waits until the Ctrl-C.
        const dir = tempDir('cms-hang-');
        const started = join(dir, 'started');
        writeFileSync(join(dir, 'ssh.sh'), `touch '${started}'\nexec sleep 300\n`);
        const tmp = tempDir('cms-tmp-');
        const cwd = tempDir();
        const child = spawn(process.execPath, [BIN, 'x', ...noInstall, '--template', 'git+ssh://git@example.invalid/team.git'], {
            cwd,
            env: { ...process.env, ...env, TMPDIR: tmp, GIT_SSH_COMMAND: `sh ${join(dir, 'ssh.sh')}` },
            stdio: 'ignore',
            // Its own process group, so the signal reaches git and the ssh command too, as a terminal's Ctrl-C does.
            detached: true,
        });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        while (!existsSync(started)) await new Promise((r) => setTimeout(r, 50));
        expect(readdirSync(tmp).filter((f) => f.startsWith('create-mcp-server-template-'))).toHaveLength(1);
        process.kill(-child.pid!, 'SIGINT');
        expect(await exited).toBe(130);
        expect(readdirSync(tmp)).toEqual([]);
        expect(readdirSync(cwd)).toEqual([]);
    });
});

describe('update of the built-in templates', () => {
    it('brings a project made by an older version up to date, keeping edits', async () => {
        const cwd = tempDir();
        expect((await run(['old', ...noInstall], { cwd, env })).code).toBe(0);
        const dir = join(cwd, 'old');
        // What an older version generated: a different AGENTS.md and a file this version no longer makes.
        const snapshotPath = join(dir, '.create-mcp-server/generated.json');
        const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as { files: Record<string, string> };
        snapshot.files['AGENTS.md'] = 'old agents guide\n';
        snapshot.files['src/legacy-helper.ts'] = 'export {};\n';
        writeFileSync(snapshotPath, JSON.stringify(snapshot, null, 2));
        const current = read(dir, 'AGENTS.md');
        writeFiles(dir, { 'AGENTS.md': 'old agents guide\n', 'src/legacy-helper.ts': 'export {};\n' });
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'as an older version left it');
        // An edit not committed yet: refused without --force, kept with it.
        writeFiles(dir, { 'src/server.ts': `${read(dir, 'src/server.ts')}// edited by the team\n` });
        expect((await run(['update'], { cwd: dir, env })).code).toBe(1);

        const result = await run(['update', '--force'], { cwd: dir, env });
        expect(result.code, result.stderr).toBe(0);
        expect(actions(result.stdout)).toEqual({ 'AGENTS.md': 'updated', 'src/legacy-helper.ts': 'removed' });
        expect(result.stdout).toContain('from the built-in templates');
        expect(read(dir, 'AGENTS.md')).toBe(current);
        expect(read(dir, 'src/server.ts')).toMatch(/\/\/ edited by the team\n$/);
        expect(existsSync(join(dir, 'src/legacy-helper.ts'))).toBe(false);
        // The record now holds this version's rendering.
        expect((JSON.parse(readFileSync(snapshotPath, 'utf8')) as { files: Record<string, string> }).files['AGENTS.md']).toBe(current);
    });

    it('records generated data over 128 KiB (an OpenAPI table) by digest, and keeps an edited one rather than merge it', async () => {
        const cwd = tempDir();
        const github = join(dirname(createRequire(import.meta.url).resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');
        expect((await run(['gh', '--openapi', github, ...noInstall, '--no-git'], { cwd, env })).code).toBe(0);
        const dir = join(cwd, 'gh');
        const snapshot = JSON.parse(readFileSync(join(dir, '.create-mcp-server/generated.json'), 'utf8')) as {
            files: Record<string, string>;
            digests: Record<string, string>;
        };
        // Data the integration writes (the document, the table, the list of tools) past 128 KiB; every template's file as text.
        expect(Object.keys(snapshot.digests).sort()).toEqual([
            'TOOLS.md',
            'openapi.json',
            'src/openapi/data/api.json',
            'src/openapi/data/operations.json',
            'src/openapi/data/outputs.json',
        ]);
        expect(snapshot.files['src/openapi/data/operations.json']).toBeUndefined();
        expect(snapshot.files['src/openapi/data/schemas.json']).toBeDefined();
        expect(snapshot.files['src/openapi/api.ts']).toBeDefined();
        expect(snapshot.files['test/server.test.ts']).toBeDefined();

        // Unedited, the large files are as generated: nothing to do.
        const same = await run(['update'], { cwd: dir, env });
        expect(same.code, same.stderr).toBe(0);
        expect(actions(same.stdout)).toEqual({});
        // Edited while the template makes it as before: kept, as any edit.
        const edited = read(dir, 'src/openapi/data/operations.json').replace('"meta_root"', '"meta_root_edited"');
        writeFiles(dir, { 'src/openapi/data/operations.json': edited });
        const kept = await run(['update'], { cwd: dir, env });
        expect(kept.code, kept.stderr).toBe(0);
        expect(read(dir, 'src/openapi/data/operations.json')).toBe(edited);
        // Edited while the template makes it anew (fewer operations): kept as it is and reported, not merged line by line.
        writeFiles(dir, { 'mcp-server.yaml': read(dir, 'mcp-server.yaml').replace('document: openapi.json', 'document: openapi.json\n    readOnly: true') });
        const result = await run(['update'], { cwd: dir, env });
        expect(result.code).toBe(4);
        expect(result.stdout).toMatch(/conflict\s+src\/openapi\/data\/operations\.json.*too large to merge/);
        expect(read(dir, 'src/openapi/data/operations.json')).toBe(edited);
    }, 120_000);

    it('updates a project that has no record of its last generation, treating differences as edits', async () => {
        const cwd = tempDir();
        expect((await run(['bare', ...noInstall, '--no-git'], { cwd, env })).code).toBe(0);
        const dir = join(cwd, 'bare');
        writeFiles(dir, { '.create-mcp-server/generated.json': null, 'README.md': 'my own readme\n' });
        const result = await run(['update'], { cwd: dir, env });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout + result.stderr).toMatch(/No record of the last generation/);
        expect(read(dir, 'README.md')).toBe('my own readme\n');
        expect(existsSync(join(dir, '.create-mcp-server/generated.json'))).toBe(true);
    });

    it('refuses outside a generated project', async () => {
        const result = await run(['update'], { cwd: tempDir(), env });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/no mcp-server\.yaml/);
    });
});
