/**
 * Team templates from servers, as teams publish them: a git repository behind `git daemon` (reached
 * as git:// and, through the user's `url.insteadOf`, as github:owner/repo) and packages in a real
 * Verdaccio registry (reached through npm's own configuration), plus a local .tgz. All on loopback.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run, tempDir } from '../cli/run.js';
import { GIT_ENV, git, read, writeFiles } from '../cli/update-helpers.js';
import { type Registry, type Service, packTarball, publish, startGitDaemon, startRegistry } from './template-services.js';

const args = ['--yes', '--no-install', '--no-git'];
const header = (dir: string) => read(dir, 'src/server.ts').split('\n')[0];
const recorded = (dir: string) => (parse(read(dir, 'mcp-server.yaml')) as { template: { source: string; resolved?: string } }).template;

describe('templates from git over git://', () => {
    let daemon: Service;
    let root: string;
    let work: string;
    let env: Record<string, string>;
    const shas: Record<string, string> = {};

    beforeAll(async () => {
        root = tempDir('cms-git-root-');
        const bare = join(root, 'acme', 'mcp-template.git');
        git(root, 'init', '-q', '--bare', '--initial-branch=release', bare);
        work = tempDir('cms-git-work-');
        git(work, 'init', '-q', '--initial-branch=release');
        for (const version of ['1', '2']) {
            // The repository root holds a README; the template itself lives in a subfolder, as in a monorepo of templates.
            writeFiles(work, {
                'README.md.hbs': 'The repository README is a template file here too.\n',
                'mcp/partials/file-header.hbs': `// Acme MCP template ${version}\n`,
            });
            git(work, 'add', '-A');
            git(work, 'commit', '-q', '-m', `template ${version}`);
            git(work, 'tag', '-a', '-m', `v${version}`, `v${version}`);
            shas[version] = git(work, 'rev-parse', 'HEAD');
        }
        git(work, 'push', '-q', bare, 'release', '--tags');
        daemon = await startGitDaemon(root);
        // The user's git configuration maps GitHub to the loopback daemon, as a company mirror would.
        const config = join(tempDir('cms-gitconfig-'), 'gitconfig');
        writeFileSync(config, `[url "${daemon.url}"]\n\tinsteadOf = https://github.com/\n`);
        env = { ...GIT_ENV, GIT_CONFIG_GLOBAL: config };
    });
    afterAll(async () => daemon?.stop());

    it('fetches the default branch, tags and commits, with the user configuration (url.insteadOf) applied', async () => {
        const cwd = tempDir();
        const cases: [string, string, string][] = [
            [`git+file://${join(root, 'acme', 'mcp-template.git')}#v1`, shas['1']!, 'README'],
            [`github:acme/mcp-template/mcp`, shas['2']!, '2'],
            [`github:acme/mcp-template/mcp#v1`, shas['1']!, '1'],
            [`github:acme/mcp-template/mcp#${shas['1']}`, shas['1']!, '1'],
        ];
        for (const [i, [source, sha, text]] of cases.entries()) {
            const result = await run([`p${i}`, ...args, '--template', source], { cwd, env, timeoutMs: 60_000 });
            expect(result.code, result.stderr).toBe(0);
            expect(recorded(join(cwd, `p${i}`))).toEqual({ source, resolved: sha });
            // A repository root is the template as a whole (its README included); a subfolder only that folder.
            if (text === 'README') expect(read(join(cwd, `p${i}`), 'README.md')).toBe('The repository README is a template file here too.\n');
            else expect(header(join(cwd, `p${i}`))).toBe(`// Acme MCP template ${text}`);
        }
    }, 120_000);

    it('refuses a missing repository or folder in one line', async () => {
        for (const source of ['github:acme/no-such-template', 'github:acme/mcp-template/nowhere#v2']) {
            const cwd = tempDir();
            const result = await run(['x', ...args, '--template', source], { cwd, env, timeoutMs: 60_000 });
            expect(result.code).toBe(1);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
            expect(result.stderr).toContain(`--template ${source}: `);
            expect(readdirSync(cwd)).toEqual([]);
        }
    }, 120_000);
});

describe('templates from an npm registry', () => {
    let registry: Registry;
    const template = (version: string) => ({
        'template/partials/file-header.hbs': `// Acme npm template ${version}\n`,
        'README.md': 'How to use this template\n',
    });

    beforeAll(async () => {
        registry = await startRegistry();
        for (const version of ['1.0.0', '1.2.0', '2.0.0']) await publish(registry, '@acme/mcp-template', version, template(version));
        // Published last, so `latest` points below the highest 1.x: a range still gets the highest match.
        await publish(registry, '@acme/mcp-template', '1.1.0', template('1.1.0'), 'old');
        // No template/ folder: the package root is the template, without package.json, README, LICENSE and CHANGELOG.
        await publish(registry, 'acme-root-template', '0.3.0', {
            'README.md': 'package readme\n',
            LICENSE: 'MIT\n',
            'CHANGELOG.md': '# changes\n',
            'partials/file-header.hbs': '// Acme root template\n',
        });
        await publish(registry, 'acme-empty-template', '1.0.0', { 'README.md': 'only a readme\n' });
    }, 300_000);
    afterAll(async () => registry?.stop());

    it('resolves ranges to the highest match, exact versions and latest, through npm configuration', async () => {
        const cwd = tempDir();
        const cases: [string, string][] = [
            ['npm:@acme/mcp-template@^1.0.0', '1.2.0'],
            ['npm:@acme/mcp-template@1.1.0', '1.1.0'],
            ['npm:@acme/mcp-template', '2.0.0'],
            ['npm:acme-root-template@~0.3', '0.3.0'],
        ];
        for (const [i, [source, version]] of cases.entries()) {
            const result = await run([`n${i}`, ...args, '--template', source], { cwd, env: registry.npmEnv, timeoutMs: 60_000 });
            expect(result.code, result.stderr).toBe(0);
            expect(recorded(join(cwd, `n${i}`))).toEqual({ source, resolved: version });
            expect(header(join(cwd, `n${i}`))).toBe(source.includes('root') ? '// Acme root template' : `// Acme npm template ${version}`);
            // The package's own README and LICENSE stay out of the project.
            expect(read(join(cwd, `n${i}`), 'README.md')).not.toMatch(/How to use this template|package readme/);
            expect(readdirSync(join(cwd, `n${i}`))).not.toContain('LICENSE');
        }
    }, 180_000);

    it('reads a scoped registry from the project .npmrc', async () => {
        const cwd = tempDir();
        // The default registry is unreachable; only the scope's entry leads to the packages.
        writeFileSync(join(cwd, '.npmrc'), `@acme:registry=${registry.url}\n`);
        const result = await run(['scoped', ...args, '--template', 'npm:@acme/mcp-template@^2'], {
            cwd,
            env: { ...registry.npmEnv, npm_config_registry: 'http://127.0.0.1:9/' },
            timeoutMs: 60_000,
        });
        expect(result.code, result.stderr).toBe(0);
        expect(recorded(join(cwd, 'scoped')).resolved).toBe('2.0.0');
    }, 120_000);

    it('re-runs at the recorded version, and update moves to the highest in range', async () => {
        const cwd = tempDir();
        const env = { ...registry.npmEnv, ...GIT_ENV };
        const made = await run(['svc', '--yes', '--no-install', '--template', 'npm:@acme/mcp-template@^1'], { cwd, env, timeoutMs: 60_000 });
        expect(made.code, made.stderr).toBe(0);
        const dir = join(cwd, 'svc');
        await publish(registry, '@acme/mcp-template', '1.3.0', template('1.3.0'), 'v1-line');
        const rerun = await run(['again', ...args, '--spec', join(dir, 'mcp-server.yaml')], { cwd, env, timeoutMs: 60_000 });
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(header(join(cwd, 'again'))).toBe('// Acme npm template 1.2.0');

        const updated = await run(['update'], { cwd: dir, env, timeoutMs: 60_000 });
        expect(updated.code, updated.stderr).toBe(0);
        expect(updated.stdout).toMatch(/^ {2}updated +src\/server\.ts$/m);
        expect(recorded(dir)).toEqual({ source: 'npm:@acme/mcp-template@^1', resolved: '1.3.0' });
        expect(header(dir)).toBe('// Acme npm template 1.3.0');
        git(dir, 'commit', '-q', '-am', 'template 1.3.0');
        // --template points elsewhere: the new source is recorded.
        const moved = await run(['update', '--template', 'npm:@acme/mcp-template@^2'], { cwd: dir, env, timeoutMs: 60_000 });
        expect(moved.code, moved.stderr).toBe(0);
        expect(recorded(dir)).toEqual({ source: 'npm:@acme/mcp-template@^2', resolved: '2.0.0' });
    }, 180_000);

    it.each([
        ['npm:@acme/no-such-template', /no such package/],
        ['npm:@acme/mcp-template@^9', /no version matches "\^9"/],
        ['npm:acme-empty-template', /no template files/],
    ])(
        'refuses %s in one line naming it, writing nothing',
        async (source, reason) => {
            const cwd = tempDir();
            const result = await run(['x', ...args, '--template', source], { cwd, env: registry.npmEnv, timeoutMs: 60_000 });
            expect(result.code).toBe(1);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
            expect(result.stderr).toContain(`--template ${source}: `);
            expect(result.stderr).toMatch(reason);
            expect(readdirSync(cwd)).toEqual([]);
        },
        60_000,
    );
});

describe('templates from a local .tgz', () => {
    it('uses the package, records its absolute path and version', async () => {
        const tarball = await packTarball('acme-local-template', '0.9.1', { 'template/partials/file-header.hbs': '// Acme local template\n' });
        const cwd = tempDir();
        writeFileSync(join(cwd, 'acme.tgz'), readFileSync(tarball));
        const result = await run(['local', ...args, '--template', './acme.tgz'], { cwd, timeoutMs: 60_000 });
        expect(result.code, result.stderr).toBe(0);
        expect(recorded(join(cwd, 'local'))).toEqual({ source: join(cwd, 'acme.tgz'), resolved: '0.9.1' });
        expect(header(join(cwd, 'local'))).toBe('// Acme local template');
    }, 60_000);
});
