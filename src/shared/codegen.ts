/**
 * Small, pure generators of TypeScript source fragments. Every value taken from a spec reaches
 * generated code through these functions, never by raw interpolation, so any string
 * (quotes, backticks, `${}`, `*\/`, newlines, emoji) survives byte for byte.
 */
import type { ParamSpec, ScalarType } from './spec-types.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Only printable ASCII (space to `~`): characters no generated text escapes for being unsafe. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A JavaScript string literal for any string: single-quoted, or double-quoted when that needs
 * fewer escapes (as Prettier chooses).
 */
export function jsString(value: string): string {
    const singles = value.split("'").length - 1;
    const doubles = value.split('"').length - 1;
    const quote = doubles < singles ? '"' : "'";
    // Printable ASCII without the quote or a backslash: nothing to escape.
    if (PRINTABLE_ASCII.test(value) && !value.includes('\\') && !value.includes(quote)) return quote + value + quote;
    let out = quote;
    for (const ch of value) {
        const code = ch.codePointAt(0)!;
        if (ch === quote) out += `\\${quote}`;
        else if (ch === '\\') out += '\\\\';
        else if (ch === '\n') out += '\\n';
        else if (ch === '\r') out += '\\r';
        else if (ch === '\t') out += '\\t';
        // Control characters, line/paragraph separators and lone surrogates are escaped so the
        // source stays on one line and valid UTF-8; bidirectional controls and the BOM, so what a
        // reader sees is what the string holds.
        else if (isUnsafeChar(code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
        else out += ch;
    }
    return out + quote;
}

/**
 * Characters a generated file never holds as they are: C0 and C1 controls, DEL, the line and
 * paragraph separators (line terminators for JavaScript), bidirectional overrides and isolates
 * (which reorder what a reader sees), the BOM, and lone surrogates (not valid UTF-8).
 */
export function isUnsafeChar(code: number): boolean {
    return (
        code < 0x20 ||
        (code >= 0x7f && code <= 0x9f) ||
        code === 0x2028 ||
        code === 0x2029 ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069) ||
        code === 0xfeff ||
        (code >= 0xd800 && code <= 0xdfff)
    );
}

/**
 * An object key: bare when it is an identifier, quoted otherwise. `__proto__` is computed
 * (`['__proto__']`): written bare or quoted in an object literal it would set the prototype
 * instead of making a property.
 */
export function propertyKey(name: string): string {
    if (name === '__proto__') return `[${jsString(name)}]`;
    return IDENTIFIER.test(name) ? name : jsString(name);
}

/** A JavaScript literal for JSON-like data (strings single-quoted, keys bare where possible). */
export function jsLiteral(value: unknown): string {
    if (typeof value === 'string') return jsString(value);
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(jsLiteral).join(', ')}]`;
    if (typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        if (entries.length === 0) return '{}';
        return `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${jsLiteral(v)}`).join(', ')} }`;
    }
    throw new TypeError(`cannot write ${typeof value} as a literal`);
}

/**
 * Text for inside a comment, block (`/* … *\/`) or line (`// …`): one line whatever it holds.
 * Every JavaScript line terminator (`\n`, `\r`, U+2028, U+2029) becomes a space, `*\/` cannot
 * close the comment, and the other unsafe characters (controls, bidirectional overrides) are
 * written as `\uXXXX`, so nothing in it can end the comment or hide what follows.
 */
