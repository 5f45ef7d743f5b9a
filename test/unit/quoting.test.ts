/**
 * The quoting path of each output language, on arbitrary text: TypeScript string literals and
 * comments, Markdown text and code spans, `.env` comments and values. Whatever the text holds, it
 * cannot end what it sits in: a literal evaluates to the text, a comment stays one comment on one
 * line, Markdown has no markup of its own, a `.env` value is one line read back as written.
 */
import { parseEnv } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commentText, jsLiteral, jsString, propertyKey } from '../../src/shared/codegen.js';
import { envComment, envValue, markdownCode, markdownText } from '../../src/shared/escape.js';

/** Pieces that break naive quoting, and any Unicode. */
const hostileText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
        unit: fc.constantFrom(
            "'",
            '"',
            '`',
            '${',
            '}',
            '*/',
            '/*',
            '//',
            '-->',
            '<!--',
            '<script>',
            '[a](b)',
            '# ',
            '|',
            '{{',
            '\\',
            '\n',
            '\r',
            '\r\n',
            '\t',
            '\u000b',
            '\u000c',
            '\u0085',
            '\u2028',
            '\u2029',
            '\u0000',
            '\u001b[31m',
            '\u202e',
            '\ufeff',
            '\ud800',
            '#',
            '=',
            '$HOME',
            ' ',
            'a',
            '🚀',
        ),
        maxLength: 20,
    }),
);

/** JavaScript line terminators. */
const TERMINATORS = /[\n\r\u2028\u2029]/;

describe('TypeScript', () => {
    it('writes any text as a one-line string literal that evaluates to it, with nothing invisible in it', () => {
        fc.assert(
            fc.property(hostileText, (text) => {
                const literal = jsString(text);
                expect(literal).not.toMatch(TERMINATORS);
                expect(literal).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/);
                expect(new Function(`return ${literal};`)()).toBe(text);
            }),
        );
    });

    it('writes any text into a block or line comment that it cannot end', () => {
        fc.assert(
            fc.property(hostileText, (text) => {
                const inside = commentText(text);
                expect(inside).not.toMatch(TERMINATORS);
                expect(inside).not.toContain('*/');
                // Both kinds of comment stay comments: the code after them still runs, and only it.
                expect(new Function(`/* ${inside} */ return 1;`)()).toBe(1);
                expect(new Function(`// ${inside}\nreturn 2;`)()).toBe(2);
            }),
        );
    });

    it('keeps a property named __proto__ a property in an object literal', () => {
        expect(propertyKey('__proto__')).toBe("['__proto__']");
        const value = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}');
        const copy = new Function(`return ${jsLiteral(value)};`)();
        expect(Object.keys(copy)).toEqual(['__proto__', 'constructor']);
        expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    });
});

describe('Markdown', () => {
    it('writes any text as one line with no markup of its own', () => {
        fc.assert(
            fc.property(hostileText, (text) => {
                const line = markdownText(text);
                expect(line).not.toMatch(/[\n\r\u000b\u000c\u0085\u2028\u2029]/);
                // Every character that starts markup is escaped (`_` where it could: not inside a word);
                // a block marker cannot start the line.
                expect(line).not.toMatch(/(^|[^\\])(\\\\)*[`*[\]<>|~&]/);
                expect(line).not.toMatch(/(^|[^\\\p{L}\p{N}])(\\\\)*_|(^|[^\\])(\\\\)*_(?![\p{L}\p{N}])/u);
                expect(line).not.toMatch(/^[#+=-]|^\d+[.)]/);
                const span = markdownCode(text);
                expect(span).not.toMatch(/[\n\r\u2028\u2029]/);
            }),
        );
        expect(markdownText('a <img src=x> [b](c) `d` *e* | f\n# g')).toBe('a \\<img src=x\\> \\[b\\](c) \\`d\\` \\*e\\* \\| f # g');
        expect(markdownText('# Title')).toBe('\\# Title');
        expect(markdownText('1. one')).toBe('1\\. one');
        expect(markdownText('client_id and _emphasis_')).toBe('client_id and \\_emphasis\\_');
    });
});

describe('.env files', () => {
    it('writes a comment on one line, and a value Node reads back as written or not at all', () => {
        fc.assert(
            fc.property(hostileText, (text) => {
                expect(envComment(text)).not.toMatch(/[\n\r\u000b\u000c\u0085\u2028\u2029]/);
                let value: string;
                try {
                    value = envValue(text);
                } catch {
                    // Refused: the caller writes a safe example instead.
                    return;
                }
                expect(value).not.toMatch(/[\n\r]/);
                expect(parseEnv(`A=${value}\nB=after`)).toEqual({ A: text, B: 'after' });
            }),
        );
        expect(envValue('https://api.example.com/v1?x=1')).toBe('https://api.example.com/v1?x=1');
        expect(envValue('a #b ${HOME}')).toBe("'a #b ${HOME}'");
        expect(() => envValue('a\nB=1')).toThrow(/cannot be written as one \.env value/);
    });
});
