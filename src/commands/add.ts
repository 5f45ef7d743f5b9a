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
import { merge3 } from '../core/merge.js';
import { MCP_NAME, MCP_NAME_RULE, fileBase } from '../shared/names.js';
import { activeIntegrations, itemsOf } from '../integrations/index.js';
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

/** An interactive view (MCP Apps) as flags describe it: `add tool --ui`, `add view`. */
export interface ViewRequest {
    title?: string;
    prefersBorder?: boolean;
    connectDomains?: string[];
    resourceDomains?: string[];
}

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
    /** Tools: an interactive view (MCP Apps); `true` for one without options. */
    ui?: true | ViewRequest;
    /** Tools: the fields of the structured result, as `params`; whether it asks the user first (`true`, `optional`). */
    output?: string[];
    confirm?: string | boolean;
    /** Resources: clients may subscribe; how long 2026-07-28 clients may cache a read (seconds). */
    subscribe?: boolean;
    ttl?: string;
    /** Any item: an https URL or a data: URI (an image file is embedded by the caller, which reads it). */
    icon?: string;
}

export interface AddResult {
    directory: string;
    written: string[];
    /** Files that would have changed but were edited by hand, so were left alone. */
    skipped: string[];
}

export const SPEC_FILE = 'mcp-server.yaml';

