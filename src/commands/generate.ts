/**
 * The pipeline after every answer is known: plan, render, write, install, git.
 * Nothing is written before the plan has rendered completely.
 */
import { InterruptedError } from '../shared/errors.js';
import { nextSteps, shellWord } from './next-steps.js';
import type { Options } from '../core/options.js';
import { type Plan, plan, withReadme } from '../core/plan.js';
import { oneLine, quotePath } from '../shared/quote.js';
import { type RenderedFile, render, renderTemplate } from '../render/render.js';
import type { Reporter } from '../shared/report.js';
import { type GitOutcome, initGit } from '../steps/git.js';
import { checkPackageManager, install } from '../steps/install.js';
import type { Spec } from '../core/spec.js';
import { DEFAULT_INPUT_POLICY, type InputPolicy, activeIntegrations } from '../integrations/index.js';
import { prepareIo } from '../steps/input.js';
import { BUILT_IN_TEMPLATES, type TemplateSet, loadTemplates } from '../render/templates.js';
import { BASE_FILE, withBaseSnapshot } from './update-base.js';
import { type Staged, beginStaging, checkTargetPolicy, discardStaging, existingFiles, inspectTarget, stagingDir, writeAtomically } from '../steps/write.js';
import { projectPathProblem } from '../core/project-paths.js';

export interface GenerateResult {
    directory: string;
    dryRun: boolean;
    files: string[];
    /** Files that existed and were replaced (with --force). */
    replaced: string[];
    /** Files rendered from the team's template directory (--template). */
    fromTeam: string[];
    install: { status: 'done' | 'skipped' | 'failed'; command: string; ms?: number };
    git: GitOutcome;
    nextSteps: string[];
    /** The command that finishes a failed install or git step, if one failed. */
    finish?: string;
}

export interface GenerateHooks {
    /** Called with the staging folder before writing, so an interruption can remove it. */
    onStaging?: (dir: string | undefined) => void;
    /** Called when the install starts (true) and ends (false): an interruption then aborts `cancel` instead of exiting. */
    onInstall?: (running: boolean) => void;
    /** Aborted (with the signal's name as reason) to stop the install. */
    cancel?: AbortSignal;
}

/** What the person running the CLI decided about input: the policy of the `--openapi-…` flags, and the options typed (`<id>.<option>`). */
export interface InputChoices {
    policy?: InputPolicy;
    given?: readonly string[];
}

/**
 * Runs the `prepare` step of every active integration that has one (reading an OpenAPI document,
 * say): the only I/O before planning, with the limits of `input.policy`. Relative paths are read
 * against `baseDir`; `targetDir` is the project being generated over, if any (its files are read
 * to tell what changes).
 */
export async function prepareIntegrations(spec: Spec, baseDir: string, targetDir?: string, input: InputChoices = {}): Promise<Record<string, unknown>> {
    const prepared: Record<string, unknown> = {};
    for (const { integration, ctx } of activeIntegrations(spec)) {
        if (!integration.prepare) continue;
        const own = `${integration.id}.`;
        const given = new Set((input.given ?? []).filter((key) => key.startsWith(own)).map((key) => key.slice(own.length)));
        prepared[integration.id] = await integration.prepare(ctx.options, prepareIo(baseDir, input.policy ?? DEFAULT_INPUT_POLICY, given, targetDir));
    }
    return prepared;
}

/**
 * Renders the project in memory (reads the templates, writes nothing): shared by --dry-run, the real
 * run and `add`. `note` receives the lines the integrations want printed.
 */
export async function renderProject(
    spec: Spec,
    templateDir: string | undefined,
    baseDir = '.',
    options: { targetDir?: string; note?: (line: string) => void; input?: InputChoices } = {},
): Promise<RenderedFile[]> {
    const { planned, templates } = await planProject(spec, templateDir, baseDir, options);
    return renderPlan(planned, templates);
}

/** The plan of a project, with the templates that render it (renderProject without its last step). */
async function planProject(
    spec: Spec,
    templateDir: string | undefined,
    baseDir: string,
    { targetDir, note, input }: { targetDir?: string; note?: (line: string) => void; input?: InputChoices },
): Promise<{ planned: Plan; templates: TemplateSet }> {
    const [templates, prepared] = await Promise.all([loadTemplates(templateDir), prepareIntegrations(spec, baseDir, targetDir, input)]);
    const planned = plan(spec, [...templates.files.keys()], prepared);
    for (const line of planned.notes) note?.(line);
    return { planned, templates };
}

/** Renders with templates already loaded (`add` renders the project before and after with one set). */
export function renderWith(spec: Spec, templates: TemplateSet, prepared: Record<string, unknown> = {}): RenderedFile[] {
    return renderPlan(plan(spec, [...templates.files.keys()], prepared), templates);
}

