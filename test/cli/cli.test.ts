/**
 * The built binary, spawned: flags, exit codes, what lands on disk. No install here (the
 * end-to-end suite installs); a failing install is simulated with an offline, empty npm cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES, run, tempDir } from './run.js';

const noSteps = ['--no-install', '--no-git'];
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('create-mcp-server', () => {
    it('prints its version and help', async () => {
        const cwd = tempDir();
        expect((await run(['--version'], { cwd })).stdout.trim()).toBe(version);
        const help = await run(['--help'], { cwd });
        expect(help.code).toBe(0);
        for (const flag of [
            '--name',
            '--description',
            '--transport',
            '--tool',
            '--resource',
            '--prompt',
            '--with',
            '--spec',
            '--pm',
            '--no-install',
            '--no-git',
            '--yes',
            '--force',
            '--dry-run',
            '--json',
        ]) {
            expect(help.stdout).toContain(flag);
        }
    });

    it('generates a project with --yes, without prompting or running anything', async () => {
        const cwd = tempDir();
        const result = await run(['demo', '--yes', ...noSteps], { cwd });
        expect(result.code, result.stderr).toBe(0);
        expect(readdirSync(join(cwd, 'demo')).sort()).toEqual([
            '.create-mcp-server',
            '.cursor',
            '.dockerignore',
            '.env.example',
            '.github',
            '.gitignore',
            '.vscode',
            'AGENTS.md',
            'Dockerfile',
            'README.md',
            'biome.json',
            'conformance',
            'mcp-server.yaml',
            'package.json',
            'scripts',
            'server.json',
            'src',
            'test',
            'tsconfig.json',
        ]);
        expect(result.stdout).toContain('Next steps');
        expect(existsSync(join(cwd, 'demo', 'node_modules'))).toBe(false);
        expect(existsSync(join(cwd, 'demo', '.git'))).toBe(false);
        // No staging folder is left beside the project.
        expect(readdirSync(cwd)).toEqual(['demo']);
    });

    it.each([
        ['default', []],
        ['orders', ['--spec', join(FIXTURES, 'orders.yaml')]],
    ])('writes exactly the snapshot of the %s project (precompiled templates render as the sources do)', async (name, args) => {
        const cwd = tempDir();
        expect((await run([name, '--yes', ...noSteps, ...args], { cwd })).code).toBe(0);
        const snapshot = readFileSync(new URL(`../snapshots/__snapshots__/${name}.txt`, import.meta.url), 'utf8');
        const files = readdirSync(join(cwd, name), { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => relative(join(cwd, name), join(e.parentPath, e.name)))
            // The record of what was generated (for `update`) holds these same files; test/cli/update.test.ts covers it.
            .filter((f) => f !== join('.create-mcp-server', 'generated.json'))
            .sort();
        const written = files.map((f) => `=== ${f}\n${readFileSync(join(cwd, name, f), 'utf8')}`).join('\n');
        expect(written).toBe(snapshot);
    });

    it('builds system options from the spec into the generated code', async () => {
        const cwd = tempDir();
        writeFileSync(join(cwd, 'db.yaml'), 'systems:\n  - { type: postgres, maxRows: 500, statementTimeoutMs: 2000 }\n');
        expect((await run(['db', '--yes', ...noSteps, '--spec', 'db.yaml'], { cwd })).code).toBe(0);
        const code = readFileSync(join(cwd, 'db', 'src/systems/postgres.ts'), 'utf8');
        expect(code).toContain("limitsFromEnv('PG', { maxRows: 500, maxResultBytes: 1_000_000, statementTimeoutMs: 2_000 })");
    });

    it('never waits for input without a TTY, even without --yes or CI', async () => {
        const cwd = tempDir();
        const result = await run(['quiet', ...noSteps], { cwd, env: { CI: undefined }, timeoutMs: 20_000 });
        expect(result.code, result.stderr).toBe(0);
        expect(existsSync(join(cwd, 'quiet', 'src', 'server.ts'))).toBe(true);
    });

    it('defaults the directory to my-mcp-server and "." to the current directory', async () => {
        const cwd = tempDir();
        expect((await run([...noSteps], { cwd })).code).toBe(0);
        expect(existsSync(join(cwd, 'my-mcp-server', 'package.json'))).toBe(true);
        const here = join(cwd, 'Here Server');
        mkdirSync(here);
        expect((await run(['.', ...noSteps], { cwd: here })).code).toBe(0);
        expect(JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).name).toBe('here-server');
    });

    it('writes nothing on --dry-run and lists the files', async () => {
        const cwd = tempDir();
        const result = await run(['dry', '--dry-run', '--spec', join(FIXTURES, 'orders.yaml')], { cwd });
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('src/tools/search_orders.ts');
        expect(result.stdout).toContain('Nothing was written.');
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('prints one JSON object with --json', async () => {
        const cwd = tempDir();
        const result = await run(['j', '--json', '--yes', ...noSteps], { cwd });
        expect(result.code).toBe(0);
        const out = JSON.parse(result.stdout) as Record<string, unknown>;
        expect(out).toMatchObject({ directory: join(cwd, 'j'), dryRun: false, install: { status: 'skipped' }, git: { status: 'skipped' } });
        expect(out.files).toContain('src/server.ts');
        expect(out.nextSteps).toContain('npm install');
    });

    it('refuses a non-empty directory without --force, and with it replaces only planned files', async () => {
        const cwd = tempDir();
        const dir = join(cwd, 'taken');
        mkdirSync(dir);
        writeFileSync(join(dir, 'notes.txt'), 'mine');
        writeFileSync(join(dir, 'README.md'), 'old readme');
        const refused = await run(['taken', '--yes', ...noSteps], { cwd });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/^directory: "taken" is not empty \(.*\); .*--force/);
        expect(readdirSync(dir).sort()).toEqual(['README.md', 'notes.txt']);
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('old readme');

        const forced = await run(['taken', '--yes', '--force', ...noSteps], { cwd });
        expect(forced.code, forced.stderr).toBe(0);
        expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('# taken');
        expect(forced.stdout).toContain('Replaced 1 existing files');
    });

    it.each([
        [['--spec', 'missing.yaml'], /^--spec: cannot read missing\.yaml: no such file$/m],
        [
            ['--spec', join(FIXTURES, 'bad-type.yaml')],
            /bad-type\.yaml: tools\[1\]\.input\.when\.type: unknown type "datetimez"; expected string, number, integer, boolean or array$/m,
        ],
        [['--transport', 'ws'], /^--transport: unknown transport "ws"; expected stdio, http or stdio,http$/m],
        [['--name', 'Not Valid'], /^--name: invalid package name "Not Valid": must be lower case$/m],
        [['--pm', 'pip'], /--pm.*pip/],
        [['--unknown-flag'], /unknown option '--unknown-flag'/],
    ])('exits 1 with one clear line and nothing on disk for %j', async (args, message) => {
        const cwd = tempDir();
        const result = await run(['out', '--yes', ...noSteps, ...args], { cwd });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
        expect(readdirSync(cwd)).toEqual([]);
    });

    it.each([
        [
            'a file',
            (cwd: string) => {
                writeFileSync(join(cwd, 'afile'), '');
                return join(cwd, 'afile');
            },
            /^directory: .*afile exists and is not a directory$/m,
        ],
        [
            "inside the tool's templates",
            () => fileURLToPath(new URL('../../templates/base/x', import.meta.url)),
            /^directory: .* is inside create-mcp-server's own templates; choose another directory$/m,
        ],
        ['on a read-only file system', () => '/sys/new-project', /^directory: cannot write to \/sys\/new-project: (permission denied|read-only file system)$/m],
        ['where nothing can be created', () => '/proc/new-project', /^directory: cannot write to \/proc\/new-project: /m],
        [
            'under a file',
            (cwd: string) => {
                writeFileSync(join(cwd, 'plain'), '');
                return join(cwd, 'plain', 'project');
            },
            /^directory: cannot write to .*plain\/project: a parent is not a directory$/m,
        ],
    ])('refuses a target %s with one line and exit 1', async (_label, target, message) => {
        const cwd = tempDir();
        const result = await run([target(cwd), '--yes', ...noSteps], { cwd });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/Unexpected error|\n\s+at /);
    });

    it('refuses a package manager that is not installed before writing anything', async () => {
        const cwd = tempDir();
        // An empty PATH (but for node itself) leaves no package manager to run.
        const result = await run(['out', '--yes', '--no-git', '--pm', 'pnpm'], { cwd, env: { PATH: '/nonexistent' } });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^--pm: pnpm is not installed or cannot run/m);
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('keeps the project and exits 3 with the finishing command when the install fails', async () => {
        const cwd = tempDir();
        const cache = tempDir('cms-empty-cache-');
        // Offline with an empty cache: npm fails at once, as with an unreachable registry.
        const result = await run(['kept', '--yes', '--no-git'], {
            cwd,
            env: { npm_config_offline: 'true', npm_config_cache: cache },
            timeoutMs: 120_000,
        });
        expect(result.code).toBe(3);
        expect(result.stdout).toContain('cd kept && npm install');
        expect(existsSync(join(cwd, 'kept', 'src', 'server.ts'))).toBe(true);
    }, 130_000);

    it('initializes git with a first commit', async () => {
        const cwd = tempDir();
        const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
        const result = await run(['g', '--yes', '--no-install'], { cwd, env: identity });
        expect(result.code, result.stderr).toBe(0);
        const log = execFileSync('git', ['log', '--format=%s'], { cwd: join(cwd, 'g'), encoding: 'utf8' });
        expect(log.trim()).toBe('Initial commit from create-mcp-server');
        const tracked = execFileSync('git', ['ls-files'], { cwd: join(cwd, 'g'), encoding: 'utf8' });
        expect(tracked).toContain('src/server.ts');
    });
});
