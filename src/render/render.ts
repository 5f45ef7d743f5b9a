/**
 * Produces the contents of every planned file. Pure: templates come in as data, contents go
 * out; nothing touches the disk.
 */
import { type Template, createEnvironment } from './handlebars.js';
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
}

/** Files that get the `file-header` partial on top, when a team defines one. */
const HEADED = /\.(ts|js|mjs)$/;

export function render(plan: Plan, templates: TemplateSet): RenderedFile[] {
    const env = createEnvironment(templates.helpers, templates.partials);
    // Every team template is compiled up front, so a syntax error fails before anything is written.
    const compiled = new Map<string, Template>();
    for (const [path, file] of templates.files) {
        if (path.endsWith('.hbs') && file.origin === 'team') compiled.set(path, env.compile(file.source, file.display));
    }
    const template = (path: string): Template => {
        let t = compiled.get(path);
        if (!t) {
            const file = templates.files.get(path)!;
            t = env.compile(file.source, file.display, file.precompiled);
            compiled.set(path, t);
        }
        return t;
    };
    const header = templates.partials['file-header'] !== undefined ? env.compile(templates.partials['file-header'], 'partials/file-header.hbs') : undefined;

    return plan.files.map((file) => {
        if ('text' in file) return { path: file.path, contents: file.text, origin: 'built-in' };
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
    const file = templates.files.get(path);
    if (!file) throw new Error(`missing template ${path}`);
    const env = createEnvironment(templates.helpers, templates.partials);
    return env.compile(file.source, file.display, file.precompiled)(context);
}
