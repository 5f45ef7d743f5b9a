/**
 * `create-mcp-server update`, inside a generated project: renders the project again (this CLI, the
 * newest template revision) and merges three ways per file: base = what was generated last time (the
 * snapshot in `.create-mcp-server/`), ours = the files as they are, theirs = the new rendering. Nothing
 * is written before every file is decided; the writes are staged and moved like a new project's.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectPathProblem } from '../core/project-paths.js';
import { UsageError } from '../shared/errors.js';
import { type GenerateHooks, prepareIntegrations, renderWith } from './generate.js';
import { merge3 } from '../core/merge.js';
import { quote, quotePath } from '../shared/quote.js';
import type { RenderedFile } from '../render/render.js';
import type { Spec } from '../core/spec.js';
import type { TemplateRecord } from '../shared/spec-types.js';
import { loadTemplates } from '../render/templates.js';
import { BASE_FILE, baseSnapshot, digestOf, parseBaseSnapshot } from './update-base.js';
import { checkProjectPaths, stagingDir, writeAtomically } from '../steps/write.js';

export type UpdateAction = 'added' | 'updated' | 'merged' | 'removed' | 'conflict' | 'kept';

export interface UpdateChange {
    path: string;
    action: UpdateAction;
    /** Why, where the action alone does not say it. */
    note?: string;
}

export interface UpdateResult {
    directory: string;
    dryRun: boolean;
    /** The template used (source and resolution), if the project has a team template. */
    template?: TemplateRecord;
    /** Every file the update touches or would touch, in path order. */
    changes: UpdateChange[];
    /** Files left with conflict markers (or a conflict without them, such as a deleted file the template changed). */
    conflicts: string[];
    /** The base came from rendering the recorded spec again, because the project had no snapshot. */
    recoveredBase: boolean;
}

/** Refuses a git repository whose tracked files have uncommitted changes (the update could not be told apart from them). */
export async function checkCleanTree(dir: string): Promise<void> {
    const { execa } = await import('execa');
    const status = await execa('git', ['status', '--porcelain', '--untracked-files=no', '--', '.'], { cwd: dir, reject: false, stdin: 'ignore' }).catch(
        () => undefined,
    );
    // Not a repository, or no git: nothing to protect beyond what the merge keeps.
    if (status?.exitCode !== 0) return;
    const dirty = String(status.stdout).split('\n').filter(Boolean);
    if (dirty.length > 0) {
        const shown =
            dirty
                .slice(0, 3)
                .map((line) => quotePath(line.slice(3)))
                .join(', ') + (dirty.length > 3 ? ', …' : '');
        throw new UsageError(
            `update: uncommitted changes to tracked files (${shown}); commit or stash them first, or pass --force to update over them; nothing was written`,
        );
    }
}

/** The project keeps the record of its last generation (projects made before it existed do not). */
export function hasBaseSnapshot(dir: string): boolean {
    return existsSync(join(dir, BASE_FILE));
}

export interface UpdateInput {
    /** The project's spec as it stands. */
    spec: Spec;
    /** The template folder to render with now, and what mcp-server.yaml should record for it. */
    templateDir?: string;
    record?: TemplateRecord;
    /** The template folder that made the project, to recover a base when the project has no snapshot. */
    baseTemplateDir?: string;
    dryRun: boolean;
}

async function readOrUndefined(path: string): Promise<string | undefined> {
    return readFile(path, 'utf8').catch(() => undefined);
}