export function commentText(value: string): string {
    let out = '';
    for (const ch of value.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ')) {
        const code = ch.codePointAt(0)!;
        out += isUnsafeChar(code) ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    }
    return out.replace(/\*\//g, '*\\/');
}

/**
 * An integer is a number that is a multiple of 1, typed `integer` for clients: `z.int()` would
 * validate the same but advertise ±(2^53 - 1) as bounds to every client, bounds the spec never set.
 */
const INTEGER = "z.number().multipleOf(1).meta({ type: 'integer' })";

function scalarZod(type: ScalarType): string {
    return type === 'integer' ? INTEGER : `z.${type}()`;
}

/** The zod 4 expression for one tool parameter. */
export function zodForParam(param: ParamSpec): string {
    let expr: string;
    if (param.enum && param.type === 'string') {
        expr = `z.enum(${jsLiteral(param.enum)})`;
    } else if (param.enum) {
        expr = `z.literal(${jsLiteral(param.enum)})`;
    } else if (param.type === 'array') {
        expr = `z.array(${scalarZod(param.items!)})`;
    } else if (param.type === 'integer' && param.minimum !== undefined && param.maximum !== undefined) {
        // With both bounds given, z.int() advertises exactly those.
        expr = 'z.int()';
    } else {
        expr = scalarZod(param.type);
    }
    if (param.minimum !== undefined) expr += `.min(${param.minimum})`;
    if (param.maximum !== undefined) expr += `.max(${param.maximum})`;
    if (param.default !== undefined) expr += `.default(${jsLiteral(param.default)})`;
    else if (!param.required) expr += '.optional()';
    if (param.description !== undefined) expr += `.describe(${jsString(param.description)})`;
    return expr;
}

function sampleScalar(type: ScalarType, param: ParamSpec): unknown {
    switch (type) {
        case 'string':
            return 'example';
        case 'boolean':
            return true;
        case 'number':
        case 'integer': {
            const { minimum: min, maximum: max } = param;
            if (min !== undefined) return type === 'integer' ? Math.ceil(min) : min;
            if (max !== undefined) return Math.min(max, 1);
            return 1;
        }
    }
}

/** A value the parameter accepts, for generated tests and examples. */
export function sampleValue(param: ParamSpec): unknown {
    if (param.default !== undefined) return param.default;
    if (param.enum) return param.enum[0];
    if (param.type === 'array') return [sampleScalar(param.items!, { ...param, minimum: undefined, maximum: undefined })];
    return sampleScalar(param.type, param);
}

/** Calls a tool's schema must refuse, each with why (for generated tests): as few as cover the rules. */
export function invalidCalls(input: Record<string, ParamSpec>): { why: string; args: Record<string, unknown> }[] {
    const entries = Object.entries(input);
    const valid = Object.fromEntries(entries.map(([key, p]) => [key, sampleValue(p)]));
    const calls: { why: string; args: Record<string, unknown> }[] = [];
    const first = entries[0];
    if (first) calls.push({ why: `a wrongly typed ${first[0]}`, args: { ...valid, [first[0]]: wrongValue(first[1]) } });
    const required = entries.find(([, p]) => p.required);
    if (required) {
        const { [required[0]]: _omitted, ...rest } = valid;
        calls.push({ why: `no ${required[0]}`, args: rest });
    }
    const bounded = entries.find(([, p]) => p.minimum !== undefined || p.maximum !== undefined);
    if (bounded) {
        const [key, p] = bounded;
        const out = p.minimum !== undefined ? p.minimum - 1 : p.maximum! + 1;
        calls.push({ why: `${key} out of range`, args: { ...valid, [key]: out } });
    }
    const enumerated = entries.find(([, p]) => p.enum !== undefined && p.type === 'string');
    if (enumerated) calls.push({ why: `${enumerated[0]} not in its enum`, args: { ...valid, [enumerated[0]]: `${enumerated[1].enum!.join('')}-other` } });
    return calls;
}

/** A value of the wrong JSON type for the parameter, which its schema must reject. */
export function wrongValue(param: ParamSpec): unknown {
    switch (param.type) {
        case 'string':
            return 12345;
        case 'array':
            return 'not-a-list';
        default:
            return `not-a-${param.type}`;
    }
}

// ---------------------------------------------------------------------------------------------
// Line fitting: generated lines that carry values from the spec can be of any length. `fitLine`
// lays such a line out as the generated project's formatter (Biome, `npm run check`) would, so a
// long description or a wide literal never leaves a project that fails its own check.
// It understands what this module writes: literals, `z.…()` chains, and calls with literal
// arguments, on a line `key: value,`, `value,` or `const name = value;`.
// ---------------------------------------------------------------------------------------------

/** The formatter's line width and indentation (templates/base/biome.json). */
export const LINE_WIDTH = 140;
const INDENT = 4;

interface Link {
    /** `.name`, or '' for the call of the head itself. */
    name: string;
    args: Node[] | undefined;
}

type Node =
    | { kind: 'atom'; text: string; string: boolean }
    | { kind: 'array'; items: Node[] }
    | { kind: 'object'; props: { key: string; value: Node }[] }
    | { kind: 'chain'; head: string; links: Link[] };

const BEYOND_LATIN = /[^\u0000-\u02ff]/;

/** Display width: wide and emoji characters count two columns, combining marks none. */
export function textWidth(text: string): number {
    // Most text has no character past U+02FF: one column each, counted without walking it.
    if (!BEYOND_LATIN.test(text)) return text.length;
    let width = 0;
    for (const ch of text) {
        const code = ch.codePointAt(0)!;
        if ((code >= 0x300 && code <= 0x36f) || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) continue;
        const wide =
            (code >= 0x1100 && code <= 0x115f) ||
            (code >= 0x2e80 && code <= 0xa4cf) ||
            (code >= 0xac00 && code <= 0xd7a3) ||
            (code >= 0xf900 && code <= 0xfaff) ||
            (code >= 0xfe30 && code <= 0xfe4f) ||
            (code >= 0xff00 && code <= 0xff60) ||
            (code >= 0xffe0 && code <= 0xffe6) ||
            (code >= 0x1f300 && code <= 0x1faff) ||
            (code >= 0x20000 && code <= 0x3fffd);
        width += wide ? 2 : 1;
    }
    return width;
}

class Parser {
    private pos = 0;
    constructor(private readonly src: string) {}

    done(): boolean {
        this.skip();
        return this.pos >= this.src.length;
    }

    rest(): string {
        return this.src.slice(this.pos);
    }

    private skip(): void {
        while (this.src[this.pos] === ' ') this.pos++;
    }

    peek(token: string): boolean {
        this.skip();
        return this.src.startsWith(token, this.pos);
    }

    eat(token: string): boolean {
        if (!this.peek(token)) return false;
        this.pos += token.length;
        return true;
    }

    private expect(token: string): void {
        if (!this.eat(token)) throw new SyntaxError(`expected ${token}`);
    }

    string(): string | undefined {
        this.skip();
        const quote = this.src[this.pos];
        if (quote !== "'" && quote !== '"') return undefined;
        let end = this.pos + 1;
        while (end < this.src.length && this.src[end] !== quote) end += this.src[end] === '\\' ? 2 : 1;
        if (end >= this.src.length) throw new SyntaxError('unterminated string');
        const text = this.src.slice(this.pos, end + 1);
        this.pos = end + 1;
        return text;
    }

    word(): string | undefined {
        this.skip();
        const match = /^(-?[0-9][0-9.e+-]*|[A-Za-z_$][A-Za-z0-9_$]*)/.exec(this.src.slice(this.pos));
        if (!match) return undefined;
        this.pos += match[0].length;
        return match[0];
    }

    value(): Node {
        const text = this.string();
        if (text !== undefined) return { kind: 'atom', text, string: true };
        if (this.eat('[')) {
            const items: Node[] = [];
            while (!this.eat(']')) {
                items.push(this.value());
                if (!this.eat(',')) {
                    this.expect(']');
                    break;
                }
            }
            return { kind: 'array', items };
        }
        if (this.eat('{')) {
            const props: { key: string; value: Node }[] = [];
            while (!this.eat('}')) {
                const key = this.string() ?? this.word();
                if (key === undefined) throw new SyntaxError('expected a key');
                this.expect(':');
                props.push({ key, value: this.value() });
                if (!this.eat(',')) {
                    this.expect('}');
                    break;
                }
            }
            return { kind: 'object', props };
        }
        const head = this.word();
        if (head === undefined) throw new SyntaxError(`unexpected ${this.rest().slice(0, 10)}`);
        const links: Link[] = [];
        for (;;) {
            if (this.eat('(')) {
                const args: Node[] = [];
                while (!this.eat(')')) {
                    args.push(this.value());
                    if (!this.eat(',')) {
                        this.expect(')');
                        break;
                    }
                }
                if (links.length === 0) links.push({ name: '', args });
                else links[links.length - 1]!.args = args;
            } else if (this.peek('.') && !/^\.[0-9]/.test(this.rest().trimStart())) {
                this.expect('.');
                const name = this.word();
                if (name === undefined) throw new SyntaxError('expected a property name');
                links.push({ name, args: undefined });
            } else break;
        }
        if (links.length === 0) return { kind: 'atom', text: head, string: false };
        return { kind: 'chain', head, links };
    }
}

function flat(node: Node): string {
    switch (node.kind) {
        case 'atom':
            return node.text;
        case 'array':
            return `[${node.items.map(flat).join(', ')}]`;
        case 'object':
            return node.props.length === 0 ? '{}' : `{ ${node.props.map((p) => `${p.key}: ${flat(p.value)}`).join(', ')} }`;
        case 'chain':
            return node.head + node.links.map((l) => `${l.name ? `.${l.name}` : ''}${l.args ? `(${l.args.map(flat).join(', ')})` : ''}`).join('');
    }
}

/** Breaks whatever the width: an array of two or more objects (or arrays) of more than one entry each (as Prettier and Biome do). */
function mustBreak(node: Node): boolean {
    switch (node.kind) {
        case 'atom':
            return false;
        case 'array':
            return (
                (node.items.length > 1 &&
                    node.items.every(
                        (i) => i.kind === node.items[0]!.kind && ((i.kind === 'object' && i.props.length > 1) || (i.kind === 'array' && i.items.length > 1)),
                    )) ||
                node.items.some(mustBreak)
            );
        case 'object':
            return node.props.some((p) => mustBreak(p.value));
        case 'chain':
            return node.links.some((l) => l.args?.some(mustBreak));
    }
}

const pad = (indent: number) => ' '.repeat(indent);

/** `node` printed at column `column` of a line indented `indent`, followed by `tail` on its last line. */
function layout(node: Node, indent: number, column: number, tail: string): string {
    const text = flat(node);
    if (!mustBreak(node) && column + textWidth(text) + textWidth(tail) <= LINE_WIDTH) return text;
    const inner = indent + INDENT;
    switch (node.kind) {
        case 'atom':
            return text;
        case 'array': {
            if (node.items.length > 0 && node.items.every((i) => i.kind === 'atom' && !i.string)) {
                // Numbers fill the lines.
                let out = `[\n${pad(inner)}`;
                let width = inner;
                node.items.forEach((item, index) => {
                    const piece = item.kind === 'atom' ? item.text : '';
                    const last = index === node.items.length - 1;
                    if (index > 0) {
                        if (width + 1 + piece.length + 1 > LINE_WIDTH) {
                            out += `\n${pad(inner)}`;
                            width = inner;
                        } else {
                            out += ' ';
                            width += 1;
                        }
                    }
                    out += `${piece},`;
                    width += piece.length + 1;
                    if (last) out += `\n${pad(indent)}]`;
                });
                return out;
            }
            return `[\n${node.items.map((i) => `${pad(inner)}${layout(i, inner, inner, ',')},\n`).join('')}${pad(indent)}]`;
        }
        case 'object':
            return `{\n${node.props.map((p) => `${pad(inner)}${property(p.key, p.value, inner, ',')},\n`).join('')}${pad(indent)}}`;
        case 'chain': {
            const calls = node.links.filter((l) => l.args !== undefined).length;
            const printLink = (link: Link, at: number, col: number, last: boolean) => {
                const name = link.name ? `.${link.name}` : '';
                return name + (link.args ? callArgs(link.args, at, col + textWidth(name), last ? tail : '') : '');
            };
            if (calls >= 2 && node.links[0]!.name !== '') {
                // A member chain: one call per line.
                return node.head + node.links.map((l, index) => `\n${pad(inner)}${printLink(l, inner, inner, index === node.links.length - 1)}`).join('');
            }
            const head = node.head;
            let out = head;
            let col = column + textWidth(head);
            node.links.forEach((l, index) => {
                const piece = printLink(l, indent, col, index === node.links.length - 1);
                out += piece;
                col += textWidth(piece);
            });
            return out;
        }
    }
}

/** Call arguments `(…)` starting at column `column`: flat, hugging a last array or object, or one per line. */
function callArgs(args: Node[], indent: number, column: number, tail: string): string {
    const text = `(${args.map(flat).join(', ')})`;
    if (!args.some(mustBreak) && column + textWidth(text) + textWidth(tail) <= LINE_WIDTH) return text;
    const last = args[args.length - 1];
    if (args.length === 1 && last && (last.kind === 'array' || last.kind === 'object') && (last.kind === 'array' ? last.items.length : last.props.length) > 0) {
        return `(${layout(last, indent, column + 1, `)${tail}`)})`;
    }
    const inner = indent + INDENT;
    return `(\n${args.map((a) => `${pad(inner)}${layout(a, inner, inner, ',')},\n`).join('')}${pad(indent)})`;
}

