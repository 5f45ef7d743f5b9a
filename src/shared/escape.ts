/**
 * Text from a spec or a document written into the generated files that are not TypeScript (those
 * go through codegen.ts): Markdown (README, AGENTS.md), HTML (the views' pages) and `.env` files. One function per kind of
 * place, so no value can add a line, a heading, a link, HTML or a variable: it shows as written.
 * JSON (JSON.stringify) and YAML (the yaml library's stringify) need nothing more. Pure.
 */
import { PRINTABLE_ASCII, isUnsafeChar } from './codegen.js';

/** Line breaks of every kind (CRLF, CR, LF, VT, FF, NEL, U+2028, U+2029) and tabs. */
const BREAKS = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;

/** One line: breaks and runs of spaces folded, the other unsafe characters written as `\uXXXX`. */
function foldLine(value: string): string {
    // Printable ASCII has no break and nothing unsafe: only its runs of spaces fold.
    let out = value;
    if (!PRINTABLE_ASCII.test(value)) {
        out = '';
        for (const ch of value.replace(BREAKS, ' ')) {
            const code = ch.codePointAt(0)!;
            out += isUnsafeChar(code) ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
        }
    }
    return out.replace(/ {2,}/g, ' ').trim();
}

/**
 * A value as one line of Markdown text that renders as written: line breaks folded, and every
 * character that could start emphasis, a link, an image, code, HTML, an entity, a table cell or
 * strikethrough backslash-escaped; a block marker at its start (`#`, `>`, `-`, `+`, `=`, `1.`)
 * too, for a value that starts a line.
 */
export function markdownText(value: string): string {
    return (
        foldLine(value)
            .replace(/[\\`*[\]<>|~&]/g, '\\$&')
            // `_` inside a word (`client_id`) never starts emphasis: only the others are escaped.
            .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
            .replace(/^[#+=-]/, '\\$&')
            .replace(/^(\d+)([.)])/, '$1\\$2')
    );
}

/**
 * A Markdown code span of the value: one line, fenced with more backticks than it holds (and
 * padded then, for a value that starts or ends with one), so nothing in it is read as Markdown.
 */
export function markdownCode(value: string): string {
    const text = foldLine(value);
    const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
    return fence.length > 1 ? `${fence} ${text} ${fence}` : `\`${text}\``;
}

/**
 * A value as one line of HTML text, in an element or a quoted attribute (a view's title): the
 * markup characters become character references, so nothing in it can open a tag or end the title.
 */
export function htmlText(value: string): string {
    return foldLine(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A comment line's text in a `.env` file: one line whatever the value holds. */
export function envComment(value: string): string {
    return foldLine(value);
}

/** Characters a `.env` value may hold unquoted: none that quotes, comments, expands or ends it. */
const ENV_PLAIN = /^[A-Za-z0-9_.,:/@%+=?!*()[\]{}~;-]*$/;

/**
 * A value after `NAME=` in a `.env` file, read back as written by Node's `--env-file` and by
 * dotenv: as it is when it holds only plain characters, else in single quotes (taken literally,
 * no `#` comment or `${}` expansion). A value no form keeps on one line unchanged (a line break,
 * a control character, or a single quote beside characters that need quoting) is refused: the
 * caller gives a safe example instead.
 */
export function envValue(value: string): string {
    if (ENV_PLAIN.test(value)) return value;
    if (!/['\\]/.test(value) && ![...value].some((ch) => isUnsafeChar(ch.codePointAt(0)!))) return `'${value}'`;
    throw new Error(`${JSON.stringify(value.slice(0, 40))} cannot be written as one .env value`);
}
