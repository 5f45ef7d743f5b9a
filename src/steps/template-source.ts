/**
 * Where a team template comes from (`--template`, `CREATE_MCP_SERVER_TEMPLATE`, or the `template:`
 * recorded in mcp-server.yaml): a directory, a git repository, an npm package or a local tarball.
 * Resolved at the edge into a temporary folder that `loadTemplates` reads like any directory, and
 * removed afterwards. Git and npm are the user's own, so their configuration and credentials apply
 * (`url.insteadOf`, credential helpers, `.npmrc`, scoped registries, `npm_config_registry`).
 */
import { lstat, mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { oneLine, quote } from '../shared/quote.js';
import type { TemplateRecord } from '../shared/spec-types.js';
import { readTarGz } from './tar.js';

export type TemplateSource =
    | { kind: 'dir'; path: string }
    | { kind: 'tgz'; path: string }
    | { kind: 'git'; url: string; ref?: string; subdir?: string }
    | { kind: 'npm'; name: string; range?: string };

const GIT_SCHEMES = /^git\+(file|https?|ssh):\/\//;
const GITHUB = /^github:([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^#]+)?)(?:#(.+))?$/;
const NPM = /^npm:((?:@[^/@\s]+\/)?[^/@\s]+)(?:@(.+))?$/;

/** Reads a source as written; relative paths are taken against `cwd`. Throws for a malformed one. */
export function parseTemplateSource(source: string, cwd: string): TemplateSource {
    if (GIT_SCHEMES.test(source)) {
        const hash = source.indexOf('#');
        const url = (hash < 0 ? source : source.slice(0, hash)).slice('git+'.length);
        const ref = hash < 0 ? undefined : source.slice(hash + 1);
        if (ref === '') throw new Error('an empty #ref; give a branch, tag or commit after #');
        return { kind: 'git', url, ...(ref !== undefined && { ref }) };
    }
    if (source.startsWith('github:')) {
        const match = GITHUB.exec(source);
        if (!match) throw new Error('expected github:owner/repo[/subdir][#ref]');
        const [, owner, repo, subdir, ref] = match;
        if (subdir?.split('/').some((part, i) => i > 0 && (part === '.' || part === '..' || part.includes('\\'))))
            throw new Error('the folder after owner/repo must be a plain path inside the repository (no "." or ".." parts)');
        return {
            kind: 'git',
            url: `https://github.com/${owner}/${repo!.replace(/\.git$/, '')}.git`,
            ...(ref !== undefined && { ref }),
            ...(subdir && { subdir: subdir.slice(1).replace(/\/+$/, '') }),
        };
    }
    if (source.startsWith('npm:')) {
        const match = NPM.exec(source);
        if (!match) throw new Error('expected npm:<name>[@<version or range>]');
        return { kind: 'npm', name: match[1]!, ...(match[2] !== undefined && { range: match[2] }) };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
        throw new Error('unknown kind of source; expected a directory, a .tgz file, git+file://, git+https://, git+ssh://, github:owner/repo or npm:<name>');
    const path = resolve(cwd, source);
    return /\.(tgz|tar\.gz)$/i.test(source) ? { kind: 'tgz', path } : { kind: 'dir', path };
}

export interface OpenedTemplate {
    /** The folder to layer over the built-in templates. */
    dir: string;
    /** What mcp-server.yaml records. */
    record: TemplateRecord;
    /** Removes the temporary folder, if one was made. */
    cleanup: () => Promise<void>;
}

export interface OpenOptions {
    /** Relative paths are read against this folder. */
    cwd: string;
    /** Where the source was given, for messages: `--template`, `mcp-server.yaml: template.source`. */
    label: string;
    /** The exact revision to take (a commit sha or version recorded earlier) instead of the newest. */
    pin?: string;
    /** Environment for git and npm (the user's own). */
    env: Record<string, string | undefined>;
    /** On a terminal, git may ask for credentials; otherwise it fails instead of waiting. */
    interactive?: boolean;
    /** Told of the temporary folder when it is made (true) and removed (false), so an interruption can remove it. */
    onTemporary?: (dir: string, exists: boolean) => void;
}

/** Resolves and fetches a template source; any failure is one UsageError line naming the source as given. */
export async function openTemplate(source: string, options: OpenOptions): Promise<OpenedTemplate> {
    // The source as given (escaped, and shortened only past what any real source needs), and the reason on one line.
    const fail = (reason: string) => new UsageError(`${options.label} ${oneLine(source, { max: 160 })}: ${oneLine(reason, { max: 200 })}`);
    let parsed: TemplateSource;
    try {
        parsed = parseTemplateSource(source, options.cwd);
    } catch (error) {
        throw fail((error as Error).message);
    }
    if (parsed.kind === 'dir') {
        const info = await stat(parsed.path).catch(() => undefined);
        if (!info?.isDirectory()) throw fail(info ? 'not a directory' : 'no such directory');
        return { dir: parsed.path, record: { source: parsed.path }, cleanup: async () => {} };
    }
    const temp = await mkdtemp(join(tmpdir(), 'create-mcp-server-template-'));
    options.onTemporary?.(temp, true);
    const cleanup = async () => {
        await rm(temp, { recursive: true, force: true });
        options.onTemporary?.(temp, false);
    };
    try {
        const opened = await fetchInto(parsed, temp, options, source);
        return { ...opened, cleanup };
    } catch (error) {
        await cleanup();
        if (error instanceof FetchError) throw fail(error.message);
        throw error;
    }
}

/** A failure whose message completes "<label> <source>: …". */
class FetchError extends Error {}

async function fetchInto(
    parsed: Exclude<TemplateSource, { kind: 'dir' }>,
    temp: string,
    options: OpenOptions,
    source: string,
): Promise<Omit<OpenedTemplate, 'cleanup'>> {
    switch (parsed.kind) {
        case 'git':
            return fetchGit(parsed, temp, options, source);
        case 'npm':
            return fetchNpm(parsed, temp, options, source);
        case 'tgz': {
            const bytes = await readFile(parsed.path).catch((error: NodeJS.ErrnoException) => {
                throw new FetchError(error.code === 'ENOENT' ? 'no such file' : error.message);
            });
            const { dir, version } = await unpackPackage(bytes, temp);
            return { dir, record: { source: parsed.path, ...(version !== undefined && { resolved: version }) } };
        }
    }
}

// ---- git ----

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

async function run(command: string, args: string[], cwd: string, env: Record<string, string | undefined>): Promise<Run> {
    const { execa } = await import('execa');
    try {
        const result = await execa(command, args, { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', encoding: 'utf8' });
        return { code: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
    } catch (error) {
        throw new FetchError(`cannot run ${command}: ${(error as Error).message.split('\n')[0]}`);
    }
}

/** The last meaningful line git or npm printed, for a one-line reason. */
function lastLine(text: string): string {
    const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^npm (warn|notice)/i.test(l));
    return (lines.at(-1) ?? 'failed').replace(/^(fatal|error|npm error):\s*/i, '');
}

/** git's reason: its first fatal or error line (what follows is advice), else its last line. */
function gitReason(stderr: string): string {
    const line = stderr.split('\n').find((l) => /^(fatal|error):/i.test(l.trim()));
    return line ? line.trim().replace(/^(fatal|error):\s*/i, '') : lastLine(stderr);
}

const HEX = /^[0-9a-f]{4,40}$/i;

async function fetchGit(
    parsed: Extract<TemplateSource, { kind: 'git' }>,
    temp: string,
    options: OpenOptions,
    source: string,
): Promise<Omit<OpenedTemplate, 'cleanup'>> {
    // A session without a terminal must fail rather than wait for a password nobody can type.
    const env = { ...options.env, ...(!options.interactive && options.env.GIT_TERMINAL_PROMPT === undefined && { GIT_TERMINAL_PROMPT: '0' }) };
    const gitDir = join(temp, 'repo.git');
    const git = (args: string[]) => run('git', [`--git-dir=${gitDir}`, ...args], temp, env);
    const listed = await run('git', ['ls-remote', parsed.url], temp, env);
    if (listed.code !== 0) throw new FetchError(`cannot read the repository: ${gitReason(listed.stderr)}`);
    const refs = new Map(
        listed.stdout
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split('\t').reverse() as [string, string]),
    );
    const wanted = options.pin ?? parsed.ref;
    // By name where it is a branch or tag (so shallow works everywhere), else a commit.
    let target: string;
    if (wanted === undefined) {
        if (!refs.has('HEAD')) throw new FetchError('the repository has no default branch (is it empty?)');
        target = 'HEAD';
    } else if (refs.has(`refs/heads/${wanted}`) || refs.has(`refs/tags/${wanted}`) || refs.has(wanted)) {
        target = refs.has(`refs/heads/${wanted}`) ? `refs/heads/${wanted}` : refs.has(`refs/tags/${wanted}`) ? `refs/tags/${wanted}` : wanted;
    } else if (HEX.test(wanted)) {
        target = wanted.toLowerCase();
    } else {
        throw new FetchError(`no branch or tag ${quote(wanted)} in the repository`);
    }
    const init = await run('git', ['init', '-q', '--bare', gitDir], temp, env);
    if (init.code !== 0) throw new FetchError(`git init failed: ${gitReason(init.stderr)}`);
    const commit = HEX.test(target);
    let sha: string | undefined;
    // Shallow first (an abbreviated commit cannot be asked for); a server that refuses (a dumb HTTP
    // server, a commit it does not advertise) gets a full fetch.
    if (!commit || target.length === 40) {
        const shallow = await git(['fetch', '-q', '--no-tags', '--depth', '1', parsed.url, target]);
        if (shallow.code === 0) sha = (await git(['rev-parse', '--verify', '-q', 'FETCH_HEAD^{commit}'])).stdout.trim() || undefined;
    }
    if (sha === undefined) {
        if (commit) {
            const full = await git(['fetch', '-q', parsed.url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
            if (full.code !== 0) throw new FetchError(`cannot fetch: ${gitReason(full.stderr)}`);
            sha = (await git(['rev-parse', '--verify', '-q', `${target}^{commit}`])).stdout.trim() || undefined;
            if (sha === undefined) throw new FetchError(`no branch, tag or commit ${quote(wanted ?? target)} in the repository`);
        } else {
            const full = await git(['fetch', '-q', '--no-tags', parsed.url, target]);
            if (full.code !== 0) throw new FetchError(`cannot fetch ${wanted ?? 'the default branch'}: ${gitReason(full.stderr)}`);
            sha = (await git(['rev-parse', '--verify', '-q', 'FETCH_HEAD^{commit}'])).stdout.trim();
        }
    }
    // The files only: the repository's .git stays in the temporary folder.
    const tree = join(temp, 'tree');
    await mkdir(tree);
    const checkout = await run('git', [`--git-dir=${gitDir}`, `--work-tree=${tree}`, 'read-tree', '--reset', '-u', sha], temp, env);
    if (checkout.code !== 0) throw new FetchError(`cannot check out ${sha}: ${gitReason(checkout.stderr)}`);
    const dir = parsed.subdir ? join(tree, parsed.subdir) : tree;
    if (parsed.subdir) {
        // Folder by folder without following links: a link in the repository must not lead the read elsewhere.
        const parts = parsed.subdir.split('/');
        for (let i = 1; i <= parts.length; i++) {
            const info = await lstat(join(tree, ...parts.slice(0, i))).catch(() => undefined);
            if (info?.isSymbolicLink())
                throw new FetchError(`${quote(parts.slice(0, i).join('/'))} is a symbolic link at ${sha.slice(0, 12)}; links in a template are never followed`);
            if (!info?.isDirectory()) throw new FetchError(`no folder ${quote(parsed.subdir)} at ${sha.slice(0, 12)}`);
        }
    }
    await requireFiles(dir);
    return { dir, record: { source, resolved: sha } };
}

async function requireFiles(dir: string): Promise<void> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    if (!entries.some((e) => e.isFile())) throw new FetchError('no template files in it');
}

// ---- npm ----

/** Orders semver versions; prereleases sort before their release. Enough to pick the highest of `npm view`'s list. */
export function compareVersions(a: string, b: string): number {
    const parse = (v: string) => {
        const [core, pre] = v.split('+')[0]!.split(/-(.*)/s);
        return { nums: core!.split('.').map(Number), pre: pre ? pre.split('.') : [] };
    };
    const [x, y] = [parse(a), parse(b)];
    for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
    for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
        const [p, q] = [x.pre[i], y.pre[i]];
        if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
        if (p === q) continue;
        const [np, nq] = [/^\d+$/.test(p) ? Number(p) : NaN, /^\d+$/.test(q) ? Number(q) : NaN];
        if (!Number.isNaN(np) && !Number.isNaN(nq)) return np - nq;
        if (!Number.isNaN(np) || !Number.isNaN(nq)) return Number.isNaN(np) ? 1 : -1;
        return p < q ? -1 : 1;
    }
    return 0;
}

/** npm's one-line reason from its --json error output, else its last line. */
function npmReason(result: Run, range: string): string {
    try {
        const parsed = JSON.parse(result.stdout) as { error?: { code?: string; summary?: string } };
        if (/no match(ing version)? found/i.test(parsed.error?.summary ?? '')) return `no version matches ${quote(range)}`;
        if (parsed.error?.code === 'E404') return 'no such package in the registry';
        if (parsed.error?.summary) return parsed.error.summary.split('\n')[0]!;
    } catch {
        // not JSON: fall through to the text
    }
    return lastLine(result.stderr || result.stdout);
}

async function fetchNpm(
    parsed: Extract<TemplateSource, { kind: 'npm' }>,
    temp: string,
    options: OpenOptions,
    source: string,
): Promise<Omit<OpenedTemplate, 'cleanup'>> {
    // Run where the user is, so the project's and the user's .npmrc apply.
    const npm = (args: string[]) => run('npm', [...args, '--json'], options.cwd, options.env);
    const range = options.pin ?? parsed.range ?? 'latest';
    const viewed = await npm(['view', `${parsed.name}@${range}`, 'version']);
    if (viewed.code !== 0) throw new FetchError(npmReason(viewed, range));
    const text = viewed.stdout.trim();
    const versions = text === '' ? [] : [JSON.parse(text) as string | string[]].flat();
    if (versions.length === 0) throw new FetchError(`no version matches ${quote(range)}`);
    // npm view lists every version in the range; npm itself would prefer the `latest` tag, the highest is wanted here.
    const version = versions.sort(compareVersions).at(-1)!;
    const packed = await npm(['pack', `${parsed.name}@${version}`, '--pack-destination', temp, '--ignore-scripts']);
    if (packed.code !== 0) throw new FetchError(`cannot download ${parsed.name}@${version}: ${npmReason(packed, version)}`);
    const filename = (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename;
    const tarball = isAbsolute(filename) ? filename : join(temp, filename);
    const { dir } = await unpackPackage(await readFile(tarball), join(temp, 'package'));
    return { dir, record: { source, resolved: version } };
}

/** Package files that describe the package, not the template (at the package root). */
const PACKAGE_FILES = /^(package\.json|(readme|license|licence|changelog)(\.[^/]*)?)$/i;

/**
 * Unpacks an npm package's tarball into `into`: its `template/` folder when it has one, else its
 * root without package.json, README, LICENSE and CHANGELOG files. Returns the folder and the version.
 */
async function unpackPackage(bytes: Buffer, into: string): Promise<{ dir: string; version?: string }> {
    let files: ReturnType<typeof readTarGz>;
    try {
        files = readTarGz(bytes);
    } catch (error) {
        throw new FetchError(`not a package tarball: ${(error as Error).message.split('\n')[0]}`);
    }
    // npm packs everything under one top folder (`package/`).
    const rooted = files.map((f) => ({ ...f, path: f.path.split('/').slice(1).join('/') })).filter((f) => f.path !== '');
    const manifest = rooted.find((f) => f.path === 'package.json');
    let version: string | undefined;
    try {
        version = manifest ? (JSON.parse(manifest.contents.toString('utf8')) as { version?: string }).version : undefined;
    } catch {
        version = undefined;
    }
    const inFolder = rooted.filter((f) => f.path.startsWith('template/'));
    const chosen =
        inFolder.length > 0 ? inFolder.map((f) => ({ ...f, path: f.path.slice('template/'.length) })) : rooted.filter((f) => !PACKAGE_FILES.test(f.path));
    if (chosen.length === 0)
        throw new FetchError('the package has no template files (no template/ folder, nothing beside package.json, README, LICENSE and CHANGELOG)');
    // Refused, not skipped, as in a template folder: a link would point at files outside the template.
    const special = chosen.find((f) => f.kind !== 'file');
    if (special)
        throw new FetchError(
            `${quote(special.path)} in the package is a link or a device, not a file; templates hold plain files only and links are never followed`,
        );
    for (const file of chosen) {
        const to = join(into, file.path);
        await mkdir(dirname(to), { recursive: true });
        await writeFile(to, file.contents);
    }
    return { dir: into, ...(version !== undefined && { version }) };
}

/**
 * The template for a run: the one given (`--template` or the environment variable), else the one
 * mcp-server.yaml records, at its recorded revision unless `newest` (update), else none (built-in only).
 */
export async function openProjectTemplate(
    given: string | undefined,
    recorded: TemplateRecord | undefined,
    options: Pick<OpenOptions, 'cwd' | 'env' | 'interactive' | 'onTemporary'> & { specDir: string; newest: boolean; specLabel?: string },
): Promise<OpenedTemplate | undefined> {
    const { env, interactive, onTemporary } = options;
    if (given !== undefined) return openTemplate(given, { cwd: options.cwd, label: '--template', env, interactive, onTemporary });
    if (recorded === undefined) return undefined;
    return openTemplate(recorded.source, {
        cwd: options.specDir,
        label: `${options.specLabel ?? 'mcp-server.yaml'}: template.source`,
        env,
        interactive,
        onTemporary,
        ...(!options.newest && recorded.resolved !== undefined && { pin: recorded.resolved }),
    });
}
