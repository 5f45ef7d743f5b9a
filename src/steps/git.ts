/** `git init` and a first commit in the new project, unless it already sits in a repository. */
export type GitOutcome = { status: 'committed' } | { status: 'skipped'; reason: string } | { status: 'failed'; reason: string; command: string };

export const FIRST_COMMIT_MESSAGE = 'Initial commit from create-mcp-server';

export async function initGit(targetDir: string): Promise<GitOutcome> {
    const { execa } = await import('execa');
    const git = (args: string[]) => execa('git', args, { cwd: targetDir, reject: false, stdin: 'ignore' });

    const version = await git(['--version']).catch(() => undefined);
    if (version?.exitCode !== 0) return { status: 'skipped', reason: 'git is not installed' };
    const inside = await git(['rev-parse', '--is-inside-work-tree']);
    if (inside.exitCode === 0 && String(inside.stdout).trim() === 'true') {
        return { status: 'skipped', reason: 'the directory is already inside a git repository' };
    }
    const commit = `git add -A && git commit -m "${FIRST_COMMIT_MESSAGE}"`;
    for (const args of [
        ['init', '-q'],
        ['add', '-A'],
        ['commit', '-q', '-m', FIRST_COMMIT_MESSAGE],
    ]) {
        const result = await git(args);
        if (result.exitCode !== 0) {
            const reason = String(result.stderr || result.stdout)
                .trim()
                .split('\n')
                .filter(Boolean)
                .slice(-2)
                .join(' ');
            return { status: 'failed', reason: `git ${args[0]} failed: ${reason}`, command: args[0] === 'init' ? `git init && ${commit}` : commit };
        }
    }
    return { status: 'committed' };
}