/** Renders a plan: the integrations' README sections first (README.md shows them), then every file. */
function renderPlan(planned: Plan, templates: TemplateSet): RenderedFile[] {
    const sections = planned.readmeSections.flatMap(({ place, templates: candidates, context }) => {
        const path = candidates.find((candidate) => templates.files.has(candidate));
        if (path === undefined) return [];
        const source = templates.files.get(path)?.source ?? '';
        // A section that is a template (`.hbs`) sees the project view and the integration's `self`.
        return [{ place, text: (path.endsWith('.hbs') ? renderTemplate(templates, path, context) : source).trimEnd() }];
    });
    return render(withReadme(planned, sections), templates);
}

export async function generate(options: Options, report: Reporter, hooks: GenerateHooks = {}): Promise<GenerateResult> {
    const target = await inspectTarget(options.targetDir, BUILT_IN_TEMPLATES);
    checkTargetPolicy(target, options.directory, options.force);
    if (options.install) await checkPackageManager(options.pm);

    const { planned, templates } = await planProject(options.spec, options.templateDir, options.baseDir, {
        targetDir: options.targetDir,
        note: (line) => report.warn(line),
        input: { policy: options.input, given: options.given },
    });
    // The staging folder and its files are made while the files are rendered (see beginStaging); a
    // path that is refused is left to the rendering, which names the template that made it.
    const paths = [...planned.files.map((f) => f.path), BASE_FILE];
    const staging = options.dryRun ? undefined : stagingDir(options.targetDir);
    let staged: Staged | undefined;
    if (staging && paths.every((path) => projectPathProblem(path) === undefined)) {
        hooks.onStaging?.(staging);
        staged = await beginStaging(options.targetDir, staging, paths).catch((error: unknown) => {
            hooks.onStaging?.(undefined);
            throw error;
        });
    }
    let files: RenderedFile[];
    let replaced: string[];
    try {
        // With the snapshot of what was generated, the base of a later `update`.
        files = withBaseSnapshot(renderPlan(planned, templates));
        replaced = target.exists ? await existingFiles(options.targetDir, files) : [];
    } catch (error) {
        if (staged) await discardStaging(staged);
        hooks.onStaging?.(undefined);
        throw error;
    }
    const result: GenerateResult = {
        directory: options.targetDir,
        dryRun: options.dryRun,
        files: files.map((f) => f.path),
        replaced,
        fromTeam: files.filter((f) => f.origin === 'team').map((f) => f.path),
        install: { status: 'skipped', command: `${options.pm} install` },
        git: { status: 'skipped', reason: options.dryRun ? 'dry run' : 'turned off with --no-git' },
        nextSteps: [],
    };
    const steps = (installed: boolean) =>
        nextSteps({
            directory: options.directory,
            pm: options.pm,
            installed,
            stdio: options.spec.transports.includes('stdio'),
            http: options.spec.transports.includes('http'),
        });
    if (options.dryRun) {
        result.nextSteps = steps(false);
        return result;
    }

    hooks.onStaging?.(staging);
    const { swept } = await writeAtomically(options.targetDir, staging!, files, target.exists, [], staged);
    hooks.onStaging?.(undefined);
    if (swept.length > 0)
        report.info(
            `Removed ${swept.length === 1 ? 'a staging folder' : `${swept.length} staging folders`} left by an interrupted run: ${swept.map((n) => oneLine(n)).join(', ')}`,
        );
    report.success(`Created ${files.length} files in ${options.targetDir}`);

    const cd = options.directory === '.' ? [] : [`cd ${shellWord(options.directory)}`];
    if (options.install) {
        hooks.onInstall?.(true);
        const installOutcome = await install(options.targetDir, options.pm, report, hooks.cancel).finally(() => hooks.onInstall?.(false));
        if (installOutcome.status === 'cancelled') {
            const state = installOutcome.left === 'removed' ? ' without node_modules' : ', but its node_modules may be incomplete';
            throw new InterruptedError(
                `Operation cancelled (${String(hooks.cancel?.reason ?? 'interrupted')}) during ${installOutcome.command}: the project in ${quotePath(options.targetDir)} is kept${state}${options.git ? '; git was not set up' : ''}.`,
                [...cd, installOutcome.command].join(' && '),
            );
        }
        result.install = { status: installOutcome.status, command: installOutcome.command, ms: installOutcome.ms };
        for (const line of installOutcome.detail ?? []) report.warn(line);
    }
    if (options.git) {
        result.git = await initGit(options.targetDir);
        if (result.git.status === 'committed') report.success('Initialized a git repository with a first commit');
        else if (result.git.status === 'skipped') report.info(`git: skipped (${result.git.reason})`);
        else report.warn(result.git.reason);
    }
    result.nextSteps = steps(result.install.status === 'done');

    // A failed step keeps the project; the caller shows how to finish and exits non-zero.
    const unfinished = [
        result.install.status === 'failed' ? result.install.command : undefined,
        result.git.status === 'failed' ? result.git.command : undefined,
    ].filter(Boolean);
    if (unfinished.length > 0) result.finish = [...cd, ...unfinished].join(' && ');
    return result;
}
