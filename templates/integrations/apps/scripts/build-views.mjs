// Builds the views of the tools (MCP Apps). Each folder ui/<tool>/ holding an index.html becomes one
// self-contained file, dist/ui/<tool>.html: the scripts and style sheets it names by a relative path
// are bundled with esbuild and put inline (with the CSS the scripts import, and the images and fonts
// they import as data URLs), because a host renders a view from that one document, in a sandbox that
// loads nothing else unless the tool declares it (`ui.csp` in mcp-server.yaml). The server reads these
// files when it starts.
//
//   node scripts/build-views.mjs            every view (npm run build runs it)
//   buildViews() / buildView('search_orders')   the same from another script (a watcher, say)
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

/** Where the views' sources are, and where the built files go. */
export const VIEWS_DIR = 'ui';
export const OUT_DIR = 'dist/ui';

/** A `<script src="…">` or `<link rel="stylesheet" href="…">` element that names a file of the view. */
const SCRIPT = /<script\b[^>]*?\bsrc=(["'])([^"']+)\1[^>]*>\s*<\/script>/gi;
const STYLESHEET = /<link\b(?=[^>]*\brel=(["'])stylesheet\1)[^>]*?\bhref=(["'])([^"']+)\2[^>]*>/gi;

/** Images and fonts a view imports become data URLs: the document must carry everything. */
const ASSETS = Object.fromEntries(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg', '.woff', '.woff2'].map((ext) => [ext, 'dataurl']));

/** Is `ref` a file of the view (not `https://…`, `//host/…` or `data:…`)? */
function isLocal(ref) {
    return !/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(ref);
}

/** Bundles one entry (a script or a style sheet) into the text of its outputs. */
async function bundle(entry, logLevel) {
    const result = await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        outdir: 'out',
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        loader: ASSETS,
        logLevel,
    });
    const text = (ext) => result.outputFiles.filter((file) => file.path.endsWith(ext)).map((file) => file.text);
    return { js: text('.js').join('\n'), css: text('.css').join('\n') };
}

/**
 * Builds ui/<name>/index.html into dist/ui/<name>.html; returns the path written. `logLevel` is
 * esbuild's: 'silent' leaves reporting errors to the caller (the dev loop formats them itself).
 */
export async function buildView(name, { viewsDir = VIEWS_DIR, outDir = OUT_DIR, logLevel = 'warning' } = {}) {
    const dir = resolve(viewsDir, name);
    let html = await readFile(join(dir, 'index.html'), 'utf8');
    const styles = [];
    const inline = async (pattern, refIndex, replace) => {
        const found = [...html.matchAll(pattern)].filter((match) => isLocal(match[refIndex]));
        for (const match of found) {
            const built = await bundle(join(dir, match[refIndex]), logLevel);
            html = html.replace(match[0], () => replace(built));
        }
    };
    await inline(STYLESHEET, 3, ({ css }) => `<style>${css}</style>`);
    await inline(SCRIPT, 2, ({ js, css }) => {
        if (css) styles.push(css);
        return `<script type="module">${js}</script>`;
    });
    // CSS imported by the scripts goes at the end of <head>, after the view's own styles.
    if (styles.length > 0) html = html.replace(/<\/head>/i, (end) => `<style>${styles.join('\n')}</style>${end}`);
    const out = join(outDir, `${name}.html`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html);
    return out;
}

/** Builds every view (each folder of ui/ with an index.html); returns the paths written. */
export async function buildViews(options = {}) {
    const viewsDir = options.viewsDir ?? VIEWS_DIR;
    if (!existsSync(viewsDir)) return [];
    const entries = await readdir(viewsDir, { withFileTypes: true });
    const names = entries
        .filter((entry) => entry.isDirectory() && existsSync(join(viewsDir, entry.name, 'index.html')))
        .map((entry) => entry.name);
    return Promise.all(names.map((name) => buildView(name, options)));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
    for (const file of await buildViews()) console.error(`built ${file}`);
}
