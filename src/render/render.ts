/**
 * Produces the contents of every planned file. Pure: templates come in as data, contents go
 * out; nothing touches the disk.
 */
import { type Environment, type Handlebars, type Template, createEnvironment } from './handlebars.js';
import type { Plan } from '../core/plan.js';
import { projectPathProblem } from '../core/project-paths.js';
import { UsageError } from '../shared/errors.js';
import { quote } from '../shared/quote.js';
import type { TemplateSet } from './templates.js';

export interface RenderedFile {
    path: string;
    contents: string;
    /** Which template set the file came from (generated files, like package.json, are built-in). */
    origin: 'built-in' | 'team';
    /** Written by code rather than a template (package.json, an integration's generated data). */
    data?: true;
    /** The contents' UTF-8, when they were at hand (a document copied as it was read). */
    bytes?: Uint8Array;
}

/** Files that get the `file-header` partial on top, when a team defines one. */
const HEADED = /\.(ts|js|mjs)$/;

/** A Handlebars environment and the templates compiled in it, by path and source. */
interface Compiler {
    env: Environment;
    compiled: Map<string, Template>;
}

/**
 * The compiler of template sets without helpers or partials of a team's (the built-in set alone),
 * kept across renders: `add` and `update` render twice, and tests many times, so each template is
 * compiled once per process.
 */
const plain = new Map<Handlebars, Compiler>();

function compilerFor(templates: TemplateSet): Compiler {
    if (Object.keys(templates.helpers).length > 0 || Object.keys(templates.partials).length > 0) {
        return { env: createEnvironment(templates.handlebars, templates.helpers, templates.partials), compiled: new Map() };
    }
    let compiler = plain.get(templates.handlebars);
    if (!compiler) {
        compiler = { env: createEnvironment(templates.handlebars, {}, {}), compiled: new Map() };
        plain.set(templates.handlebars, compiler);
    }
    return compiler;
}

/** The compiled template at `path` of the set (compiled on first use). */
function compiledTemplate(templates: TemplateSet, compiler: Compiler, path: string): Template {
    const file = templates.files.get(path);
    if (!file) throw new Error(`missing template ${path}`);
    const key = `${path}\0${file.source}`;
    let template = compiler.compiled.get(key);
    if (!template) {
        template = compiler.env.compile(file.source, file.display, file.precompiled);
        compiler.compiled.set(key, template);
    }
    return template;
}

export function render(plan: Plan, templates: TemplateSet): RenderedFile[] {
    const compiler = compilerFor(templates);
    // Every team template is compiled up front, so a syntax error fails before anything is written.
    for (const [path, file] of templates.files) {
        if (path.endsWith('.hbs') && file.origin === 'team') compiledTemplate(templates, compiler, path);
    }
    const template = (path: string): Template => compiledTemplate(templates, compiler, path);
    const env = compiler.env;
    const header = templates.partials['file-header'] !== undefined ? env.compile(templates.partials['file-header'], 'partials/file-header.hbs') : undefined;

    return plan.files.map((file) => {
        if ('text' in file) return { path: file.path, contents: file.text, origin: 'built-in', data: true, ...(file.bytes && { bytes: file.bytes }) };
        const source = templates.files.get(file.template);
        if (!source) throw new Error(`missing template ${file.template}`);
        // A team's file name decides where it lands: never outside the project, never in its .git.
        const problem = projectPathProblem(file.path);
        if (problem) throw new UsageError(`${source.display}: it would write ${quote(file.path)}, which ${problem}; nothing was written`);
        // Only `.hbs` files are templates; everything else is copied as it is.
        let contents = file.template.endsWith('.hbs') ? template(file.template)(file.context) : source.source;
        if (header && HEADED.test(file.path)) {
            const text = header(plan.view);
            // A shebang must stay on the first line.
            const shebang = /^#!.*\n/.exec(contents)?.[0] ?? '';
            contents = shebang + text + contents.slice(shebang.length);
        }
        return { path: file.path, contents, origin: source.origin };
    });
}

/** Renders one template of the set with `context` (README sections that are templates). */
export function renderTemplate(templates: TemplateSet, path: string, context: unknown): string {
    return compiledTemplate(templates, compilerFor(templates), path)(context);
}
