/**
 * Live validation of single answers with the spec's own rules and wording: each check builds the
 * smallest spec holding the answer (plus what it must not clash with), runs `validateSpec` on it,
 * and returns the message of the problem found at the answer's place. Pure.
 */
import { PARAM_TYPES, type ParamType, type RawSpec, type ScalarType, SpecError, validateSpec } from '../core/spec.js';
import type { ParamDraft, PromptDraft, ResourceDraft, ToolDraft } from './answers.js';

const DEFAULTS = { name: 'wizard-check', description: 'wizard check' };

/** The message of the first problem at `path` (or inside it), or undefined when there is none. */
export function problemAt(raw: RawSpec, path: string): string | undefined {
    try {
        validateSpec(raw, DEFAULTS);
        return undefined;
    } catch (error) {
        if (!(error instanceof SpecError)) throw error;
        const found = error.problems.find((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
        return found?.message;
    }
}

/** What an answer must not clash with: the systems chosen and the items already described. */
export interface Context {
    systems?: unknown;
    /** The project serves HTTP: tools may have a rate limit. */
    http?: boolean;
    tools: ToolDraft[];
    resources: ResourceDraft[];
    prompts: PromptDraft[];
}

const asVerdict = (problem: string | undefined): true | string => problem ?? true;

export function checkDirectory(value: string): true | string {
    return value.trim() === '' ? 'must not be empty' : true;
}

export function checkPackageName(value: string): true | string {
    return asVerdict(problemAt({ name: value }, 'name'));
}

export function checkDescription(value: string): true | string {
    return asVerdict(problemAt({ description: value }, 'description'));
}

function withSystems(context: Context): RawSpec {
    return context.systems === undefined ? {} : { systems: context.systems };
}

export function checkToolName(value: string, context: Context): true | string {
    const tools = [...context.tools, { name: value, description: 'x' }];
    return asVerdict(problemAt({ ...withSystems(context), tools }, `tools[${tools.length - 1}].name`));
}

export function checkToolDescription(value: string): true | string {
    return asVerdict(problemAt({ tools: [{ name: 't', description: value }] }, 'tools[0].description'));
}

/** A tool's rate limit as typed (`30/minute`); empty means none. */
export function checkRateLimit(value: string): true | string {
    if (value === '') return true;
    return asVerdict(problemAt({ tools: [{ name: 't', description: 'x', rateLimit: value }] }, 'tools[0].rateLimit'));
}

export function checkParamName(value: string, existing: readonly string[]): true | string {
    if (existing.includes(value)) return `duplicate parameter "${value}"`;
    return asVerdict(problemAt({ tools: [{ name: 't', description: 'x', input: { [value]: { type: 'string' } } }] }, 'tools[0].input'));
}

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Reads a typed default as the parameter's type; text that does not fit stays text, so the validator names it. */
function parseScalar(text: string, type: ScalarType): unknown {
    const t = text.trim();
    switch (type) {
        case 'string':
            return text;
        case 'number':
        case 'integer':
            return NUMBER.test(t) ? Number(t) : t;
        case 'boolean':
            if (/^(?:true|yes|y)$/i.test(t)) return true;
            if (/^(?:false|no|n)$/i.test(t)) return false;
            return t;
    }
}

/**
 * A typed default value as the parameter takes it: text for strings, a number, true/false (yes/no),
 * and for arrays a comma-separated list (or a JSON list). Undefined for an empty answer.
 */
export function parseDefault(text: string, param: Pick<ParamDraft, 'type' | 'items'>): unknown {
    if (text.trim() === '') return undefined;
    if (param.type !== 'array') return parseScalar(text, param.type);
    const trimmed = text.trim();
    if (trimmed.startsWith('[')) {
        try {
            return JSON.parse(trimmed) as unknown;
        } catch {
            return trimmed;
        }
    }
    return trimmed.split(',').map((item) => parseScalar(param.items === 'string' ? item.trim() : item, param.items ?? 'string'));
}

export function checkDefault(text: string, param: Pick<ParamDraft, 'type' | 'items'>): true | string {
    const value = parseDefault(text, param);
    if (value === undefined) return true;
    const check = (p: Record<string, unknown>) => problemAt({ tools: [{ name: 't', description: 'x', input: { p } }] }, 'tools[0].input');
    const problem = check({ type: param.type, ...(param.items && { items: param.items }), default: value });
    if (problem && param.type === 'array' && Array.isArray(value)) {
        // Name the element that does not fit, in the spec's words for a scalar.
        for (const item of value) {
            const itemProblem = check({ type: param.items ?? 'string', default: item });
            if (itemProblem) return itemProblem;
        }
    }
    return asVerdict(problem);
}

export function checkResourceName(value: string, context: Context): true | string {
    const resources = [...context.resources, { name: value, uri: 'wizard-check://unused' }];
    return asVerdict(problemAt({ ...withSystems(context), resources }, `resources[${resources.length - 1}].name`));
}

export function checkResourceUri(value: string, context: Context): true | string {
    const resources = [...context.resources, { name: 'wizard-check-unused', uri: value }];
    return asVerdict(problemAt({ resources }, `resources[${resources.length - 1}].uri`));
}

export function checkMimeType(value: string): true | string {
    return asVerdict(problemAt({ resources: [{ name: 'r', uri: 'x://y', mimeType: value }] }, 'resources[0].mimeType'));
}

export function checkPromptName(value: string, context: Context): true | string {
    const prompts = [...context.prompts, { name: value }];
    return asVerdict(problemAt({ ...withSystems(context), prompts }, `prompts[${prompts.length - 1}].name`));
}

export function checkArgumentName(value: string, existing: readonly string[]): true | string {
    const args = [...existing.map((name) => ({ name })), { name: value }];
    return asVerdict(problemAt({ prompts: [{ name: 'p', arguments: args }] }, `prompts[0].arguments[${args.length - 1}]`));
}

export const SCALAR_PARAM_TYPES = PARAM_TYPES.filter((t): t is ScalarType => t !== 'array');
export type { ParamType };
