/**
 * Regular expressions of a document (`pattern`, `patternProperties`) as JSON Schema 2020-12 and
 * the SDK's validator take them: ECMAScript in Unicode mode (ajv compiles with the `u` flag).
 * Documents are written in ECMAScript without that flag (JSON Schema drafts 4 to 7, OpenAPI 2.0 and
 * 3.0), whose Annex B grammar accepts much that Unicode mode refuses: `\:`, `\#`, `\,` and other
 * identity escapes, lone `{`, `}` and `]`, legacy octal escapes. Those are rewritten into what
 * they mean there; what has no faithful rewrite is reported, and the caller leaves the pattern out
 * (checking less rather than refusing values the API accepts). Pure.
 */

/** Characters that keep their backslash in Unicode mode (SyntaxCharacter and `/`). */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
/** Escapes with a meaning in both modes. */
const CLASS_ESCAPES = new Set('dDwWsS');
const CONTROL_ESCAPES = new Set('fnrtv');
const HEX = /^[0-9a-fA-F]$/;

/** Compiles in Unicode mode, as ajv does. */
function compiles(source: string, unicode: boolean): boolean {
    try {
        new RegExp(source, unicode ? 'u' : '');
        return true;
    } catch {
        return false;
    }
}

/** Capturing groups and whether any is named (they decide what `\1` and `\k` mean). */
function groups(source: string): { count: number; named: boolean } {
    let count = 0;
    let named = false;
    let inClass = false;
    for (let i = 0; i < source.length; i++) {
        const c = source[i]!;
        if (c === '\\') i++;
        else if (inClass) inClass = c !== ']';
        else if (c === '[') inClass = true;
        else if (c === '(') {
            if (source[i + 1] !== '?') count++;
            else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
                count++;
                named = true;
            }
        }
    }
    return { count, named };
}

/** A literal character, escaped where Unicode mode needs it. */
function literal(char: string, inClass: boolean): string {
    if (inClass) return char === '-' || char === ']' || char === '\\' || char === '^' ? `\\${char}` : char;
    return SYNTAX.has(char) ? `\\${char}` : char;
}

/** `\xHH` for a character code below 256. */
const hexEscape = (code: number) => `\\x${code.toString(16).padStart(2, '0')}`;

/**
 * The escape at `source[i]` (the backslash) rewritten for Unicode mode: [text, characters read],
 * or undefined when it has no faithful rewrite (a letter escape from another dialect, such as
 * PCRE's `\A`, `\Z` or `\h`, whose literal ECMAScript meaning is surely not what was meant).
 */