/** `key: value` at `indent`, as the formatter lays out an object property. */
function property(key: string, value: Node, indent: number, tail: string): string {
    const head = `${key}: `;
    const text = flat(value);
    if (value.kind === 'atom' && value.string && indent + textWidth(head + text + tail) > LINE_WIDTH && textWidth(key) >= INDENT + 3) {
        // A long string under a long key moves to the next line.
        return `${key}:\n${pad(indent + INDENT)}${text}`;
    }
    return head + layout(value, indent, indent + textWidth(head), tail);
}

/**
 * One generated line laid out as the formatter would: `line` is `<indent>key: value,`,
 * `<indent>value,`, `<indent>const name = value;` with a value this module writes, or a function
 * signature whose parameters have no parentheses. Lines that fit,
 * and lines it does not understand, are returned as they are.
 */
export function fitLine(line: string): string {
    const indent = line.length - line.trimStart().length;
    // Most lines are short and not literals at all: those stay as they are without parsing.
    if (textWidth(line) <= LINE_WIDTH && !/\[\s*[[{]/.test(line)) return line;
    const signature = /^((?:export )?(?:async )?function [A-Za-z_$][\w$]*)\(([^()]*)\)(: [^{}]+)? \{$/.exec(line.slice(indent));
    if (signature) {
        // A function whose signature does not fit: one parameter per line.
        const params = signature[2]!.split(', ').filter((p) => p !== '');
        if (textWidth(line) <= LINE_WIDTH || params.length === 0) return line;
        return `${pad(indent)}${signature[1]}(\n${params.map((p) => `${pad(indent + INDENT)}${p},\n`).join('')}${pad(indent)})${signature[3] ?? ''} {`;
    }
    try {
        const body = line.slice(indent);
        const declaration = /^((?:export )?const [A-Za-z_$][\w$]*(?:: [A-Za-z_$][\w$[\]]*)? = )/.exec(body);
        const parser = new Parser(declaration ? body.slice(declaration[1]!.length) : body);
        let key: string | undefined;
        let value: Node;
        if (declaration) value = parser.value();
        else {
            const first = parser.value();
            if (first.kind === 'atom' && parser.eat(':')) {
                key = first.text;
                value = parser.value();
            } else value = first;
        }
        const tail = parser.rest().trim();
        if (tail !== '' && tail !== ',' && tail !== ';') return line;
        if (textWidth(line) <= LINE_WIDTH && !mustBreak(value)) return line;
        if (declaration) {
            const text = flat(value);
            if (value.kind === 'atom' && value.string) return `${pad(indent)}${declaration[1]!.trimEnd()}\n${pad(indent + INDENT)}${text}${tail}`;
            return `${pad(indent)}${declaration[1]}${layout(value, indent, indent + declaration[1]!.length, tail)}${tail}`;
        }
        if (key !== undefined) return `${pad(indent)}${property(key, value, indent, tail)}${tail}`;
        return `${pad(indent)}${layout(value, indent, indent, tail)}${tail}`;
    } catch {
        return line;
    }
}
