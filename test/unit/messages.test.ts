/**
 * Every error that echoes a value people typed stays one line of bounded length, whatever the
 * value: up to 10 000 characters, with newlines, control characters, quotes, separators and lone
 * surrogates. Properties over the pure entry points (flags, spec fields, `add` arguments, the
 * target directory) and over `quote` itself. test/cli/messages.test.ts runs the built binary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemFromRequest, parseArg, parseParam } from '../../src/commands/add.js';
import { OPTION_FLAGS } from '../../src/integrations/index.js';
import { type CliFlags, camelCase, finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { QUOTE_MAX, oneLine, quote, quotePath } from '../../src/shared/quote.js';
import { type RawSpec, validateSpec } from '../../src/core/spec.js';
import { checkTargetPolicy } from '../../src/steps/write.js';

/** The longest any message may be: the longest fixed wording plus two quoted values. */
export const MAX_MESSAGE = 400;

/** Characters that end a line on a terminal or in an editor, or that nobody can see. */
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Text that tries every way to break a line or grow a message. */
const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 10_000 }),
    fc.string({
        unit: fc.constantFrom('\n', '\r\n', '\t', '\u0000', '\u001b[31m', '\u2028', '\u202e', '"', '\\', "'", 'a', '.', '-', ' ', '{', '}', ':', '?', '\ud800'),
        maxLength: 2_000,
    }),
    // Long values that pass the character rules, so checks that look further are reached too.
    fc
        .tuple(
            fc.constantFrom('a', 'A_', 'x.', 'docs://', '@s/', 'io.github.x/', 'q:'),
            fc.integer({ min: 1, max: 10_000 }),
            fc.constantFrom('', '\n', 'b\nc', '{v}', '[]'),
        )
        .map(([head, n, tail]) => head + 'a'.repeat(n) + tail),
);

const environment = { cwd: '/tmp', env: {}, isTTY: false };
const flags = (more: Partial<CliFlags>): CliFlags => ({ install: false, git: false, yes: true, ...more });

/** Runs `fn`; when it throws, the message must be one bounded line. Returns the message, if any. */
function messageOf(fn: () => unknown): string | undefined {
    try {
        fn();
        return undefined;
    } catch (error) {
        const message = (error as Error).message;
        expect(message, JSON.stringify(message.slice(0, 200))).not.toMatch(BREAKS);
        expect(message.length, message.slice(0, 200)).toBeLessThanOrEqual(MAX_MESSAGE);
        return message;
    }
}

/** A spec with `value` placed at one field; the field is chosen by `at`. */
const SPEC_PLACES: ((v: string) => RawSpec)[] = [
    (v) => ({ name: v }),
    (v) => ({ version: v }),
    (v) => ({ registryName: v }),
    (v) => ({ transports: [v] }),
    (v) => ({ systems: [v] }),
    (v) => ({ systems: [{ type: v }] }),
    (v) => ({ systems: [{ type: 'postgres', maxRows: v }] }),
    (v) => ({ systems: [{ type: 'postgres', [v]: 1 }] }),
    (v) => ({ [v]: 1 }) as RawSpec,
    (v) => ({ features: { [v]: true } }) as RawSpec,
    (v) => ({ tools: [{ name: v, description: 'd' }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', input: { [v]: { type: 'string' } } }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', input: { q: { type: v } } }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', input: { q: { type: 'array', items: v } } }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', input: { q: { type: 'integer', enum: [v] } } }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', input: { q: { type: 'integer', default: v } } }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', input: { q: { type: 'string', enum: ['a'], default: v } } }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', [v]: 1 }] }),
    (v) => ({ tools: [{ name: 't', description: 'd', annotations: { [v]: true } }] }),
    (v) => ({ tools: [{ name: 't', description: v, title: 5 }] }),
    (v) => ({ resources: [{ name: 'r', uri: v }] }),
    (v) => ({ resources: [{ name: v, uri: 'docs://x' }] }),
    (v) => ({
        resources: [
            { name: 'a', uri: v },
            { name: 'b', uri: v },
        ],
    }),
    (v) => ({ prompts: [{ name: v }] }),
    (v) => ({ prompts: [{ name: 'p', arguments: [{ name: v }] }] }),
    (v) => ({ prompts: [{ name: 'p', arguments: [{ name: 'a' }, { name: 'a', [v]: 1 }] }] }),
    (v) => ({
        tools: [
            { name: 'Same', description: 'd' },
            { name: 'same', description: v },
        ],
    }),
];

