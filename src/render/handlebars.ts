/**
 * Handlebars environments for rendering: each isolated from the global instance, strict
 * (a misspelled variable throws), without HTML escaping (the output is code and Markdown),
 * with the built-in helpers, a team's helpers and the partials registered once.
 */
import type HandlebarsModule from 'handlebars';
import { commentText, fitLine } from '../shared/codegen.js';
import { envComment, envValue, markdownCode, markdownText } from '../shared/escape.js';
import { TemplateError } from '../shared/errors.js';

export type Template = (context: unknown) => string;
export type Helper = (...args: unknown[]) => unknown;

/** The helpers every template can use (documented in docs/templates.md, "Helpers"). */
export const BUILT_IN_HELPERS: Record<string, Helper> = {
    /** Text safe inside a TypeScript comment, block or line: one line, cannot end the comment. */
    comment: (value: unknown) => commentText(String(value)),
    /** Equality, for `{{#if (eq a b)}}`. */
    eq: (a: unknown, b: unknown) => a === b,
    /** A Markdown inline code span of one line that survives backticks in the value. */
    code: (value: unknown) => markdownCode(String(value)),
    /** A block of code lines carrying spec values, each laid out as the project's formatter would (`{{#fit}}…{{/fit}}`). */
    fit(this: unknown, ...args: unknown[]) {
        const options = args[args.length - 1] as { fn: (context: unknown) => string };
        return options.fn(this).split('\n').map(fitLine).join('\n');
    },
    /** One line of Markdown text that shows as written (line breaks folded; Markdown, HTML and `|` escaped), for paragraphs, lists and tables. */
    oneLine: (value: unknown) => markdownText(String(value)),
    /** The text of a comment line in a `.env` file: one line. */
    envComment: (value: unknown) => envComment(String(value)),
    /** A value after `NAME=` in a `.env` file: one line, read back as written (quoted when it must be). */
    envValue: (value: unknown) => envValue(String(value)),
};

interface HelperOptions {
    loc?: { start: { line: number; column: number } };
}

/** Turns Handlebars' multi-line messages into one line that starts with the file and line. */
function describe(display: string, error: unknown): TemplateError {
    const message = error instanceof Error ? error.message : String(error);
    const parse = /^Parse error on line (\d+):[\s\S]*\n(Expecting .*|.*)$/.exec(message);
    if (parse) return new TemplateError(`${display}:${parse[1]}: syntax error: ${parse[2]}`);
    const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(message);
    if (missing) return new TemplateError(`${display}:${missing[2]}:${missing[3]}: unknown variable or helper "${missing[1]}"`);
    const located = /^(\d+):(\d+): ([\s\S]*)$/.exec(message);
    if (located) return new TemplateError(`${display}:${located[1]}:${located[2]}: ${located[3]}`);
    return new TemplateError(`${display}: ${message.split('\n')[0]}`);
}

export interface Environment {
    /**
     * Compiles a template; `display` is the path errors name. Syntax errors throw at once.
     * `precompiled` is the build's precompiled form of the same source, used instead when given.
     */
    compile(source: string, display: string, precompiled?: object): Template;
}

/** Handlebars, whole (with its compiler) or its runtime alone. */
export type Handlebars = typeof HandlebarsModule;

/**
 * The Handlebars to render with: its runtime alone when every template is precompiled (the built-in
 * set, as the build left it), so the compiler and what it needs (several times the runtime's size)
 * are never loaded; the whole of it when something has to be compiled.
 */
export async function loadHandlebars(compiler: boolean): Promise<Handlebars> {
    return compiler ? (await import('handlebars')).default : (await import('handlebars/runtime')).default;
}

export function createEnvironment(handlebars: Handlebars, helpers: Record<string, Helper>, partials: Record<string, string>): Environment {
    const hbs = handlebars.create();
    for (const [name, helper] of Object.entries({ ...BUILT_IN_HELPERS, ...helpers })) {
        // Each helper reports where it was called when it throws.
        hbs.registerHelper(name, function (this: unknown, ...args: unknown[]) {
            try {
                return helper.apply(this, args);
            } catch (error) {
                const loc = (args[args.length - 1] as HelperOptions | undefined)?.loc?.start;
                const reason = `helper "${name}" failed: ${error instanceof Error ? error.message : String(error)}`;
                throw new Error(loc ? `${loc.line}:${loc.column}: ${reason}` : reason);
            }
        });
    }
    for (const [name, source] of Object.entries(partials)) hbs.registerPartial(name, source);
    return {
        compile(source, display, precompiled) {
            let template: HandlebarsTemplateDelegate;
            if (precompiled) {
                template = hbs.template(precompiled as TemplateSpecification);
            } else {
                // loadTemplates loads the compiler whenever a template has no precompiled form.
                if (typeof hbs.compile !== 'function') throw new Error(`${display}: not precompiled, and the Handlebars compiler was not loaded`);
                try {
                    hbs.parse(source);
                } catch (error) {
                    throw describe(display, error);
                }
                template = hbs.compile(source, { strict: true, noEscape: true });
            }
            return (context) => {
                try {
                    return template(context);
                } catch (error) {
                    throw describe(display, error);
                }
            };
        },
    };
}
