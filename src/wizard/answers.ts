/**
 * The pure half of the wizard: which questions are open, and how answers become the same raw spec
 * that `--spec` provides. No prompting here.
 */
import type { OptionValue } from '../integrations/index.js';
import type { PartialOptions } from '../core/options.js';
import type { PackageManager } from '../shared/pm.js';
import type { ANNOTATION_HINTS, ParamType, ScalarType, Transport } from '../core/spec.js';

export type Hint = (typeof ANNOTATION_HINTS)[number];

/** A parameter as the wizard collects it: a spec-file parameter schema. */
export interface ParamDraft {
    type: ParamType;
    items?: ScalarType;
    description?: string;
    default?: unknown;
    /** Written only when false without a default (optional, no default). */
    required?: boolean;
}

export interface ToolDraft {
    name: string;
    title?: string;
    description: string;
    annotations?: Partial<Record<Hint, boolean>>;
    /** An interactive view (MCP Apps), without options: `ui: true`. */
    ui?: true;
    input?: Record<string, ParamDraft>;
    confirm?: true | 'optional';
    rateLimit?: string;
}

export interface ResourceDraft {
    name: string;
    uri: string;
    description?: string;
    mimeType?: string;
}

export interface ArgumentDraft {
    name: string;
    description?: string;
    required?: boolean;
}

export interface PromptDraft {
    name: string;
    description?: string;
    arguments?: ArgumentDraft[];
}

/** What the wizard learned; a field is present only when its question was asked. */
export interface WizardAnswers {
    directory?: string;
    /** The person chose to write into a non-empty directory. */
    force?: boolean;
    name?: string;
    description?: string;
    transports?: Transport[];
    systems?: string[];
    /** Answers to the chosen systems' own questions, by system id, only where they differ from the default. */
    systemOptions?: Record<string, Record<string, OptionValue>>;
    /** Answers to features' top-level options (`auth`), by spec field, only where they differ from the default. */
    settings?: Record<string, OptionValue>;
    tools?: ToolDraft[];
    resources?: ResourceDraft[];
    prompts?: PromptDraft[];
    pm?: PackageManager;
    install?: boolean;
    git?: boolean;
}

export type Topic = 'directory' | 'name' | 'description' | 'transports' | 'systems' | 'tools' | 'resources' | 'prompts' | 'pm' | 'install' | 'git';

/**
 * The questions still open, in the order they are asked. A value given by a flag or the spec file is
 * never asked again. Install and git are asked unless turned off (`--no-install`, `--no-git`) or
 * known to be typed, and not at all for a dry run, which runs neither.
 */
export function openQuestions(partial: PartialOptions): Topic[] {
    const raw = partial.raw;
    const open: Topic[] = [];
    if (partial.directory === undefined) open.push('directory');
    if (raw.name === undefined) open.push('name');
    if (raw.description === undefined) open.push('description');
    if (raw.transports === undefined) open.push('transports');
    if (raw.systems === undefined) open.push('systems');
    if (raw.tools === undefined) open.push('tools');
    if (raw.resources === undefined) open.push('resources');
    if (raw.prompts === undefined) open.push('prompts');
    // Without an install, the package manager only names the commands to run: no question for it.
    if (!partial.pmKnown && !(partial.installKnown && !partial.install)) open.push('pm');
    if (!partial.dryRun && partial.install && !partial.installKnown) open.push('install');
    if (!partial.dryRun && partial.git && !partial.gitKnown) open.push('git');
    return open;
}

/** The partial options with the answers filled in: the same shape `--spec` and flags produce. */
export function applyAnswers(partial: PartialOptions, answers: WizardAnswers): PartialOptions {
    const raw = { ...partial.raw };
    if (answers.name !== undefined) raw.name = answers.name;
    if (answers.description !== undefined) raw.description = answers.description;
    if (answers.transports !== undefined) raw.transports = [...answers.transports];
    if (answers.systems !== undefined && answers.systems.length > 0) raw.systems = [...answers.systems];
    if (answers.systemOptions && Array.isArray(raw.systems)) {
        raw.systems = raw.systems.map((entry) => {
            const options = typeof entry === 'string' ? answers.systemOptions![entry] : undefined;
            return options && Object.keys(options).length > 0 ? { type: entry as string, ...options } : entry;
        });
    }
    Object.assign(raw, answers.settings);
    if (answers.tools !== undefined && answers.tools.length > 0) raw.tools = answers.tools.map(toolToRaw);
    if (answers.resources !== undefined && answers.resources.length > 0) raw.resources = answers.resources.map((r) => ({ ...r }));
    if (answers.prompts !== undefined && answers.prompts.length > 0) raw.prompts = answers.prompts.map(promptToRaw);
    // What the wizard asked was typed by the person, like a flag.
    const given = Object.entries(answers.systemOptions ?? {}).flatMap(([id, options]) => Object.keys(options).map((key) => `${id}.${key}`));
    return {
        ...partial,
        given: [...partial.given, ...given],
        raw,
        // Everything the wizard added came from answers, not flags: problems are reported by spec path.
        fromSpec: {
            tools: answers.tools?.length || partial.fromSpec.tools,
            resources: answers.resources?.length || partial.fromSpec.resources,
            prompts: answers.prompts?.length || partial.fromSpec.prompts,
            systems: answers.systems?.length || partial.fromSpec.systems,
        },
        directory: answers.directory ?? partial.directory,
        force: partial.force || (answers.force ?? false),
        pm: answers.pm ?? partial.pm,
        pmKnown: partial.pmKnown || answers.pm !== undefined,
        install: answers.install ?? partial.install,
        git: answers.git ?? partial.git,
    };
}

function toolToRaw(tool: ToolDraft): Record<string, unknown> {
    return {
        name: tool.name,
        ...(tool.title !== undefined && { title: tool.title }),
        description: tool.description,
        ...(tool.annotations && Object.keys(tool.annotations).length > 0 && { annotations: { ...tool.annotations } }),
        ...(tool.ui && { ui: true }),
        ...(tool.rateLimit !== undefined && { rateLimit: tool.rateLimit }),
        ...(tool.input &&
            Object.keys(tool.input).length > 0 && {
                input: Object.fromEntries(Object.entries(tool.input).map(([key, p]) => [key, { ...p }])),
            }),
        ...(tool.confirm !== undefined && { confirm: tool.confirm }),
    };
}

function promptToRaw(prompt: PromptDraft): Record<string, unknown> {
    return {
        name: prompt.name,
        ...(prompt.description !== undefined && { description: prompt.description }),
        ...(prompt.arguments && prompt.arguments.length > 0 && { arguments: prompt.arguments.map((a) => ({ ...a })) }),
    };
}
