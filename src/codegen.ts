/**
 * Small, pure generators of TypeScript source fragments. Every value taken from a spec reaches
 * generated code through these functions, never by raw interpolation, so any string
 * (quotes, backticks, `${}`, `*\/`, newlines, emoji) survives byte for byte.
 */
import type { ParamSpec, ScalarType } from './spec.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A JavaScript string literal for any string: single-quoted, or double-quoted when that needs
 * fewer escapes (as Prettier chooses).
 */
export function jsString(value: string): string {
    const singles = value.split("'").length - 1;
    const doubles = value.split('"').length - 1;
    const quote = doubles < singles ? '"' : "'";
    let out = quote;
    for (const ch of value) {
        const code = ch.codePointAt(0)!;
        if (ch === quote) out += `\\${quote}`;
        else if (ch === '\\') out += '\\\\';
        else if (ch === '\n') out += '\\n';
        else if (ch === '\r') out += '\\r';
        else if (ch === '\t') out += '\\t';
        // Control characters, line/paragraph separators and lone surrogates are escaped so the
        // source stays on one line and valid UTF-8.
        else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) {
            out += `\\u${code.toString(16).padStart(4, '0')}`;
        } else out += ch;
    }
    return out + quote;
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
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

/** Text for inside a block comment: cannot close the comment early. */
export function commentText(value: string): string {
    return value.replace(/\*\//g, '*\\/').replace(/\r?\n/g, ' ');
}

function scalarZod(type: ScalarType): string {
    return type === 'integer' ? 'z.int()' : `z.${type}()`;
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
            return 'not-a-' + param.type;
    }
}
