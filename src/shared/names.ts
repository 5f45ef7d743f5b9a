/**
 * Naming rules and the safe derivation of identifiers and file names from wire names.
 * Pure functions only.
 */
import { quote } from './quote.js';

/** MCP tool/prompt/resource names: 1-128 of A-Z a-z 0-9 _ - . (the SEP-986 rule). */
export const MCP_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
export const MCP_NAME_RULE = '1-128 characters of A-Z a-z 0-9 _ - .';

/** Parameter and argument names: what survives as a JSON property and a readable key. */
export const PARAM_NAME = /^[A-Za-z_$][A-Za-z0-9_$.-]{0,63}$/;
export const PARAM_NAME_RULE = 'a letter, _ or $ followed by up to 63 of A-Z a-z 0-9 _ $ - .';

/** Property names that would corrupt or shadow an object's prototype when used as keys. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * The names every plain object already has (`constructor`, `toString`, `__proto__`, …): a tool,
 * resource or prompt cannot be called so, since the SDK keeps them in plain objects, and no
 * generated lookup by such a name can be told from the inherited member.
 */
export const OBJECT_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Returns why `name` is not a valid parameter name, or undefined when it is. */
export function paramNameProblem(name: string): string | undefined {
    if (!PARAM_NAME.test(name)) return `must be ${PARAM_NAME_RULE}`;
    if (FORBIDDEN_KEYS.has(name)) return `${quote(name)} is reserved by JavaScript objects; choose another name`;
    return undefined;
}

/** npm package names: lower case, URL-safe, optionally scoped, at most 214 characters. */
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Returns why `name` is not a valid npm package name, or undefined when it is. */
export function npmNameProblem(name: string): string | undefined {
    if (name.length === 0) return 'must not be empty';
    if (name.length > 214) return 'must be at most 214 characters';
    if (name !== name.toLowerCase()) return 'must be lower case';
    if (!NPM_NAME.test(name)) {
        return 'must be lower case letters, digits, "-", "." or "_" (optionally scoped as @scope/name), not starting with "." or "_"';
    }
    const bare = name.replace(/^@[^/]+\//, '');
    if (bare === 'node_modules' || bare === 'favicon.ico') return `"${bare}" is reserved by npm`;
    return undefined;
}

/** Turns an arbitrary directory basename into a valid npm name (for the default `--name`). */
export function toNpmName(raw: string): string {
    const cleaned = raw
        .trim()
        .toLowerCase()
        .replace(/\s+/g, '-')
        .replace(/^[._]+/, '')
        .replace(/[^a-z0-9._~-]+/g, '-')
        .replace(/-+/g, '-')
        .replace(/^-+|-+$/g, '');
    return cleaned || 'mcp-server';
}

/** Splits a wire name into words: `search_orders`, `search-orders`, `searchOrders`, `v2.lookup`. */
function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean);
}

/** PascalCase identifier part (`search_orders` -> `SearchOrders`); prefixed when it starts with a digit. */
export function pascalCase(name: string): string {
    const joined = words(name)
        .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
        .join('');
    if (joined === '') return 'Item';
    return /^[0-9]/.test(joined) ? `N${joined}` : joined;
}

/**
 * Device names Windows reserves in every folder, whatever the case and whatever extension follows
 * (`CON.ts` and `nul.test.ts` cannot be created or checked out there).
 */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** Is `base` (a file name without its extensions) one that Windows cannot hold? */
function isWindowsReserved(base: string): boolean {
    return WINDOWS_RESERVED.test(base.split('.')[0]!);
}

/**
 * The file basename for an item (no extension): the wire name with dots turned into underscores.
 * The MCP rule already limits names to A-Z a-z 0-9 _ - .; dots go because TypeScript treats
 * `x.d.ts` and `x.d.<ext>.ts` as declaration files (never emitted), and `.`/`..` are not files.
 * A Windows device name (`con`, `NUL`, `com1`) gets a trailing `_` (`con_.ts`), so the project can be
 * checked out on Windows; the item keeps its name on the wire.
 */
export function fileBase(name: string): string {
    const base = name.replace(/\./g, '_');
    return isWindowsReserved(base) ? `${base}_` : base;
}

/** Human title for a wire name when the spec gives none: `search_orders` -> `Search orders`. */
export function titleFromName(name: string): string {
    const text = words(name).join(' ').toLowerCase();
    return text ? text[0]!.toUpperCase() + text.slice(1) : name;
}
