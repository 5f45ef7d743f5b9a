/** Real git repositories for template tests: a bare repository the CLI fetches from, and a work tree to commit to it. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tempDir } from './run.js';

/** git with a fixed identity and without the machine's or user's configuration. */
export const GIT_ENV = {
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
    return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function writeFiles(root: string, files: Record<string, string | null>): void {
    for (const [path, contents] of Object.entries(files)) {
        const file = join(root, path);
        if (contents === null) rmSync(file, { force: true });
        else {
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, contents);
        }
    }
}

export interface TemplateRepo {
    /** The bare repository (what a server would hold). */
    bare: string;
    url: string;
    /** Writes (or, with null, deletes) files, commits and pushes them to `branch`; returns the commit. */
    commit: (files: Record<string, string | null>, branch?: string) => string;
    /** Tags the last commit (annotated with a message) and pushes the tag. */
    tag: (name: string, annotated?: boolean) => void;
}

/** A bare repository whose default branch is `trunk` (so "the default branch" is not guessed as main). */
export function templateRepo(): TemplateRepo {
    const root = tempDir('cms-tpl-');
    const bare = join(root, 'team-template.git');
    git(root, 'init', '-q', '--bare', '--initial-branch=trunk', bare);
    const work = join(root, 'work');
    git(root, 'init', '-q', '--initial-branch=trunk', work);
    let current = 'trunk';
    return {
        bare,
        url: `git+file://${bare}`,
        commit(files, branch = 'trunk') {
            if (branch !== current) {
                git(work, 'checkout', '-q', '-B', branch);
                current = branch;
            }
            writeFiles(work, files);
            git(work, 'add', '-A');
            git(work, 'commit', '-q', '-m', `change ${Object.keys(files).join(', ')}`);
            git(work, 'push', '-q', bare, `HEAD:refs/heads/${branch}`);
            return git(work, 'rev-parse', 'HEAD');
        },
        tag(name, annotated = true) {
            git(work, 'tag', ...(annotated ? ['-a', '-m', name] : []), name);
            git(work, 'push', '-q', bare, `refs/tags/${name}`);
        },
    };
}

/**
 * The hash of a directory's whole work tree (tracked and untracked files, as `git add -A` sees them),
 * through a throw-away index so the repository's own index is untouched.
 */
export function treeHash(dir: string): string {
    const index = join(mkdtempSync(join(tmpdir(), 'cms-index-')), 'index');
    const env = { ...process.env, ...GIT_ENV, GIT_INDEX_FILE: index };
    execFileSync('git', ['add', '-A'], { cwd: dir, env });
    return execFileSync('git', ['write-tree'], { cwd: dir, env, encoding: 'utf8' }).trim();
}

export function read(dir: string, path: string): string {
    return readFileSync(join(dir, path), 'utf8');
}
