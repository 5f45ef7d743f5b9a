/**
 * Typed integration options: checking a value from a spec or a wizard answer, reading one from a
 * flag's text, and filling defaults. Pure.
 */
import { oneLine, quote } from '../shared/quote.js';
import type { IntegrationOption, OptionValue } from './types.js';

function oneOf(words: readonly string[]): string {
    return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function show(value: unknown): string {
    if (typeof value === 'string') return quote(value);
    const text = JSON.stringify(value) ?? String(value);
    return oneLine(text);
}

/** Returns why `value` is not allowed for the option, or undefined when it is. */
export function optionProblem(option: IntegrationOption, value: unknown): string | undefined {
    switch (option.type) {
        case 'integer':
            if (!Number.isInteger(value) || (value as number) < option.min || (value as number) > option.max) {
                return `expected a whole number from ${option.min} to ${option.max}, got ${show(value)}`;
            }
            return undefined;
        case 'boolean':
            return typeof value === 'boolean' ? undefined : `expected true or false, got ${show(value)}`;
        case 'string':
        case 'path':
            if (typeof value !== 'string' || value.trim() === '') return `expected ${option.type === 'path' ? 'a path' : 'text'}, got ${show(value)}`;
            return undefined;
        case 'url': {
            const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
            if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return `expected an http(s) URL, got ${show(value)}`;
            return undefined;
        }
        case 'enum':
            return typeof value === 'string' && option.values.includes(value) ? undefined : `expected ${oneOf(option.values)}, got ${show(value)}`;
        case 'list': {
            if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) return `expected a list of text, got ${show(value)}`;
            const bad = option.values && value.find((v) => !option.values!.includes(v as string));
            return bad === undefined ? undefined : `unknown value ${show(bad)}; expected ${oneOf(option.values!)}`;
        }
    }
}

/**
 * Reads an option's value from text (a flag, a wizard answer): numbers and booleans parsed, lists
 * split on commas. The result still goes through optionProblem.
 */
export function parseOptionText(option: IntegrationOption, text: string): unknown {
    const trimmed = text.trim();
    switch (option.type) {
        case 'integer':
            return trimmed === '' ? Number.NaN : Number(trimmed);
        case 'boolean':
            return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
        case 'list':
            return trimmed
                .split(',')
                .map((v) => v.trim())
                .filter(Boolean);
        default:
            return trimmed;
    }
}

/** The option's default as text for a prompt, or '' when it has none. */
/** What a flag's value is called in `--help` and messages: `--openapi <file-or-url>`. */
export function optionPlaceholder(option: IntegrationOption): string {
    if (option.placeholder) return option.placeholder;
    return { integer: 'n', string: 'value', path: 'path', url: 'url', enum: 'value', list: 'list', boolean: 'value' }[option.type];
}

export function optionDefaultText(option: IntegrationOption): string {
    if (option.default === undefined) return '';
    return Array.isArray(option.default) ? option.default.join(',') : String(option.default);
}

/** Options with defaults filled in (an option without a default and without a value is left out). */
export function optionValues(options: Record<string, IntegrationOption> | undefined, given: Record<string, unknown>): Record<string, OptionValue> {
    const values: Record<string, OptionValue> = {};
    for (const [key, option] of Object.entries(options ?? {})) {
        const value = (given[key] as OptionValue | undefined) ?? option.default;
        if (value !== undefined) values[key] = value;
    }
    return values;
}