/** Parses `--param name:type[?][:description]` into a spec parameter. */
export function parseParam(text: string, flag = '--param'): [string, Record<string, unknown>] {
    const match = /^([^:]+):([A-Za-z]+)(\[\])?(\?)?(?::(.*))?$/s.exec(text);
    if (!match) throw new UsageError(`${flag} ${quote(text)}: expected name:type[?][:description], e.g. limit:integer?:Max rows`);
    const [, name, type, list, optional, description] = match;
    const scalar = type!.toLowerCase();
    if (!(PARAM_TYPES as readonly string[]).includes(scalar) || (list && scalar === 'array')) {
        throw new UsageError(
            `${flag} ${quote(text)}: unknown type ${quote(`${type}${list ?? ''}`)}; expected string, number, integer, boolean, or one of those with [] for a list`,
        );
    }
    if (scalar === 'array') throw new UsageError(`${flag} ${quote(text)}: give the item type of a list, e.g. tags:string[]`);
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

/** A view as the spec writes it: `true` without options, else the options given. */
export function viewFromRequest(view: true | ViewRequest): true | Record<string, unknown> {
    if (view === true) return true;
    const csp = {
        ...(view.connectDomains?.length && { connectDomains: view.connectDomains }),
        ...(view.resourceDomains?.length && { resourceDomains: view.resourceDomains }),
    };
    const ui = {
        ...(view.title !== undefined && { title: view.title }),
        ...(view.prefersBorder !== undefined && { prefersBorder: view.prefersBorder }),
        ...(Object.keys(csp).length > 0 && { csp }),
    };
    return Object.keys(ui).length > 0 ? ui : true;
}

/** `--confirm` alone asks always; `--confirm optional` only where the client can ask. */
function confirmFlag(value: string | boolean): true | 'optional' {
    if (value === true || value === 'always') return true;
    if (value === 'optional') return 'optional';
    throw new UsageError(`--confirm ${quote(String(value))}: expected always (the default) or optional`);
}

/** The raw spec item a request describes. */
export function itemFromRequest(request: AddRequest): Record<string, unknown> {
    if (request.ui && request.kind !== 'tool') throw new UsageError(`add ${request.kind}: a view (--ui) belongs to a tool`);
    switch (request.kind) {
        case 'tool': {
            if (!MCP_NAME.test(request.target)) throw new UsageError(`add tool: invalid name ${quote(request.target)}; expected ${MCP_NAME_RULE}`);
            const input = Object.fromEntries((request.params ?? []).map((text) => parseParam(text)));
            const output = Object.fromEntries((request.output ?? []).map((text) => parseParam(text, '--output')));
            return {
                name: request.target,
                description: request.description ?? `${request.target} (skeleton: implement it in src/tools/)`,
                ...(request.ui && { ui: viewFromRequest(request.ui) }),
                ...(Object.keys(input).length > 0 && { input }),
                ...(Object.keys(output).length > 0 && { output }),
                ...(request.confirm !== undefined && { confirm: confirmFlag(request.confirm) }),
                ...(request.icon !== undefined && { icon: request.icon }),
            };
        }
        case 'resource': {
            const problem = uriProblem(request.target);
            if (problem) throw new UsageError(`add resource: ${problem}`);
            const ttl = request.ttl === undefined ? undefined : Number(request.ttl);
            if (ttl !== undefined && !/^\d+$/.test(request.ttl!)) throw new UsageError(`--ttl ${quote(request.ttl!)}: expected whole seconds, e.g. 60`);
            return {
                name: request.name ?? resolveNameFromUri(request.target),
                uri: request.target,
                ...(request.description !== undefined && { description: request.description }),
                ...(request.mime !== undefined && { mimeType: request.mime }),
                ...(request.icon !== undefined && { icon: request.icon }),
                ...(request.subscribe && { subscribe: true }),
                ...(ttl !== undefined && { ttl }),
            };
        }
        case 'prompt': {
            if (!MCP_NAME.test(request.target)) throw new UsageError(`add prompt: invalid name ${quote(request.target)}; expected ${MCP_NAME_RULE}`);
            const args = (request.args ?? []).map(parseArg);
            return {
                name: request.target,
                description: request.description ?? `The ${request.target} prompt`,
                ...(args.length > 0 && { arguments: args }),
                ...(request.icon !== undefined && { icon: request.icon }),
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
    const after = validateChange(raw, before, `add ${kind}`);
    const fixByHand = `Add the ${kind} to ${SPEC_FILE} and register it in src/server.ts yourself`;
    return writeChange(dir, before, after, { label: `add ${kind}`, fixByHand, templateDir, hooks });
}

/**
 * `add view <tool>`: gives a tool of the spec an interactive view (MCP Apps). The tool's file has
 * usually been implemented by then, so files edited by hand are merged three ways (what was generated,
 * the file as it is, the new rendering); a change in lines that were edited refuses the whole change.
 */
export async function addView(dir: string, tool: string, view: true | ViewRequest, templateDir?: string, hooks: GenerateHooks = {}): Promise<AddResult> {
    const before = await readProjectSpec(dir);
    const index = before.tools.findIndex((t) => t.name === tool);
    if (index < 0) {
        const from = activeIntegrations(before).find(({ integration, ctx }) =>
            itemsOf(integration, ctx).some((item) => item.kind === 'tool' && ('spec' in item ? item.spec.name : (item.names ?? [item.name])).includes(tool)),
        );
        if (from)
            throw new UsageError(`add view: tool ${quote(tool)} comes from ${from.integration.label}; only the tools of ${SPEC_FILE} (tools:) can have a view`);
        const names = before.tools.map((t) => t.name);
        const known = names.length === 0 ? 'it has none' : `it has ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;
        const hint = MCP_NAME.test(tool) ? `; to add a tool with a view: create-mcp-server add tool ${tool} --ui` : '';
        throw new UsageError(`add view: no tool ${quote(tool)} in ${SPEC_FILE} (${known})${hint}`);
    }
    if (before.tools[index]!.ui) throw new UsageError(`add view: tool ${quote(tool)} already has a view (ui/${fileBase(tool)}/)`);
    const raw = specToDocument(before) as RawSpec;
    const tools = [...(raw.tools as Record<string, unknown>[])];
    tools[index] = { ...tools[index], ui: viewFromRequest(view) };
    raw.tools = tools;
    const after = validateChange(raw, before, 'add view');
    const fixByHand = `Add \`ui: true\` to ${tool} in ${SPEC_FILE} and run \`create-mcp-server update\`, which marks the conflicting lines for you to resolve`;
    return writeChange(dir, before, after, { label: 'add view', fixByHand, templateDir, hooks, mergeEdited: true });
}

function validateChange(raw: RawSpec, before: Spec, label: string): Spec {
    try {
        return validateSpec(raw, { name: before.name, description: before.description });
    } catch (error) {
        if (error instanceof SpecError) throw new UsageError(`${label}: ${error.problems[0]!.message}`);
        throw error;
    }
}

interface ChangeOptions {
    /** The command, for messages (`add tool`). */
    label: string;
    /** What to do by hand instead, for the message that refuses a conflicting edit. */
    fixByHand: string;
    templateDir?: string;
    hooks: GenerateHooks;
    /** Merge files edited by hand three ways instead of refusing them. */
    mergeEdited?: boolean;
}

/** Renders the project before and after a change of its spec and writes the files that change. */
async function writeChange(dir: string, before: Spec, after: Spec, options: ChangeOptions): Promise<AddResult> {
    // The spec lives in the project, so its relative paths (an integration's input) are read from there.
    const [templates, prepared] = await Promise.all([loadTemplates(options.templateDir), prepareIntegrations(before, dir)]);
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
        if (untouched) {
            changes.push(file);
            continue;
        }
        if (options.mergeEdited && previous !== undefined && onDisk !== undefined) {
            const merged = merge3(previous, onDisk, file.contents);
            if (merged.conflicts === 0) {
                changes.push({ ...file, contents: merged.text });
                continue;
            }
        }
        if (ADVISORY.has(file.path)) skipped.push(file.path);
        else conflicts.push(file.path);
    }
    if (conflicts.length > 0) {
        const were = conflicts.length === 1 ? 'was' : 'were';
        const why = options.mergeEdited ? 'in the lines the change touches' : 'since generation';
        throw new UsageError(
            `${options.label}: ${conflicts.join(', ')} ${were} changed by hand ${why}, so it cannot be updated safely; nothing was written. ` +
                `${options.fixByHand}, or undo those edits and run ${options.label} again.`,
        );
    }
    // What was generated is now the new rendering: the base of a later `update`.
    changes.push(baseSnapshot(next));
    // Staged and moved like a new project, and removed by the CLI if interrupted.
    const staging = stagingDir(dir);
    options.hooks.onStaging?.(staging);
    await writeAtomically(dir, staging, changes, true);
    options.hooks.onStaging?.(undefined);
    return { directory: dir, written: changes.map((f) => f.path).filter((path) => path !== BASE_FILE), skipped };
}