export async function updateProject(dir: string, input: UpdateInput, hooks: GenerateHooks = {}): Promise<UpdateResult> {
    const { spec } = input;
    const next: Spec = { ...spec };
    delete next.template;
    if (input.record) next.template = input.record;

    await checkProjectPaths(dir, [BASE_FILE]);
    const snapshot = await readOrUndefined(join(dir, BASE_FILE));
    const recorded = snapshot === undefined ? undefined : parseBaseSnapshot(snapshot);
    if (snapshot !== undefined && recorded === undefined)
        throw new UsageError(`update: ${BASE_FILE} is damaged; restore it from git (it records what was generated last)`);
    // Anyone can edit the record: a path in it that is not a plain one inside the project stops everything.
    for (const path of recorded?.keys() ?? []) {
        const problem = projectPathProblem(path);
        if (problem) throw new UsageError(`update: ${BASE_FILE} names ${quote(path)}, which ${problem}; restore the file from git; nothing was written`);
    }

    const [templates, prepared] = await Promise.all([loadTemplates(input.templateDir), prepareIntegrations(next, dir)]);
    const theirs = renderWith(next, templates, prepared);
    let base = recorded;
    if (base === undefined) {
        // A project made before snapshots existed: the recorded spec and template revision, rendered by this CLI.
        const baseTemplates = input.baseTemplateDir === input.templateDir ? templates : await loadTemplates(input.baseTemplateDir);
        base = new Map(renderWith(spec, baseTemplates, prepared).map((f) => [f.path, f.contents]));
    }

    const theirsByPath = new Map(theirs.map((f) => [f.path, f.contents]));
    const paths = [...new Set([...theirsByPath.keys(), ...base.keys()])].filter((p) => p !== BASE_FILE).sort();
    // Before reading any of them: a link on the way would carry the read, and later the write, elsewhere.
    await checkProjectPaths(dir, paths);
    const labels = { ours: 'project', theirs: `template${input.record?.resolved ? ` ${input.record.resolved.slice(0, 12)}` : ''}` };
    const changes: UpdateChange[] = [];
    const writes: RenderedFile[] = [];
    const removals: string[] = [];
    const conflicts: string[] = [];
    for (const path of paths) {
        const [recordedBase, now, ours] = [base.get(path), theirsByPath.get(path), await readOrUndefined(join(dir, path))];
        // A large file is recorded by its digest: as generated when it matches, else edited here and not merged.
        const digested = typeof recordedBase === 'object' ? recordedBase : undefined;
        const matches = (text: string | undefined) => text !== undefined && digested !== undefined && digestOf(text) === digested.sha256;
        const was = digested ? (matches(ours) ? ours : matches(now) ? now : undefined) : (recordedBase as string | undefined);
        if (digested && was === undefined && now !== undefined && ours !== now) {
            conflicts.push(path);
            const note =
                ours === undefined
                    ? 'deleted here, changed in the template; left deleted'
                    : 'edited here, and too large to merge (generated data): the new version is not applied';
            changes.push({ path, action: 'conflict', note });
            continue;
        }
        if (now === undefined) {
            // The template no longer makes this file: removed only while it is as generated.
            if (ours === undefined) continue;
            if (ours === was) {
                removals.push(path);
                changes.push({ path, action: 'removed' });
            } else {
                changes.push({ path, action: 'kept', note: 'edited here; the template no longer makes it' });
            }
            continue;
        }
        if (ours === now || (was === now && ours !== undefined)) continue;
        if (ours === undefined) {
            if (was === undefined) {
                writes.push({ path, contents: now, origin: 'built-in' });
                changes.push({ path, action: 'added' });
            } else if (was !== now) {
                conflicts.push(path);
                changes.push({ path, action: 'conflict', note: 'deleted here, changed in the template; left deleted' });
            }
            continue;
        }
        if (was === ours) {
            writes.push({ path, contents: now, origin: 'built-in' });
            changes.push({ path, action: 'updated' });
            continue;
        }
        // Both sides changed it (a file new on both sides merges against an empty base).
        const merged = merge3(was ?? '', ours, now, labels);
        writes.push({ path, contents: merged.text, origin: 'built-in' });
        if (merged.conflicts > 0) {
            conflicts.push(path);
            changes.push({ path, action: 'conflict', note: `${merged.conflicts} conflicting ${merged.conflicts === 1 ? 'region' : 'regions'} marked` });
        } else {
            changes.push({ path, action: 'merged' });
        }
    }

    const result: UpdateResult = {
        directory: dir,
        dryRun: input.dryRun,
        ...(input.record && { template: input.record }),
        changes,
        conflicts,
        recoveredBase: recorded === undefined,
    };
    const newSnapshot = baseSnapshot(theirs);
    const snapshotChanged = newSnapshot.contents !== snapshot;
    if (input.dryRun || (writes.length === 0 && removals.length === 0 && !snapshotChanged)) return result;

    // The new rendering is the base of the next update, whatever was merged or left in conflict here.
    const staging = stagingDir(dir);
    hooks.onStaging?.(staging);
    await writeAtomically(dir, staging, [...writes, newSnapshot], true, removals);
    hooks.onStaging?.(undefined);
    return result;
}
