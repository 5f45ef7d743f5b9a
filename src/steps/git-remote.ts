/**
 * Reads the GitHub owner of the repository the new project will sit in (its `origin` remote), for the
 * default MCP registry name. Read-only and best-effort: any failure (no git, no repository, no
 * origin, another host) is "unknown".
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { githubOwnerFromRemote } from '../registry.js';

/** The nearest directory that exists: the target itself when it does, else its closest ancestor. */
function nearestExisting(dir: string): string {
    let current = dir;
    while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
    return current;
}

export async function githubOwnerOf(targetDir: string): Promise<string | undefined> {
    try {
        const { execa } = await import('execa');
        const result = await execa('git', ['remote', 'get-url', 'origin'], {
            cwd: nearestExisting(targetDir),
            reject: false,
            stdin: 'ignore',
            timeout: 5_000,
        });
        return result.exitCode === 0 ? githubOwnerFromRemote(String(result.stdout)) : undefined;
    } catch {
        return undefined;
    }
}
