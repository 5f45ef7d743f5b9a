/**
 * Tool names from operations: `operationId`, else method and path; only `[A-Za-z0-9_-]`; at most
 * 64 characters (a longer name is cut and ends in a short stable hash); never a name every
 * JavaScript object already has (`constructor`, `toString`: the SDK's tables would take it for a
 * tool already there); unique. Pure.
 */
import { OBJECT_MEMBERS } from '../../shared/names.js';
import { oneLine, quote } from '../../shared/quote.js';
import type { ApiOperation } from './model.js';

export const MAX_TOOL_NAME = 64;

/** FNV-1a: a short hash that is the same on every machine and run. */
export function shortHash(text: string): string {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, '0').slice(0, 6);
}

/** The name an operation asks for, before length and uniqueness: only allowed characters. */
export function baseName(operation: Pick<ApiOperation, 'operationId' | 'method' | 'path'>): string {
    const raw = operation.operationId ?? `${operation.method}_${operation.path.replace(/[{}]/g, '')}`;
    const cleaned = raw
        .replace(/[^A-Za-z0-9_-]+/g, '_')
        .replace(/_{2,}/g, '_')
        .replace(/^_+|_+$/g, '');
    return cleaned === '' ? operation.method : cleaned;
}

/** `name` cut to fit 64 characters with the hash of `key` (what identifies the operation). */
function withHash(name: string, key: string): string {
    const hash = shortHash(key);
    return `${name.slice(0, MAX_TOOL_NAME - hash.length - 1).replace(/[_-]+$/, '')}_${hash}`;
}

export interface Naming {
    name: string;
    /** Why the name differs from the operationId, when it does. */
    renamed?: string;
}

/**
 * Names every operation. `taken` holds names already in use (the project's own tools). Renames are
 * explained, so the CLI can print each one.
 */
export function nameOperations(operations: Pick<ApiOperation, 'operationId' | 'method' | 'path'>[], taken: Iterable<string> = []): Naming[] {
    const used = new Set(taken);
    const free = (name: string) => !used.has(name) && !OBJECT_MEMBERS.has(name);
    return operations.map((operation) => {
        const key = `${operation.method.toUpperCase()} ${operation.path}`;
        const base = baseName(operation);
        let name = base.length > MAX_TOOL_NAME ? withHash(base, key) : base;
        if (!free(name)) name = withHash(base, key);
        for (let n = 2; !free(name); n++) name = withHash(base, `${key}#${n}`);
        used.add(name);
        if (operation.operationId === undefined || name === operation.operationId) return { name };
        const why =
            name === base
                ? /^[A-Za-z0-9_-]+$/.test(operation.operationId)
                    ? 'runs of _ and _ at its ends are left out'
                    : 'characters outside A-Z a-z 0-9 _ -'
                : base.length > MAX_TOOL_NAME
                  ? `longer than ${MAX_TOOL_NAME} characters`
                  : OBJECT_MEMBERS.has(base)
                    ? 'a name every JavaScript object already has'
                    : 'the name was already taken';
        return { name, renamed: `operation ${quote(operation.operationId, 80)} (${oneLine(key, { max: 120 })}) is the tool ${name}: ${why}` };
    });
}