function rewriteEscape(source: string, i: number, inClass: boolean, context: { count: number; named: boolean }): [string, number] | undefined {
    const c = source[i + 1];
    if (c === undefined) return undefined;
    if (CLASS_ESCAPES.has(c) || CONTROL_ESCAPES.has(c)) return [`\\${c}`, 2];
    if (c === 'b' || c === 'B') return inClass && c === 'B' ? undefined : [`\\${c}`, 2];
    if (c === 'c') return /[A-Za-z]/.test(source[i + 2] ?? '') ? [source.slice(i, i + 3), 3] : undefined;
    if (c === 'x') return HEX.test(source[i + 2] ?? '') && HEX.test(source[i + 3] ?? '') ? [source.slice(i, i + 4), 4] : ['x', 2];
    if (c === 'u') {
        const hex = source.slice(i + 2, i + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) return [source.slice(i, i + 6), 6];
        // `\u{…}` means a code point only in Unicode mode, which is what its author wrote it for.
        const point = /^\{[0-9a-fA-F]+\}/.exec(source.slice(i + 2));
        return point ? [`\\u${point[0]}`, 2 + point[0].length] : ['u', 2];
    }
    if (c === 'p' || c === 'P') {
        // Literal `p{…}` without the flag, a Unicode property with it: the property is what authors mean,
        // named as ECMAScript names it (`Han` is `Script=Han`; Java's `IsLetter` is `Letter`).
        const end = source.indexOf('}', i);
        if (source[i + 2] !== '{' || end < 0) return undefined;
        const name = source.slice(i + 3, end);
        const bare = name.replace(/^(Is|In)(?=[A-Z])/, '');
        const known = [name, `Script=${name}`, bare, `Script=${bare}`].find((n) => compiles(`\\p{${n}}`, true));
        return known === undefined ? undefined : [`\\${c}{${known}}`, end + 1 - i];
    }
    if (c === 'k') {
        if (!context.named) return ['k', 2];
        const end = source.indexOf('>', i);
        return source[i + 2] === '<' && end > 0 ? [source.slice(i, end + 1), end + 1 - i] : undefined;
    }
    if (/[0-9]/.test(c)) {
        // `\0` alone is NUL; a back-reference names an existing group; otherwise a legacy octal escape
        // (`\8` and `\9` are the digits themselves).
        const digits = /^[0-9]+/.exec(source.slice(i + 1))![0];
        if (c === '0' && !/[0-9]/.test(digits[1] ?? '')) return ['\\0', 2];
        if (!inClass && c !== '0' && Number(digits) <= context.count) return [`\\${digits}`, 1 + digits.length];
        if (c === '8' || c === '9') return [c, 2];
        const octal = /^[0-7]{1,3}/.exec(digits)![0];
        const value = octal.length === 3 && Number.parseInt(octal, 8) > 0o377 ? octal.slice(0, 2) : octal;
        return [hexEscape(Number.parseInt(value, 8)), 1 + value.length];
    }
    if (c === '-') return [inClass ? '\\-' : '-', 2];
    if (SYNTAX.has(c)) return [`\\${c}`, 2];
    if (/[A-Za-z]/.test(c)) return undefined;
    // An identity escape of any other character (`\:`, `\#`, `\,`, `\"`, `\ `, `\é`…): the character.
    const char = String.fromCodePoint(source.codePointAt(i + 1)!);
    return [literal(char, inClass), 1 + char.length];
}

/** A quantifier in braces starting at `source[i]`: `{n}`, `{n,}`, `{n,m}`. */
const QUANTIFIER = /^\{[0-9]+(,[0-9]*)?\}/;

/**
 * The pattern as ECMAScript in Unicode mode: unchanged when it compiles there, rewritten when its
 * non-Unicode meaning can be written in Unicode mode, undefined when not.
 */
export function unicodePattern(source: string): string | undefined {
    if (compiles(source, true)) return source;
    if (!compiles(source, false)) return undefined;
    const context = groups(source);
    let out = '';
    let inClass = false;
    /** Inside a class, the previous item was a class escape (`\d`): a `-` after it is a literal. */
    let afterClassEscape = false;
    for (let i = 0; i < source.length; ) {
        const c = source[i]!;
        if (c === '\\') {
            const rewritten = rewriteEscape(source, i, inClass, context);
            if (!rewritten) return undefined;
            out += rewritten[0];
            afterClassEscape = inClass && (CLASS_ESCAPES.has(source[i + 1]!) || source[i + 1] === 'p' || source[i + 1] === 'P');
            i += rewritten[1];
            continue;
        }
        if (inClass) {
            if (c === ']') inClass = false;
            else if (c === '-' && (afterClassEscape || (source[i + 1] === '\\' && CLASS_ESCAPES.has(source[i + 2] ?? '')))) {
                // `[\w-z]` and `[a-\d]` are ranges of nothing: the `-` is literal without the flag.
                out += '\\-';
                afterClassEscape = false;
                i++;
                continue;
            }
            afterClassEscape = false;
            out += c;
            i++;
            continue;
        }
        if (c === '[') {
            inClass = true;
            out += c;
            // A `^` or `]` right after the opening bracket is written as it is.
            if (source[i + 1] === '^') {
                out += '^';
                i++;
            }
            i++;
            continue;
        }
        if (c === '{') {
            const quantifier = QUANTIFIER.exec(source.slice(i));
            if (quantifier) {
                out += quantifier[0];
                i += quantifier[0].length;
                continue;
            }
            out += '\\{';
            i++;
            continue;
        }
        out += c === '}' || c === ']' ? `\\${c}` : c;
        i++;
    }
    return compiles(out, true) ? out : undefined;
}
