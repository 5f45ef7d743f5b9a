/**
 * Loads templates from disk (the only I/O of rendering): the built-in set, and a team's
 * directory layered over it file by file.
 *
 * Lookup order for a template at path P (e.g. `base/README.md.hbs`, `items/tool.ts.hbs`):
 *   1. <team>/P
 *   2. <team>/<the file P makes>, for project files (so a team dir may hold just README.md.hbs or
 *      Dockerfile.hbs, whether the built-in one lives in base/ or in an integration's folder)
 *   3. the built-in templates/P
 * Team files at other paths are added to the project as new files (under base/ rules).
 * Partials: `partials/<name>.hbs`; team helpers: `helpers/*.js` or `*.mjs` (ES modules whose
 * exported functions become helpers of the same name).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../shared/errors.js';
import { type Handlebars, type Helper, loadHandlebars } from './handlebars.js';
import { BUILT_IN_TEMPLATES, PRECOMPILED_TEMPLATES } from '../paths.js';

/** The package's own templates folder (beside `dist/` and `src/`). */
export { BUILT_IN_TEMPLATES };

/** Top-level folders of the template layout. */
export const LAYOUT = ['base', 'items', 'integrations', 'partials', 'helpers'] as const;

/** Folders of earlier layouts, still read from team templates: `systems/<id>/` and `examples/` are integrations now. */
const ALIASES: [string, string][] = [
    ['systems/', 'integrations/'],
    ['examples/', 'integrations/examples/'],
];

export interface TemplateFile {
    source: string;
    origin: 'built-in' | 'team';
    /** The path errors and --dry-run name. */
    display: string;
    /** Handlebars' precompiled form of exactly this source, from the build (built-in templates only). */
    precompiled?: object;
}

type Precompiled = Record<string, { hash: string; spec: object }>;

/** The build's precompiled built-in templates; none when running from source (tests). */
async function loadPrecompiled(): Promise<Precompiled> {
    const url = PRECOMPILED_TEMPLATES;
    if (!existsSync(url)) return {};
    return ((await import(url.href)) as { default: Precompiled }).default;
}

export interface TemplateSet {
    /** Layout path -> file. */
    files: ReadonlyMap<string, TemplateFile>;
    helpers: Record<string, Helper>;
    partials: Record<string, string>;
    /** What renders the set: Handlebars' runtime alone when every template in it is precompiled, else the whole of it. */
    handlebars: Handlebars;
}

/**
 * The files under `root` by their `/`-separated path. A `.git` folder (or file) anywhere is the
 * repository the template lives in, not part of it, and is not read. A symbolic link, a FIFO or a
 * device is refused rather than skipped: a link would be followed to whatever it names (a file
 * outside the template), and skipping it would change what projects get without a word.
 */
function readTree(root: string): Map<string, string> {
    const files: string[] = [];
    // Breadth first, folder by folder; the loop also reaches the folders queued while it runs.
    // Synchronous: a template set is a hundred small files, read sooner one by one than through the thread pool.
    const folders = [root];
    for (const dir of folders) {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
            if (entry.name === '.git') continue;
            const path = join(dir, entry.name);
            if (entry.isDirectory()) folders.push(path);
            else if (entry.isFile()) files.push(path);
            else
                throw new UsageError(
                    `--template: ${path} is ${entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; templates hold plain files and folders only, and links are never followed (put the file itself there); nothing was written`,
                );
        }
    }
    return new Map(files.map((f) => [relative(root, f).split(sep).join('/'), readFileSync(f, 'utf8')]));
}

/**
 * Where a team file goes in the layout: as it is under a layout folder (or an older folder's new
 * place), else it is a project file: it replaces the built-in template that makes the same file,
 * whether that lives in base/ or in an integration's folder (a team's `Dockerfile.hbs`), or it is
 * added under base/.
 */
function layoutPath(relativePath: string, builtIn: ReadonlyMap<string, string>): string {
    for (const [from, to] of ALIASES) if (relativePath.startsWith(from)) return to + relativePath.slice(from.length);
    const top = relativePath.split('/')[0]!;
    if ((LAYOUT as readonly string[]).includes(top)) return relativePath;
    const path = relativePath.startsWith('base/') ? relativePath.slice('base/'.length) : relativePath;
    if (builtIn.has(`base/${path}`)) return `base/${path}`;
    const inIntegration = [...builtIn.keys()].find((key) => /^integrations\/[^/]+\//.test(key) && key.replace(/^integrations\/[^/]+\//, '') === path);
    return inIntegration ?? `base/${path}`;
}

async function loadHelpers(dir: string, files: string[]): Promise<Record<string, Helper>> {
    const helpers: Record<string, Helper> = {};
    for (const file of files.filter((f) => /^helpers\/[^/]+\.m?js$/.test(f)).sort()) {
        let module: Record<string, unknown>;
        try {
            module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
        } catch (error) {
            throw new UsageError(`--template: ${join(dir, file)}: cannot load helpers: ${(error as Error).message.split('\n')[0]}`);
        }
        for (const [name, value] of Object.entries(module)) {
            if (typeof value === 'function') helpers[name === 'default' ? file.replace(/^helpers\/|\.m?js$/g, '') : name] = value as Helper;
        }
    }
    return helpers;
}

export async function loadTemplates(teamDir?: string): Promise<TemplateSet> {
    const files = new Map<string, TemplateFile>();
    // Loaded while the templates are read: the runtime renders a set that is all precompiled (most runs).
    const precompiledLoad = loadPrecompiled();
    const runtimeLoad = loadHandlebars(false);
    runtimeLoad.catch(() => undefined);
    const builtIn = readTree(BUILT_IN_TEMPLATES);
    const precompiled = await precompiledLoad;
    for (const [path, source] of builtIn) {
        const entry = precompiled[path];
        // Used only while the source is what was precompiled: an edited template is compiled afresh.
        const fresh = entry !== undefined && entry.hash === createHash('sha256').update(source).digest('hex');
        files.set(path, { source, origin: 'built-in', display: `templates/${path}`, ...(fresh && { precompiled: entry.spec }) });
    }
    let helpers: Record<string, Helper> = {};
    if (teamDir !== undefined) {
        const info = await stat(teamDir).catch(() => undefined);
        if (!info?.isDirectory()) throw new UsageError(`--template: ${teamDir} is not a directory`);
        const team = readTree(teamDir);
        for (const [path, source] of team) {
            if (path.startsWith('helpers/')) continue;
            files.set(layoutPath(path, builtIn), { source, origin: 'team', display: join(teamDir, path) });
        }
        helpers = await loadHelpers(teamDir, [...team.keys()]);
    }
    const partials: Record<string, string> = {};
    for (const [path, file] of files) {
        const match = /^partials\/(.+)\.hbs$/.exec(path);
        if (match) partials[match[1]!] = file.source;
    }
    const compiler = Object.keys(partials).length > 0 || [...files].some(([path, file]) => path.endsWith('.hbs') && file.precompiled === undefined);
    return { files, helpers, partials, handlebars: compiler ? await loadHandlebars(true) : await runtimeLoad };
}
