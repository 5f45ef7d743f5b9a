/**
 * `update` and team templates stay inside the project: a tampered record of the last generation
 * (`.create-mcp-server/generated.json`), a template's file names, links in a template (a folder, a git
 * repository, an npm tarball) and links in the project itself never make create-mcp-server write,
 * remove or read outside the project, nor touch its `.git`. Every refusal is one line naming the file
 * and the path, exit 1, and leaves every byte of the project and of the marker files outside as it was.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './run.js';
import { GIT_ENV, git, templateRepo, writeFiles } from './update-helpers.js';

const env = GIT_ENV;
const SNAPSHOT = '.create-mcp-server/generated.json';
const MARKER = 'marker: must stay exactly as it is\n';

/** Every entry under `dir` (links as links, `.git` included) with its contents, hashed: any change shows. */
function fingerprint(dir: string): string {
    const hash = createHash('sha256');
    const walk = (path: string, name: string): void => {
        const info = lstatSync(path);
        if (info.isSymbolicLink()) hash.update(`link ${name} -> ${readlinkSync(path)}\n`);
        else if (info.isDirectory()) {
            hash.update(`dir ${name}\n`);
            for (const entry of readdirSync(path).sort()) walk(join(path, entry), `${name}/${entry}`);
        } else hash.update(`file ${name} ${info.mode} `).update(readFileSync(path)).update('\n');
    };
    walk(dir, '.');
    return hash.digest('hex');
}

/** A project made with git (so `.git/HEAD` and `.git/config` exist), inside `cwd`. */
async function project(cwd: string, args: string[] = []): Promise<string> {
    const made = await run(['svc', '--yes', '--no-install', ...args], { cwd, env });
    expect(made.code, made.stderr).toBe(0);
    return join(cwd, 'svc');
}

function editSnapshot(dir: string, edit: (files: Record<string, string>) => void): void {
    const path = join(dir, SNAPSHOT);
    const snapshot = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, string> };
    edit(snapshot.files);
    writeFileSync(path, JSON.stringify(snapshot, null, 2));
}

/** Runs the CLI and checks the refusal: exit 1, one line matching `message`, nothing changed in `watched`. */
async function expectRefused(args: string[], cwd: string, message: RegExp, watched: string[], runEnv: Record<string, string> = env): Promise<string> {
    const before = watched.map((dir) => (existsSync(dir) ? fingerprint(dir) : 'absent'));
    const result = await run(args, { cwd, env: runEnv });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(watched.map((dir) => (existsSync(dir) ? fingerprint(dir) : 'absent'))).toEqual(before);
    return result.stderr;
}

