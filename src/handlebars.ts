/**
 * The one Handlebars instance templates are rendered with: isolated from the global one,
 * strict (a misspelled variable throws), no HTML escaping (the output is code and Markdown),
 * helpers registered once.
 */
import Handlebars from 'handlebars';
import { commentText } from './codegen.js';

export type Template = (context: unknown) => string;

const hbs = Handlebars.create();

hbs.registerHelper({
    /** Text safe inside a block comment. */
    comment: (value: unknown) => commentText(String(value)),
    /** Equality, for `{{#if (eq a b)}}`. */
    eq: (a: unknown, b: unknown) => a === b,
    /** A Markdown inline code span that survives backticks in the value. */
    code: (value: unknown) => {
        const text = String(value);
        const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
        return fence.length > 1 ? `${fence} ${text} ${fence}` : `\`${text}\``;
    },
    /** One line of Markdown text (newlines folded), for tables and lists. */
    oneLine: (value: unknown) => String(value).replace(/\s*\r?\n\s*/g, ' ').replace(/\|/g, '\\|'),
});

/** Compiles a template's source; `name` is what errors say. */
export function compile(source: string, name: string): Template {
    const template = hbs.compile(source, { strict: true, noEscape: true });
    return (context) => {
        try {
            return template(context);
        } catch (error) {
            throw new TemplateError(name, error);
        }
    };
}

/** A template that failed to compile or render; the message names the template. */
export class TemplateError extends Error {
    override name = 'TemplateError';
    constructor(template: string, cause: unknown) {
        const reason = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
        super(`template ${template}: ${reason}`);
    }
}
