/**
 * `create-mcp-server add tool|resource|prompt`, inside a generated project: the new item goes
 * into `mcp-server.yaml`, gets its own file, and is registered and tested through the same
 * plan and templates as a new project. Files the change must touch are rewritten only when they
 * are still exactly as generated; a person's edits are never overwritten.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { type GenerateHooks, prepareIntegrations, renderWith } from './generate.js';
import { MCP_NAME, MCP_NAME_RULE } from '../shared/names.js';
import { resolveNameFromUri } from '../core/options.js';
import { quote, quotePath } from '../shared/quote.js';
import type { RenderedFile } from '../render/render.js';
import { type RawSpec, type Spec, SpecError, PARAM_TYPES, specToDocument, uriProblem, validateSpec } from '../core/spec.js';
import { parseSpecText } from '../core/spec-file.js';
import { loadTemplates } from '../render/templates.js';
import { BASE_FILE, baseSnapshot } from './update-base.js';
import { stagingDir, writeAtomically } from '../steps/write.js';

export type AddKind = 'tool' | 'resource' | 'prompt';
export const ADD_KINDS: readonly AddKind[] = ['tool', 'resource', 'prompt'];

export interface AddRequest {
    kind: AddKind;
    /** Tool or prompt name; for a resource, its URI. */
    target: string;
    description?: string;
    /** Resources: name (default: from the URI) and MIME type. */
    name?: string;
    mime?: string;
    /** Tools: `name:type[?][:description]`; `type[]` for arrays. */
    params?: string[];
    /** Prompts: `name[?][:description]`. */
    args?: string[];
}

export interface AddResult {
    directory: string;
    written: string[];
    /** Files that would have changed but were edited by hand, so were left alone. */
    skipped: string[];
}

export const SPEC_FILE = 'mcp-server.yaml';

/** Parses `--param name:type[?][:description]` into a spec parameter. */
export function parseParam(text: string): [string, Record<string, unknown>] {
    const match = /^([^:]+):([A-Za-z]+)(\[\])?(\?)?(?::(.*))?$/s.exec(text);
    if (!match) throw new UsageError(`--param ${quote(text)}: expected name:type[?][:description], e.g. limit:integer?:Max rows`);
    const [, name, type, list, optional, description] = match;
    const scalar = type!.toLowerCase();
    if (!(PARAM_TYPES as readonly string[]).includes(scalar) || (list && scalar === 'array')) {
        throw new UsageError(
            `--param ${quote(text)}: unknown type ${quote(`${type}${list ?? ''}`)}; expected string, number, integer, boolean, or one of those with [] for a list`,
        );
    }
    if (scalar === 'array') throw new UsageError(`--param ${quote(text)}: give the item type of a list, e.g. tags:string[]`);
    return [
        name!,
        {
            type: list ? 'array' : scalar,
            ...(list && { items: scalar }),
            ...(description !== undefined && { description }),
            ...(optional && { required: false }),
        },
    ];
}

/** Parses `--arg name[?][:description]` into a prompt argument. */
export function parseArg(text: string): Record<string, unknown> {
    const match = /^([^:?]+)(\?)?(?::(.*))?$/s.exec(text);
    if (!match) throw new UsageError(`--arg ${quote(text)}: expected name[?][:description], e.g. "period?:For example last week"`);
    const [, name, optional, description] = match;
    return { name, required: !optional, ...(description !== undefined && { description }) };
}

/** The raw spec item a request describes. */
export function itemFromRequest(request: AddRequest): Record<string, unknown> {
    switch (request.kind) {
        case 'tool': {
            if (!MCP_NAME.test(request.target)) throw new UsageError(`add tool: invalid name ${quote(request.target)}; expected ${MCP_NAME_RULE}`);
            const input = Object.fromEntries((request.params ?? []).map(parseParam));
            return {
                name: request.target,
                description: request.description ?? `${request.target} (skeleton: implement it in src/tools/)`,
                ...(Object.keys(input).length > 0 && { input }),
            };
        }
        case 'resource': {
            const problem = uriProblem(request.target);
            if (problem) throw new UsageError(`add resource: ${problem}`);
            return {
                name: request.name ?? resolveNameFromUri(request.target),
                uri: request.target,
                ...(request.description !== undefined && { description: request.description }),
                ...(request.mime !== undefined && { mimeType: request.mime }),
            };
        }
        case 'prompt': {
            if (!MCP_NAME.test(request.target)) throw new UsageError(`add prompt: invalid name ${quote(request.target)}; expected ${MCP_NAME_RULE}`);
            const args = (request.args ?? []).map(parseArg);
            return {
                name: request.target,
                description: request.description ?? `The ${request.target} prompt`,
                ...(args.length > 0 && { arguments: args }),
            };
        }
    }
}