describe('update with a tampered record of the last generation', () => {
    // Each path names a file whose recorded contents equal what is there now, so an update that
    // followed the path would take it for an unedited generated file the template dropped, and remove it.
    const cases: [string, (cwd: string, dir: string) => string, RegExp][] = [
        ['a file beside the project', () => '../outside.txt', /names "\.\.\/outside\.txt", which leads outside the project/],
        ['a path that climbs out through a folder', () => 'src/../../outside.txt', /names "src\/\.\.\/\.\.\/outside\.txt", which leads outside the project/],
        ['an absolute path', (cwd) => join(cwd, 'outside.txt'), /which is an absolute path/],
        ['git’s HEAD', () => '.git/HEAD', /names "\.git\/HEAD", which is inside git's folder/],
        ['git’s config, in another case', () => '.GIT/config', /names "\.GIT\/config", which is inside git's folder/],
        ['git’s folder itself', () => '.git', /names "\.git", which is inside git's folder/],
        ['git’s folder as NTFS reads it', () => '.git./hooks/pre-commit', /which is inside git's folder/],
        ['a path with a backslash', () => '..\\outside.txt', /contains a backslash/],
        ['a path that goes up and back in', () => 'src/../README.md', /is not a plain path/],
    ];

    it.each(cases)('refuses %s: exit 1, nothing removed or written', async (_label, pathOf, message) => {
        const cwd = tempDir('cms-confine-');
        writeFileSync(join(cwd, 'outside.txt'), MARKER);
        const dir = await project(cwd);
        const path = pathOf(cwd, dir);
        const target = path.startsWith('/') ? path : join(dir, path.replaceAll('\\', '/'));
        editSnapshot(dir, (files) => {
            files[path] = existsSync(target) && !lstatSync(target).isDirectory() ? readFileSync(target, 'utf8') : MARKER;
        });
        git(dir, 'commit', '-q', '-am', 'tampered record');
        for (const args of [
            ['update', '--force'],
            ['update', '--dry-run'],
        ]) {
            const stderr = await expectRefused(args, dir, message, [dir, join(cwd, 'outside.txt')]);
            expect(stderr).toContain(`update: ${SNAPSHOT} names `);
            expect(stderr).toMatch(/nothing was written/);
        }
        expect(readFileSync(join(cwd, 'outside.txt'), 'utf8')).toBe(MARKER);
        expect(git(dir, 'rev-parse', 'HEAD')).toMatch(/^[0-9a-f]{40}$/);
    });

    it('refuses a recorded path that goes through a link out of the project', async () => {
        const cwd = tempDir('cms-confine-');
        const elsewhere = join(cwd, 'elsewhere');
        mkdirSync(elsewhere);
        writeFileSync(join(elsewhere, 'victim.txt'), MARKER);
        const dir = await project(cwd);
        symlinkSync(elsewhere, join(dir, 'docs'));
        editSnapshot(dir, (files) => {
            files['docs/victim.txt'] = MARKER;
        });
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'a link and a tampered record');
        await expectRefused(
            ['update', '--force'],
            dir,
            /refusing "docs\/victim\.txt": it goes through "docs", a symbolic link that leads outside the project/,
            [dir, elsewhere],
        );
    });

    it('refuses a recorded path that goes through a link into .git', async () => {
        const cwd = tempDir('cms-confine-');
        const dir = await project(cwd);
        symlinkSync('.git', join(dir, 'meta'));
        editSnapshot(dir, (files) => {
            files['meta/HEAD'] = readFileSync(join(dir, '.git/HEAD'), 'utf8');
        });
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'a link into .git');
        await expectRefused(['update', '--force'], dir, /refusing "meta\/HEAD": it goes through "meta", a symbolic link that leads into git's folder/, [dir]);
    });

    it('refuses when the record itself sits behind a link out of the project', async () => {
        const cwd = tempDir('cms-confine-');
        const dir = await project(cwd);
        const elsewhere = join(cwd, 'elsewhere');
        mkdirSync(elsewhere);
        writeFileSync(join(elsewhere, 'generated.json'), readFileSync(join(dir, SNAPSHOT)));
        execFileSync('rm', ['-r', join(dir, '.create-mcp-server')]);
        symlinkSync(elsewhere, join(dir, '.create-mcp-server'));
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'the record elsewhere');
        await expectRefused(
            ['update', '--force'],
            dir,
            /refusing "\.create-mcp-server\/generated\.json": it goes through "\.create-mcp-server", a symbolic link/,
            [dir, elsewhere],
        );
    });
});

describe('a template cannot reach outside the project or into .git', () => {
    it('update refuses to write a new template file through a folder the project made a link out', async () => {
        const repo = templateRepo();
        repo.commit({ 'src/acme/a.ts': 'export const a = 1;\n' });
        const cwd = tempDir('cms-confine-');
        const elsewhere = join(cwd, 'elsewhere');
        mkdirSync(elsewhere);
        writeFileSync(join(elsewhere, 'marker.txt'), MARKER);
        const dir = await project(cwd, ['--template', repo.url]);
        // The project keeps its shared code elsewhere, behind a link where the template has a folder.
        symlinkSync(elsewhere, join(dir, 'src/shared'));
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'shared code behind a link');
        repo.commit({ 'src/shared/new.ts': 'export const planted = true;\n' });
        await expectRefused(['update', '--force'], dir, /refusing "src\/shared\/new\.ts": it goes through "src\/shared", a symbolic link that leads outside/, [
            dir,
            elsewhere,
        ]);
        expect(readdirSync(elsewhere)).toEqual(['marker.txt']);
    });

    it('a new project with --force does not write through a link out of the target', async () => {
        const cwd = tempDir('cms-confine-');
        const elsewhere = join(cwd, 'elsewhere');
        mkdirSync(elsewhere);
        const dir = join(cwd, 'svc');
        mkdirSync(dir);
        symlinkSync(elsewhere, join(dir, 'src'));
        await expectRefused(
            ['svc', '--yes', '--no-install', '--no-git', '--force'],
            cwd,
            /refusing "src\/.*": it goes through "src", a symbolic link that leads outside/,
            [dir, elsewhere],
        );
        expect(readdirSync(elsewhere)).toEqual([]);
    });

    // Files a team folder may hold that would land in .git: each refused in one line naming the template file.
    const gitPaths: [string, string, RegExp][] = [
        ['a dot-file stored as _git (a .git file pointing git elsewhere)', '_git', /_git: it would write "\.git", which is inside git's folder/],
        [
            'a .GIT folder (git’s folder on case-insensitive file systems)',
            '.GIT/config',
            /\.GIT\/config: it would write "\.GIT\/config", which is inside git's folder/,
        ],
        ['a .git folder under an integration', 'integrations/sqlite/.Git/hooks/post-checkout', /which is inside git's folder/],
        ['git~1 (the short name NTFS gives .git)', 'base/git~1/config', /"git~1\/config", which is inside git's folder/],
    ];

    it.each(gitPaths)('refuses %s', async (_label, path, message) => {
        const team = tempDir('cms-team-');
        writeFiles(team, { 'README.md.hbs': '# {{name}}\n', [path]: '[core]\n\tfsmonitor = "touch /tmp/cms-pwned"\n' });
        const cwd = tempDir('cms-confine-');
        await expectRefused(['svc', '--yes', '--no-install', '--template', team, '--with', 'sqlite'], cwd, message, [cwd]);
        expect(readdirSync(cwd)).toEqual([]);
    });

    it("uses a template folder that is a git checkout without copying the checkout's .git", async () => {
        const team = tempDir('cms-team-');
        writeFiles(team, { 'README.md.hbs': '# {{name}} (team)\n', 'src/acme/a.ts': 'export const a = 1;\n' });
        git(team, 'init', '-q');
        git(team, 'config', 'core.fsmonitor', 'touch planted-by-the-template');
        git(team, 'add', '-A');
        git(team, 'commit', '-q', '-m', 'team template');
        const cwd = tempDir('cms-confine-');
        const made = await run(['svc', '--yes', '--no-install', '--no-git', '--template', team], { cwd, env });
        expect(made.code, made.stderr).toBe(0);
        const dir = join(cwd, 'svc');
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# svc (team)\n');
        expect(existsSync(join(dir, '.git'))).toBe(false);

        // With git: the project's repository is its own, not the template's.
        const withGit = await run(['own', '--yes', '--no-install', '--template', team], { cwd, env });
        expect(withGit.code, withGit.stderr).toBe(0);
        expect(readFileSync(join(cwd, 'own/.git/config'), 'utf8')).not.toContain('fsmonitor');
        expect(git(join(cwd, 'own'), 'log', '--format=%s')).toBe('Initial commit from create-mcp-server');
    });

    it.each([
        ['a file', (team: string, outside: string) => symlinkSync(join(outside, 'secret.txt'), join(team, 'README.md.hbs')), 'README.md.hbs'],
        ['a folder', (team: string, outside: string) => symlinkSync(outside, join(team, 'src')), 'src'],
        [
            'a partial',
            (team: string, outside: string) => symlinkSync(join(outside, 'secret.txt'), join(team, 'partials/file-header.hbs')),
            'partials/file-header.hbs',
        ],
    ])('refuses a link to %s in a template folder, naming it', async (_label, link, name) => {
        const team = tempDir('cms-team-');
        const outside = tempDir('cms-outside-');
        writeFileSync(join(outside, 'secret.txt'), 'secret outside the template\n');
        mkdirSync(join(team, 'partials'));
        writeFileSync(join(team, 'AGENTS.md.hbs'), '# agents\n');
        link(team, outside);
        const cwd = tempDir('cms-confine-');
        await expectRefused(
            ['svc', '--yes', '--no-install', '--template', team],
            cwd,
            new RegExp(`--template: ${team}/${name} is a symbolic link; .*links are never followed`),
            [cwd, outside],
        );
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('refuses a git template holding a link or a file that lands in .git', async () => {
        const outside = tempDir('cms-outside-');
        writeFileSync(join(outside, 'secret.txt'), 'secret outside the template\n');
        const linked = templateRepo();
        linked.commit({ 'AGENTS.md.hbs': '# agents\n' });
        const work = join(linked.bare, '../work');
        symlinkSync(join(outside, 'secret.txt'), join(work, 'README.md.hbs'));
        linked.commit({});
        const cwd = tempDir('cms-confine-');
        await expectRefused(['svc', '--yes', '--no-install', '--template', linked.url], cwd, /README\.md\.hbs is a symbolic link; .*links are never followed/, [
            cwd,
            outside,
        ]);

        const dotGit = templateRepo();
        dotGit.commit({ 'base/_git': 'gitdir: /tmp/elsewhere\n' });
        await expectRefused(
            ['svc', '--yes', '--no-install', '--template', dotGit.url],
            cwd,
            /base\/_git: it would write "\.git", which is inside git's folder/,
            [cwd],
        );
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('refuses an npm tarball holding a link, a path out, or a path into .git', async () => {
        const cases: [string, (pkg: string) => void, RegExp][] = [
            ['a link', (pkg) => symlinkSync('/etc/passwd', join(pkg, 'template/README.md.hbs')), /"README\.md\.hbs" in the package is a link/],
            ['a .git file', (pkg) => writeFileSync(join(pkg, 'template/_git'), 'gitdir: /tmp/elsewhere\n'), /_git: it would write "\.git"/],
        ];
        for (const [, make, message] of cases) {
            const root = tempDir('cms-tgz-');
            const pkg = join(root, 'package');
            mkdirSync(join(pkg, 'template'), { recursive: true });
            writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'team-template', version: '1.0.0' }));
            writeFileSync(join(pkg, 'template/AGENTS.md.hbs'), '# agents\n');
            make(pkg);
            execFileSync('tar', ['-czf', join(root, 'team.tgz'), 'package'], { cwd: root });
            const cwd = tempDir('cms-confine-');
            await expectRefused(['svc', '--yes', '--no-install', '--template', join(root, 'team.tgz')], cwd, message, [cwd]);
        }
        // A path that climbs out, as only a crafted archive holds (GNU tar keeps it with -P).
        const root = tempDir('cms-tgz-');
        mkdirSync(join(root, 'package/template'), { recursive: true });
        writeFileSync(join(root, 'package/package.json'), '{"name":"t","version":"1.0.0"}');
        writeFileSync(join(root, 'x'), 'planted\n');
        execFileSync('tar', ['-czPf', join(root, 'team.tgz'), 'package/package.json', 'package/template/../../x'], { cwd: root });
        const cwd = tempDir('cms-confine-');
        await expectRefused(
            ['svc', '--yes', '--no-install', '--template', join(root, 'team.tgz')],
            cwd,
            /unsafe path in the archive: package\/template\/\.\.\/\.\.\/x/,
            [cwd],
        );
    });
});
