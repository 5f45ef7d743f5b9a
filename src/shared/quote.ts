/**
 * How messages show values people typed: escaped (JSON-style) so a newline or a control character
 * cannot break the one-line promise, and shortened with an ellipsis so a 10 000-character value
 * does not make a 10 000-character line. Every message that echoes user input goes through here.
 * Pure.
 */

/** Most characters a quoted value takes in a message, quotes excluded. */
export const QUOTE_MAX = 60;

/** JSON's own short escapes. */
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * Characters written as \uXXXX: C0 and C1 controls, DEL, the Unicode line and paragraph
 * separators, bidirectional overrides and isolates (which reorder what the reader sees), and
 * lone surrogates.
 */
const UNSAFE = /^[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]$/;

/** Without quotes around it, `"` and `\` need no escape (and Windows paths stay readable). */
function escapeChar(ch: string, quotes: boolean): string {
    if (!quotes && (ch === '"' || ch === '\\')) return ch;
    const short = SHORT[ch];
    if (short !== undefined) return short;
    return UNSAFE.test(ch) ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch;
}

/** Escapes `chars` (one code point each) and keeps at most `max` characters, marking a cut with "…". */
function clip(chars: Iterable<string>, max: number, quotes: boolean): { pieces: string[]; cut: boolean } {
    const out: string[] = [];
    let length = 0;
    for (const ch of chars) {
        const piece = escapeChar(ch, quotes);
        if (length + piece.length > max) {
            // Room for the ellipsis; an escape sequence or a surrogate pair is never split.
            while (out.length > 0 && length + 1 > max) length -= out.pop()!.length;
            return { pieces: out, cut: true };
        }
        out.push(piece);
        length += piece.length;
    }
    return { pieces: out, cut: false };
}

/** `"value"`, escaped and shortened to at most `max` characters between the quotes (the start is kept). */
export function quote(value: string, max = QUOTE_MAX): string {
    const { pieces, cut } = clip(value, max, true);
    return `"${pieces.join('')}${cut ? '…' : ''}"`;
}

/**
 * A value shown without quotes (a path, a file name, a line of another program's output), escaped
 * and shortened. Paths keep their end, where the name that matters is: `…/projects/my-server`.
 */
export function oneLine(value: string, { max = QUOTE_MAX, keep = 'start' }: { max?: number; keep?: 'start' | 'end' } = {}): string {
    if (keep === 'start') {
        const { pieces, cut } = clip(value, max, false);
        return `${pieces.join('')}${cut ? '…' : ''}`;
    }
    // From the end: clip the code points in reverse, then put the escaped pieces back in order.
    const { pieces, cut } = clip(Array.from(value).reverse(), max, false);
    return `${cut ? '…' : ''}${pieces.reverse().join('')}`;
}

/** A path as messages show it: escaped, and at most `max` characters keeping its end. */
export function quotePath(path: string, max = 80): string {
    return oneLine(path, { max, keep: 'end' });
}

/**
 * Text from an input (a document's title, a tag, an operation id) in a message: as it is when it
 * is short and plain (letters, digits, spaces and common punctuation), else quoted and escaped,
 * so no control character, line break or escape sequence reaches the terminal.
 */
export function shown(value: string, max = QUOTE_MAX): string {
    return value.length <= max && /^[\p{L}\p{N} _.,:;/()+#@'&-]*$/u.test(value) && value.trim() === value && value !== '' ? value : quote(value, max);
}
