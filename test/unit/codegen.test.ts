import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as z from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { fitLine, jsLiteral, jsString, propertyKey, sampleValue, wrongValue, zodForParam } from '../../src/shared/codegen.js';
import type { ParamSpec } from '../../src/core/spec.js';

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
        [
            { type: 'integer', minimum: 1, maximum: 500, default: 20, required: false, description: 'Max rows' },
            "z.int().min(1).max(500).default(20).describe('Max rows')",
        ],
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

describe('integer parameters', () => {
    const schemaOf = (param: ParamSpec) => {
        const schema = new Function('z', `return (${zodForParam(param)});`)(z) as z.ZodType;
        return { schema, json: z.toJSONSchema(z.object({ p: schema }), { target: 'draft-2020-12', io: 'input' }).properties!.p as Record<string, unknown> };
    };

    it('advertise no bounds the spec did not set, and still refuse a fraction', () => {
        const unbounded = schemaOf({ type: 'integer', required: true });
        expect(unbounded.json).toEqual({ type: 'integer', multipleOf: 1 });
        expect(unbounded.schema.safeParse(1.5).success).toBe(false);
        expect(unbounded.schema.safeParse(-42).success).toBe(true);

        const floor = schemaOf({ type: 'integer', required: true, minimum: 1 });
        expect(floor.json).toEqual({ type: 'integer', multipleOf: 1, minimum: 1 });
        expect(floor.schema.safeParse(0).success).toBe(false);

        const bounded = schemaOf({ type: 'integer', required: true, minimum: 1, maximum: 500 });
        expect(bounded.json).toEqual({ type: 'integer', minimum: 1, maximum: 500 });
        expect(bounded.schema.safeParse(1.5).success).toBe(false);

        const list = schemaOf({ type: 'array', items: 'integer', required: false });
        expect(list.json).toEqual({ type: 'array', items: { type: 'integer', multipleOf: 1 } });
        expect(list.schema.safeParse([1, 2.5]).success).toBe(false);
    });
});

describe('fitLine lays out long lines as the generated project formatter does', () => {
    // Biome from this repository's devDependencies, with the generated projects' configuration.
    const biome = fileURLToPath(new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url));
    const config = mkdtempSync(join(tmpdir(), 'cms-fit-'));
    const template = readFileSync(new URL('../../templates/base/biome.json.hbs', import.meta.url), 'utf8');
    writeFileSync(join(config, 'biome.json'), template.replace(/\{\{[^}]*\}\}/g, '2.6.8'));
    afterAll(() => rmSync(config, { recursive: true, force: true }));
    const format = (source: string): string =>
        execFileSync(process.execPath, [biome, 'format', `--config-path=${config}`, '--stdin-file-path=fit.ts'], { input: source, encoding: 'utf8' });

    const text = fc.oneof(
        fc.string({ minLength: 0, maxLength: 160 }),
        fc.constantFrom(...hostile),
        fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '😀', 'é', 'מ'), maxLength: 120 }),
    );
    const word = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,14}$/);
    const param: fc.Arbitrary<ParamSpec> = fc
        .record(
            {
                type: fc.constantFrom('string', 'number', 'integer', 'boolean'),
                required: fc.boolean(),
                description: text,
                enum: fc.array(text, { minLength: 1, maxLength: 6 }),
                minimum: fc.integer({ min: -100000, max: 0 }),
                maximum: fc.integer({ min: 1, max: 100000000 }),
            },
            { requiredKeys: ['type', 'required'] },
        )
        .map((p) => {
            const { enum: values, minimum, maximum, ...rest } = p;
            const numeric = p.type === 'number' || p.type === 'integer';
            // Enums only on strings, bounds only on numbers: as the spec's validation allows.
            return { ...rest, ...(p.type === 'string' && { enum: values }), ...(numeric && { minimum, maximum }) } as ParamSpec;
        });
    const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
        value: fc.oneof(
            { depthSize: 'small' },
            text,
            fc.integer(),
            fc.boolean(),
            fc.array(tie('value'), { maxLength: 4 }),
            fc.dictionary(word, tie('value'), { maxKeys: 4 }),
        ),
    })).value;

    it('for zod parameters, literals and declarations at any width', () => {
        const cases = fc.sample(
            fc.tuple(fc.array(fc.tuple(word, param), { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(word, json), { minLength: 1, maxLength: 8 }), text),
            300,
        );
        // One file of many cases, formatted by one Biome run: each case must come back unchanged.
        const blocks = cases.map(([params, literals, description]) =>
            [
                `const description = ${jsString(description)};`,
                'export const input = z.object({',
                ...params.map(([key, p]) => `    ${propertyKey(key)}: ${zodForParam(p)},`),
                '});',
                'export const cases = [',
                '    {',
                ...literals.map(([key, value]) => `        ${propertyKey(key)}: ${jsLiteral(value)},`),
                '    },',
                `    ${jsLiteral(literals.map(([, value]) => value))},`,
                '];',
            ]
                .map(fitLine)
                .join('\n'),
        );
        const formatted = format(`${blocks.join('\n\n')}\n`).split('\n\n');
        blocks.forEach((block, index) => {
            expect(formatted[index]?.trimEnd(), JSON.stringify(cases[index])).toBe(block);
        });
    }, 60_000);
});
