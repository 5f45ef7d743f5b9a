/**
 * Reads the GitHub owner of the repository the new project will sit in (its `origin` remote), for the
 * default MCP registry name. Read-only and best-effort: any failure (no repository, no origin,
 * another host) is "unknown". It reads `.git/config` directly, so no process is spawned.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { githubOwnerFromRemote } from '../integrations/registry.js';

/** The `.git` directory of the repository `dir` is in, if any (a `.git` file, as in worktrees, is followed). */
function gitDirOf(dir: string): string | undefined {
    for (let current = dir; ; current = dirname(current)) {
        const candidate = join(current, '.git');
        if (existsSync(candidate)) {
            if (statSync(candidate).isDirectory()) return candidate;
            const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(candidate, 'utf8'))?.[1]?.trim();
            return pointer ? join(current, pointer) : undefined;
        }
        if (dirname(current) === current) return undefined;
    }
}

/** The `url` of `[remote "origin"]` in a git config file. */
export function originUrl(config: string): string | undefined {
    const section = /^\[remote "origin"\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(config)?.[1];
    return section ? /^\s*url\s*=\s*(.+?)\s*$/m.exec(section)?.[1] : undefined;
}

export function githubOwnerOf(targetDir: string): string | undefined {
    try {
        let gitDir = gitDirOf(targetDir);
        // A worktree's gitdir holds a `commondir` pointing at the main repository, where the config lives.
        if (gitDir && !existsSync(join(gitDir, 'config')) && existsSync(join(gitDir, 'commondir'))) {
            gitDir = join(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
        }
        const url = gitDir && existsSync(join(gitDir, 'config')) ? originUrl(readFileSync(join(gitDir, 'config'), 'utf8')) : undefined;
        return url ? githubOwnerFromRemote(url) : undefined;
    } catch {
        return undefined;
    }
}