const FLAG_PLACES: ((v: string) => Partial<CliFlags>)[] = [
    (v) => ({ name: v }),
    (v) => ({ transport: v }),
    (v) => ({ with: v }),
    (v) => ({ tool: [v] }),
    (v) => ({ resource: [v] }),
    (v) => ({ prompt: [v] }),
    (v) => ({ registryName: v }),
    (v) => ({ pm: v }),
    // Every integration option that has a flag (`--auth`, `--openapi`, …), as it comes to exist.
    ...OPTION_FLAGS.map(
        ({ option }) =>
            (v: string) =>
                ({ [camelCase(option.flag)]: v }) as Partial<CliFlags>,
    ),
];

describe('quote', () => {
    it('is JSON-escaped, one line, and at most QUOTE_MAX characters between its quotes', () => {
        fc.assert(
            fc.property(hostile, (value) => {
                const q = quote(value);
                expect(q).not.toMatch(BREAKS);
                expect(q.length).toBeLessThanOrEqual(QUOTE_MAX + 2);
                expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
                // Unshortened, it reads back as the value; shortened, as a prefix of it with an ellipsis.
                if (!q.endsWith('…"')) expect(JSON.parse(q)).toBe(value);
                else expect(value.startsWith(JSON.parse(`${q.slice(0, -2)}"`) as string)).toBe(true);
            }),
            { numRuns: 300 },
        );
    });

    it('shows short values as they are, and cuts long ones without splitting an escape', () => {
        expect(quote('search_orders')).toBe('"search_orders"');
        expect(quote('a\nb "c"')).toBe('"a\\nb \\"c\\""');
        expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(59)}…"`);
        expect(quote(`${'x'.repeat(58)}\n`)).toBe(`"${'x'.repeat(58)}\\n"`);
        expect(quote(`${'x'.repeat(58)}\u0000yy`)).toBe(`"${'x'.repeat(58)}…"`);
        expect(quote('\u202egnp.exe')).toBe('"\\u202egnp.exe"');
        expect(quotePath(`/home/me/${'deep/'.repeat(30)}my-server`)).toMatch(/^…[^…]*\/my-server$/);
        expect(oneLine('line one\nline two')).toBe('line one\\nline two');
    });
});

describe('error messages echo values shortened and escaped', () => {
    it('in every spec field', () => {
        fc.assert(
            fc.property(hostile, fc.nat(SPEC_PLACES.length - 1), (value, at) => {
                messageOf(() => validateSpec(SPEC_PLACES[at]!(value), { name: 'demo', description: 'Demo' }, `dir/${value}.yaml`));
            }),
            { numRuns: 400 },
        );
    });

    it('in every flag', () => {
        fc.assert(
            fc.property(hostile, fc.nat(FLAG_PLACES.length - 1), (value, at) => {
                messageOf(() => finalizeOptions(resolveOptions(undefined, flags(FLAG_PLACES[at]!(value)), environment), environment));
            }),
            { numRuns: 300 },
        );
    });

    it('in a spec file that is not a mapping, and in the directory argument', () => {
        fc.assert(
            fc.property(hostile, (value) => {
                messageOf(() => resolveOptions(undefined, flags({}), environment, { file: value, data: [] }));
                messageOf(() => checkTargetPolicy({ exists: true, entries: [value, value, value, value] }, value, false));
            }),
            { numRuns: 100 },
        );
    });

    it('in add arguments', () => {
        fc.assert(
            fc.property(hostile, fc.constantFrom('tool', 'resource', 'prompt') as fc.Arbitrary<'tool' | 'resource' | 'prompt'>, (value, kind) => {
                messageOf(() => itemFromRequest({ kind, target: value }));
                messageOf(() => itemFromRequest({ kind: 'tool', target: 't', params: [value] }));
                messageOf(() => itemFromRequest({ kind: 'prompt', target: 'p', args: [value] }));
                messageOf(() => parseParam(`q:${value}`));
                messageOf(() => parseArg(value));
            }),
            { numRuns: 300 },
        );
    });

    it('says which value it means, in a form that names it', () => {
        const message = messageOf(() => resolveOptions(undefined, flags({ tool: [`bad name\n${'x'.repeat(10_000)}`] }), environment));
        expect(message).toBe(`--tool: invalid name "bad name\\n${'x'.repeat(49)}…"; expected 1-128 characters of A-Z a-z 0-9 _ - .`);
    });
});
