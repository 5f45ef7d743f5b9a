import { describe, expect, it } from 'vitest';
import { jsLiteral, jsString, propertyKey, sampleValue, wrongValue, zodForParam } from '../../src/codegen.js';
import type { ParamSpec } from '../../src/spec.js';

/** Evaluates a generated expression the way the generated code will. */
const evaluate = (source: string): unknown => new Function(`return (${source});`)();

const hostile = [
    `quotes ' " and backticks \` and \${process.exit(1)}`,
    'comment end */ and start /* and {{handlebars}} and {{{triple}}}',
    'back\\slash \\n not a newline, but\nthis is one\r\nand a tab\t',
    'emoji 🚀🧪 and right-to-left שלום مرحبا and \u2028 line separator \u2029',
    '\u0000 nul and \u001b escape and lone surrogate \ud800',
    '',
];

describe('jsString', () => {
    it.each(hostile)('round-trips %j exactly', (value) => {
        const literal = jsString(value);
        expect(literal).not.toContain('\n');
        expect(evaluate(literal)).toBe(value);
    });
});

describe('jsLiteral', () => {
    it('writes nested data that evaluates to the same value', () => {
        const value = { a: [1, 'two', true, null], 'b-c': { 'd e': hostile[0] }, __proto__x: 1 };
        expect(evaluate(jsLiteral(value))).toEqual(value);
    });

    it('quotes keys that are not identifiers', () => {
        expect(propertyKey('limit')).toBe('limit');
        expect(propertyKey('max-rows')).toBe("'max-rows'");
        expect(propertyKey('default')).toBe('default');
    });
});

describe('zodForParam', () => {
    const p = (param: Partial<ParamSpec>): ParamSpec => ({ type: 'string', required: true, ...param });

    it.each<[Partial<ParamSpec>, string]>([
        [{}, 'z.string()'],
        [{ type: 'integer', minimum: 1, maximum: 500, default: 20, required: false, description: 'Max rows' }, "z.int().min(1).max(500).default(20).describe('Max rows')"],
        [{ enum: ['open', 'shipped'], required: false }, "z.enum(['open', 'shipped']).optional()"],
        [{ type: 'number', enum: [1, 2.5] }, 'z.literal([1, 2.5])'],
        [{ type: 'array', items: 'boolean', required: false }, 'z.array(z.boolean()).optional()'],
        [{ description: "it's `x`" }, 'z.string().describe("it\'s `x`")'],
        [{ description: `both ' and " and "` }, `z.string().describe('both \\' and " and "')`],
    ])('%j -> %s', (param, expected) => {
        expect(zodForParam(p(param))).toBe(expected);
    });
});

describe('sample and wrong values', () => {
    it('picks values the schema accepts', () => {
        expect(sampleValue({ type: 'integer', minimum: 3, required: true })).toBe(3);
        expect(sampleValue({ type: 'number', maximum: -5, required: true })).toBe(-5);
        expect(sampleValue({ type: 'string', enum: ['b', 'c'], required: true })).toBe('b');
        expect(sampleValue({ type: 'array', items: 'integer', required: true })).toEqual([1]);
        expect(sampleValue({ type: 'boolean', default: false, required: false })).toBe(false);
    });

    it('picks values of the wrong JSON type', () => {
        expect(typeof wrongValue({ type: 'string', required: true })).toBe('number');
        expect(typeof wrongValue({ type: 'integer', required: true })).toBe('string');
        expect(Array.isArray(wrongValue({ type: 'array', items: 'string', required: true }))).toBe(false);
    });
});