/** Reads and validates the project's spec; a directory without one is not a generated project. */
export async function readProjectSpec(dir: string, command = 'add'): Promise<Spec> {
    let text: string;
    try {
        text = await readFile(join(dir, SPEC_FILE), 'utf8');
    } catch {
        throw new UsageError(`${command}: no ${SPEC_FILE} in ${quotePath(dir)}; run it inside a project made by create-mcp-server`);
    }
    return validateSpec(parseSpecText(text, SPEC_FILE), { name: 'mcp-server', description: 'An MCP server' }, SPEC_FILE);
}

async function readOrUndefined(path: string): Promise<string | undefined> {
    return readFile(path, 'utf8').catch(() => undefined);
}

/** Files people edit freely; when edited they are left alone instead of refusing the whole change. */
const ADVISORY = new Set(['README.md']);

export async function addItem(dir: string, request: AddRequest, templateDir?: string, hooks: GenerateHooks = {}): Promise<AddResult> {
    return addSpecItem(dir, request.kind, itemFromRequest(request), templateDir, hooks);
}

/** Adds one item, given as it would stand in the spec (from flags, or from questions on a terminal). */
export async function addSpecItem(
    dir: string,
    kind: AddKind,
    item: Record<string, unknown>,
    templateDir?: string,
    hooks: GenerateHooks = {},
): Promise<AddResult> {
    const before = await readProjectSpec(dir);
    const field = `${kind}s` as 'tools' | 'resources' | 'prompts';
    const raw = specToDocument(before) as RawSpec;
    raw[field] = [...((raw[field] as unknown[] | undefined) ?? []), item];
    let after: Spec;
    try {
        after = validateSpec(raw, { name: before.name, description: before.description });
    } catch (error) {
        if (error instanceof SpecError) throw new UsageError(`add ${kind}: ${error.problems[0]!.message}`);
        throw error;
    }

    // The spec lives in the project, so its relative paths (an integration's input) are read from there.
    const [templates, prepared] = await Promise.all([loadTemplates(templateDir), prepareIntegrations(before, dir)]);
    const [old, next] = [renderWith(before, templates, prepared), renderWith(after, templates, prepared)];
    const oldByPath = new Map(old.map((f) => [f.path, f.contents]));
    const changes: RenderedFile[] = [];
    const skipped: string[] = [];
    const conflicts: string[] = [];
    for (const file of next) {
        const previous = oldByPath.get(file.path);
        if (previous === file.contents) continue;
        const onDisk = await readOrUndefined(join(dir, file.path));
        if (onDisk === file.contents) continue;
        // The spec file is the source of truth: it is always rewritten, normalized.
        const untouched = file.path === SPEC_FILE || (previous === undefined ? onDisk === undefined : onDisk === previous);
        if (untouched) changes.push(file);
        else if (ADVISORY.has(file.path)) skipped.push(file.path);
        else conflicts.push(file.path);
    }
    if (conflicts.length > 0) {
        throw new UsageError(
            `add ${kind}: ${conflicts.join(', ')} ${conflicts.length === 1 ? 'was' : 'were'} changed by hand since generation, so it cannot be updated safely; nothing was written. ` +
                `Add the ${kind} to ${SPEC_FILE} and register it in src/server.ts yourself, or undo those edits and run add again.`,
        );
    }
    // What was generated is now the new rendering: the base of a later `update`.
    changes.push(baseSnapshot(next));
    // Staged and moved like a new project, and removed by the CLI if interrupted.
    const staging = stagingDir(dir);
    hooks.onStaging?.(staging);
    await writeAtomically(dir, staging, changes, true);
    hooks.onStaging?.(undefined);
    return { directory: dir, written: changes.map((f) => f.path).filter((path) => path !== BASE_FILE), skipped };
}
