/**
 * What a path inside a generated project may be. Every path create-mcp-server writes, removes or
 * reads in a project comes from data that may be hostile: a team template (its file names), the
 * record of the last generation (`.create-mcp-server/generated.json`, a file anyone can edit) or a
 * merge of both. Such a path must be plain, relative, inside the project and outside git's folder:
 * a `.git/config` written there could make git run a command on the next `git status`. Pure; the
 * checks of what is on disk (symbolic links) are in steps/write.ts.
 */

/** Code points some file systems ignore in names (HFS+), so `.g\u200cit` is `.git` there. */
const IGNORED_IN_NAMES = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]/g;

/**
 * Is this name git's folder on some file system? Case-insensitive file systems (macOS, Windows) see
 * `.GIT` as `.git`; NTFS also drops trailing dots and spaces, reads `name:stream` as `name`, and
 * gives `.git` the short name `git~1`. The same names git itself refuses in a tree.
 */
export function isGitName(name: string): boolean {
    return /^(\.git|git~1)[. ]*(:.*)?$/s.test(name.replace(IGNORED_IN_NAMES, '').toLowerCase());
}

/**
 * Why `path` (relative, `/`-separated) cannot be written, removed or read in a project, as the end of a
 * sentence that starts with the path; undefined when it can.
 */
export function projectPathProblem(path: string): string | undefined {
    if (path === '') return 'is empty';
    if (path.includes('\0')) return 'contains a NUL byte';
    if (path.includes('\\')) return 'contains a backslash (paths here use /)';
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is an absolute path, not a path inside the project';
    const segments = path.split('/');
    let depth = 0;
    for (const segment of segments) {
        depth += segment === '..' ? -1 : segment === '.' || segment === '' ? 0 : 1;
        if (depth < 0) return 'leads outside the project';
    }
    if (segments.some((s) => s === '..' || s === '.' || s === '')) return 'is not a plain path (it has an empty, "." or ".." part)';
    if (segments.some(isGitName)) return "is inside git's folder (.git), which nothing generated may touch";
    return undefined;
}
