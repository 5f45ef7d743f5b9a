/**
 * The interactive wizard: on a terminal, asks only what flags and the spec left open, validates
 * every answer where it is typed with the spec's own rules, shows a summary, and asks once before
 * anything is written. The result is the same raw spec `--spec` provides, so the rest of the
 * pipeline does not know a person answered questions.
 *
 * Nothing is written here: Ctrl-C at any point (CancelledError) leaves nothing behind.
 */
import { basename, resolve } from 'node:path';
import { CancelledError, UsageError } from '../shared/errors.js';
import { titleFromName, toNpmName } from '../shared/names.js';
import { DEFAULT_DESCRIPTION, DEFAULT_DIRECTORY, type Environment, type PartialOptions, finalizeOptions } from '../core/options.js';
import { PACKAGE_MANAGERS, type PackageManager } from '../shared/pm.js';
import {
    ANNOTATION_HINTS,
    PARAM_TYPES,
    type ParamType,
    type RawSpec,
    type ScalarType,
    type Spec,
    TRANSPORTS,
    type Transport,
    uriVariables,
} from '../core/spec.js';
import {
    type Integration,
    type IntegrationOption,
    type OptionValue,
    type PrepareIo,
    SWITCHABLE,
    SYSTEMS,
    TOP_LEVEL_OPTIONS,
    getIntegration,
    optionDefaultText,
    optionProblem,
    parseOptionText,
    unmetRequirement,
} from '../integrations/index.js';
import { BUILT_IN_TEMPLATES } from '../render/templates.js';
import { prepareIo } from '../steps/input.js';
import { inspectTarget } from '../steps/write.js';
import {
    type ArgumentDraft,
    type Hint,
    type ParamDraft,
    type PromptDraft,
    type ResourceDraft,
    type ToolDraft,
    type WizardAnswers,
    applyAnswers,
    openQuestions,
} from './answers.js';
import { createInquirerPrompter } from './inquirer.js';
import { type InputQuestion, type Prompter, isPromptCancel } from './prompter.js';
import { reproduceCommand, summaryText } from './summary.js';
import * as check from './validate.js';

export type { Prompter } from './prompter.js';
export { applyAnswers, openQuestions, reproduceCommand, summaryText };

const HINT_LABELS: Record<Hint, string> = {
    readOnlyHint: 'read-only: does not change anything',
    destructiveHint: 'destructive: may delete or overwrite data',
    idempotentHint: 'idempotent: calling it twice has no further effect',
    openWorldHint: 'open world: reaches outside systems (web, APIs)',
};

const TYPE_LABELS: Record<ParamType, string> = {
    string: 'string   text',
    number: 'number   any number',
    integer: 'integer  whole number',
    boolean: 'boolean  true or false',
    array: 'array    a list of one scalar type',
};

const TRANSPORT_CHOICES: { value: string; name: string; description: string }[] = [
    { value: 'stdio,http', name: 'both: stdio and Streamable HTTP', description: 'one project serves both (stdio by default, --http for HTTP)' },
    { value: 'stdio', name: 'stdio', description: 'started by the client as a subprocess (Claude Desktop, IDEs)' },
    { value: 'http', name: 'Streamable HTTP', description: 'a long-running server at http://127.0.0.1:3000/mcp' },
];

/** Explains a URI as it is typed: a static resource, or a template and its variables. */
export function describeUri(uri: string): string {
    const vars = uriVariables(uri);
    if (!vars) return 'a static resource: one fixed document';
    const example = vars.reduce((u, v) => u.replace(`{${v}}`, `<${v}>`), uri);
    return `a resource template: clients read ${example}, and the handler receives ${vars.join(', ')}`;
}

/** Trims what was typed; validators see the same trimmed text the wizard keeps. */
function trimmed(prompter: Prompter) {
    return async (q: Parameters<Prompter['input']>[0]): Promise<string> => {
        const validate = q.validate;
        const answer = await prompter.input({ ...q, validate: validate && ((value) => validate(value.trim())) });
        return answer.trim();
    };
}

/** Asks one integration option with the question its type calls for; the answer is checked by the option's own rules. */
async function askOption(
    p: Prompter,
    input: (q: InputQuestion) => Promise<string>,
    integration: Integration,
    id: string,
    option: IntegrationOption,
    io?: PrepareIo,
): Promise<OptionValue> {
    const message = `${integration.label}: ${option.description}`;
    if (option.type === 'enum') {
        return p.select({ id, message, choices: option.values.map((v) => ({ value: v, name: v })), default: option.default });
    }
    if (option.type === 'boolean') return p.confirm({ id, message, default: option.default ?? false });
    // An option that inspects its answer (an OpenAPI document read) shows what it found once taken.
    let note: string | undefined;
    const text = await input({
        id,
        message: option.type === 'list' ? `${message} (comma-separated)` : message,
        default: optionDefaultText(option),
        validate: async (value) => {
            const parsed = parseOptionText(option, value);
            const problem = optionProblem(option, parsed);
            if (problem || !option.inspect || !io) return problem ?? true;
            const inspected = await option.inspect(parsed as OptionValue, io);
            note = inspected.note;
            return inspected.problem ?? true;
        },
    });
    if (note) p.note(note);
    return parseOptionText(option, text) as OptionValue;
}

/** Asks every option of an integration that is asked; returns those whose answer differs from the default. */
async function askOptions(
    p: Prompter,
    input: (q: InputQuestion) => Promise<string>,
    integration: Integration,
    io: PrepareIo,
): Promise<Record<string, OptionValue>> {
    const values: Record<string, OptionValue> = {};
    for (const [key, option] of Object.entries(integration.options ?? {})) {
        if (option.ask === false) continue;
        const value = await askOption(p, input, integration, `system.${integration.id}.${key}`, option, io);
        if (JSON.stringify(value) !== JSON.stringify(option.default)) values[key] = value;
    }
    return values;
}

/**
 * Fills the holes of `partial` by asking. Throws CancelledError on Ctrl-C or when the person declines
 * the final confirmation; SpecError/UsageError when the flags or spec are already wrong (before asking).
 */
export async function runWizard(partial: PartialOptions, environment: Environment, prompter?: Prompter): Promise<PartialOptions> {
    // What flags and spec say must already be valid: fail before asking anything.
    finalizeOptions(partial, environment);
    const p = prompter ?? createInquirerPrompter();
    try {
        return await ask(partial, environment, p);
    } catch (error) {
        if (isPromptCancel(error)) throw new CancelledError();
        throw error;
    }
}

async function ask(partial: PartialOptions, environment: Environment, p: Prompter): Promise<PartialOptions> {
    const open = new Set(openQuestions(partial));
    const input = trimmed(p);
    const answers: WizardAnswers = {};

    // The directory first: its name is the default package name, and a non-empty one is asked about now.
    let directory = partial.directory;
    let existingEntries = 0;
    for (;;) {
        if (directory === undefined) {
            directory = await input({
                id: 'directory',
                message: 'Project directory',
                default: DEFAULT_DIRECTORY,
                validate: async (value) => {
                    const verdict = check.checkDirectory(value);
                    if (verdict !== true) return verdict;
                    try {
                        await inspectTarget(resolve(environment.cwd, value), BUILT_IN_TEMPLATES);
                        return true;
                    } catch (error) {
                        if (error instanceof UsageError) return error.message.replace(/^directory: /, '');
                        throw error;
                    }
                },
            });
            answers.directory = directory;
        }
        const state = await inspectTarget(resolve(environment.cwd, directory), BUILT_IN_TEMPLATES);
        existingEntries = state.entries.length;
        if (existingEntries === 0 || partial.force) break;
        const shown = state.entries.slice(0, 3).join(', ') + (state.entries.length > 3 ? ', …' : '');
        const action = await p.select({
            id: 'nonEmpty',
            message: `"${directory}" is not empty (${shown}). What now?`,
            choices: [
                { value: 'cancel', name: 'Cancel', description: 'write nothing' },
                {
                    value: 'force',
                    name: 'Write into it',
                    description: 'only the files of the project are written; other files stay, same-named ones are replaced',
                },
                { value: 'other', name: 'Choose another directory' },
            ],
            default: 'cancel',
        });
        if (action === 'cancel') throw new CancelledError();
        if (action === 'force') {
            answers.force = true;
            break;
        }
        directory = undefined;
    }

    if (open.has('name')) {
        answers.name = await input({
            id: 'name',
            message: 'Package name (npm, and the MCP server name)',
            default: toNpmName(basename(resolve(environment.cwd, directory))),
            validate: check.checkPackageName,
        });
    }
    if (open.has('description')) {
        answers.description = await input({
            id: 'description',
            message: 'Description (one line)',
            default: DEFAULT_DESCRIPTION,
            validate: check.checkDescription,
        });
    }
    if (open.has('transports')) {
        const chosen = await p.select({ id: 'transports', message: 'Transports', choices: TRANSPORT_CHOICES.map((c) => ({ ...c })), default: 'stdio,http' });
        answers.transports = chosen.split(',').filter((t): t is Transport => (TRANSPORTS as readonly string[]).includes(t));
    }
    const transports = answers.transports ?? (Array.isArray(partial.raw.transports) ? (partial.raw.transports as Transport[]) : [...TRANSPORTS]);
    if (open.has('systems')) {
        // Only what can work with the transports chosen: Redis, OpenTelemetry and Kubernetes need HTTP.
        const offered = SYSTEMS.filter((s) => !unmetRequirement(s, transports, new Set([...transports, ...defaultParts(partial)])));
        answers.systems = await p.checkbox({
            id: 'systems',
            message: 'External systems (space to select, enter to go on)',
            choices: offered.map((s) => ({ value: s.id, name: s.label, description: s.description })),
        });
    }

    // The own questions of each system chosen here (a spec or --with that names a system leaves its defaults).
    const chosenSystems = answers.systems && answers.systems.length > 0 ? answers.systems : partial.raw.systems;
    for (const id of answers.systems ?? []) {
        const system = getIntegration(id);
        if (!system) continue;
        // Answers are typed by the person, as flags are: what they name is read as a flag's would be.
        const asked = Object.keys(system.options ?? {}).filter((key) => system.options![key]!.ask !== false);
        const values = await askOptions(p, input, system, prepareIo(environment.cwd, partial.input, new Set(asked)));
        if (Object.keys(values).length > 0) answers.systemOptions = { ...answers.systemOptions, [system.id]: values };
    }
    // Options of features that live at the spec's top level (`auth`), asked where they apply.
    for (const { integration, key, option, field } of TOP_LEVEL_OPTIONS) {
        if (partial.raw[field] !== undefined || option.ask === false) continue;
        if (unmetRequirement(integration, transports, new Set(transports))) continue;
        const value = await askOption(p, input, integration, `${integration.id}.${key}`, option);
        if (value !== option.default) answers.settings = { ...answers.settings, [field]: value };
    }

    const context: check.Context = {
        systems: chosenSystems,
        http: transports.includes('http'),
        tools: [],
        resources: [],
        prompts: [],
    };
    if (open.has('tools')) answers.tools = await askLoop(p, 'tool', context.tools, () => askTool(p, input, context));
    if (open.has('resources')) answers.resources = await askLoop(p, 'resource', context.resources, () => askResource(p, input, context));
    if (open.has('prompts')) answers.prompts = await askLoop(p, 'prompt', context.prompts, () => askPrompt(p, input, context));

    if (open.has('pm')) {
        answers.pm = await p.select<PackageManager>({
            id: 'pm',
            message: 'Package manager',
            choices: PACKAGE_MANAGERS.map((pm) => ({ value: pm, name: pm })),
            default: partial.pm,
        });
    }
    if (open.has('install')) answers.install = await p.confirm({ id: 'install', message: 'Install dependencies now?', default: true });
    if (open.has('git')) answers.git = await p.confirm({ id: 'git', message: 'Initialize a git repository?', default: true });

    const result = applyAnswers({ ...partial, directory }, answers);
    const options = finalizeOptions(result, environment);
    // What the integrations read (an OpenAPI document's tools) belongs in the summary; a document
    // that cannot be read is reported by the generation that follows.
    const { prepareIntegrations } = await import('../commands/generate.js');
    const prepared = await prepareIntegrations(options.spec, options.baseDir, undefined, { policy: options.input, given: options.given }).catch(() => ({}));
    p.note(summaryText(options, { existingEntries: result.force ? existingEntries : 0 }, prepared));
    const go = await p.confirm({ id: 'confirm', message: options.dryRun ? 'Show the files it would write?' : 'Create the project?', default: true });
    if (!go) throw new CancelledError();
    return result;
}

type Input = ReturnType<typeof trimmed>;

/** The parts on by default (the Dockerfile, …), unless the spec or a flag switched them off. */
function defaultParts(partial: PartialOptions): string[] {
    const features = partial.raw.features;
    const off = typeof features === 'object' && features !== null ? (features as Record<string, unknown>) : {};
    return SWITCHABLE.filter((f) => off[f.id] !== false).map((f) => f.id);
}

/** "Add a <kind>?" then one item, until the answer is no; items go into `list` (the context's, for clash checks). */
async function askLoop<T>(p: Prompter, kind: 'tool' | 'resource' | 'prompt', list: T[], askOne: () => Promise<T>): Promise<T[]> {
    while (await p.confirm({ id: `${kind}.add`, message: list.length === 0 ? `Add a ${kind}?` : `Add another ${kind}?`, default: false })) {
        list.push(await askOne());
    }
    return list;
}

async function askTool(p: Prompter, input: Input, context: check.Context): Promise<ToolDraft> {
    const name = await input({ id: 'tool.name', message: 'Tool name', validate: (v) => check.checkToolName(v, context) });
    const title = await input({ id: 'tool.title', message: 'Title (shown to people)', default: titleFromName(name) });
    const description = await input({
        id: 'tool.description',
        message: 'What does it do? (the model reads this)',
        default: `${name} (skeleton: implement it in src/tools/)`,
        validate: check.checkToolDescription,
    });
    const tool: ToolDraft = { name, description };
    if (title !== '' && title !== titleFromName(name)) tool.title = title;

    const params: Record<string, ParamDraft> = {};
    while (
        await p.confirm({
            id: 'param.add',
            message: Object.keys(params).length === 0 ? `Add a parameter to ${name}?` : `Add another parameter to ${name}?`,
            default: false,
        })
    ) {
        const key = await input({ id: 'param.name', message: 'Parameter name', validate: (v) => check.checkParamName(v, Object.keys(params)) });
        params[key] = await askParam(p, input, key);
    }
    if (Object.keys(params).length > 0) tool.input = params;

    const hints = await p.checkbox<Hint>({
        id: 'tool.annotations',
        message: 'Hints for clients (space to select, enter to go on)',
        choices: ANNOTATION_HINTS.map((h) => ({ value: h, name: HINT_LABELS[h] })),
    });
    if (hints.length > 0) tool.annotations = Object.fromEntries(hints.map((h) => [h, true]));
    const view = await p.confirm({
        id: 'tool.ui',
        message: 'Does it have an interactive view? (MCP Apps: an HTML page hosts show with its results)',
        default: false,
    });
    if (view) tool.ui = true;
    if (hints.includes('destructiveHint')) {
        // A tool that destroys may ask the user first (the spec's `confirm`).
        const confirm = await p.select<'always' | 'optional' | 'no'>({
            id: 'tool.confirm',
            message: `Ask the user to confirm before ${name} acts?`,
            choices: [
                { value: 'always', name: 'Yes (a client that cannot ask is refused)' },
                { value: 'optional', name: 'Where the client can ask' },
                { value: 'no', name: 'No' },
            ],
            default: 'always',
        });
        if (confirm !== 'no') tool.confirm = confirm === 'always' ? true : 'optional';
    }
    if (context.http) {
        const rateLimit = await input({
            id: 'tool.rateLimit',
            message: `Calls of ${name} one caller may make over HTTP (such as 30/minute; Enter for no limit)`,
            default: '',
            validate: check.checkRateLimit,
        });
        if (rateLimit !== '') tool.rateLimit = rateLimit;
    }
    return tool;
}

async function askParam(p: Prompter, input: Input, key: string): Promise<ParamDraft> {
    const type = await p.select<ParamType>({
        id: 'param.type',
        message: `Type of ${key}`,
        choices: PARAM_TYPES.map((t) => ({ value: t, name: TYPE_LABELS[t] })),
        default: 'string',
    });
    const param: ParamDraft = { type };
    if (type === 'array') {
        param.items = await p.select<ScalarType>({
            id: 'param.items',
            message: `Type of the items of ${key}`,
            choices: check.SCALAR_PARAM_TYPES.map((t) => ({ value: t, name: TYPE_LABELS[t] })),
            default: 'string',
        });
    }
    const description = await input({ id: 'param.description', message: `Description of ${key} (optional)` });
    if (description !== '') param.description = description;
    const required = await p.confirm({ id: 'param.required', message: `Is ${key} required?`, default: true });
    if (!required) {
        const example = { string: 'text', number: '1.5', integer: '10', boolean: 'true or false', array: 'a, b, c' }[type];
        const text = await input({
            id: 'param.default',
            message: `Default value of ${key} (e.g. ${example}; Enter for none)`,
            validate: (v) => check.checkDefault(v, param),
        });
        const value = check.parseDefault(text, param);
        if (value === undefined) param.required = false;
        else param.default = value;
    }
    return param;
}

async function askResource(p: Prompter, input: Input, context: check.Context): Promise<ResourceDraft> {
    const name = await input({ id: 'resource.name', message: 'Resource name', validate: (v) => check.checkResourceName(v, context) });
    const uri = await input({
        id: 'resource.uri',
        message: 'URI ({var} makes a template, e.g. orders://{id})',
        default: `docs://${name}`,
        validate: (v) => check.checkResourceUri(v, context),
        describeAnswer: (v) =>
            uriVariables(v)
                ? `template: ${uriVariables(v)!
                      .map((x) => `{${x}}`)
                      .join(' ')}`
                : 'static',
    });
    p.note(`  ${uri} is ${describeUri(uri)}.`);
    const template = uriVariables(uri) !== undefined;
    const description = await input({
        id: 'resource.description',
        message: 'Description',
        default: `The ${name} ${template ? 'resource template' : 'resource'}`,
    });
    const mimeType = await input({ id: 'resource.mimeType', message: 'MIME type', default: 'text/plain', validate: check.checkMimeType });
    const resource: ResourceDraft = { name, uri, mimeType };
    if (description !== '') resource.description = description;
    return resource;
}

async function askPrompt(p: Prompter, input: Input, context: check.Context): Promise<PromptDraft> {
    const name = await input({ id: 'prompt.name', message: 'Prompt name', validate: (v) => check.checkPromptName(v, context) });
    const description = await input({ id: 'prompt.description', message: 'Description', default: `The ${name} prompt` });
    const prompt: PromptDraft = { name };
    if (description !== '') prompt.description = description;
    const args: ArgumentDraft[] = [];
    while (
        await p.confirm({ id: 'argument.add', message: args.length === 0 ? `Add an argument to ${name}?` : `Add another argument to ${name}?`, default: false })
    ) {
        const argName = await input({
            id: 'argument.name',
            message: 'Argument name',
            validate: (v) =>
                check.checkArgumentName(
                    v,
                    args.map((a) => a.name),
                ),
        });
        const argDescription = await input({ id: 'argument.description', message: `Description of ${argName} (optional)` });
        const required = await p.confirm({ id: 'argument.required', message: `Is ${argName} required?`, default: true });
        const arg: ArgumentDraft = { name: argName };
        if (argDescription !== '') arg.description = argDescription;
        if (!required) arg.required = false;
        args.push(arg);
    }
    if (args.length > 0) prompt.arguments = args;
    return prompt;
}

/**
 * `create-mcp-server add view` on a terminal without a tool: which tool of the spec gets a view
 * (those that have one already are not offered).
 */
export async function askViewTool(spec: Spec, prompter?: Prompter): Promise<string> {
    const candidates = spec.tools.filter((tool) => !tool.ui);
    if (candidates.length === 0) {
        throw new UsageError(
            spec.tools.length === 0
                ? 'add view: mcp-server.yaml describes no tool; add one with a view: create-mcp-server add tool <name> --ui'
                : 'add view: every tool of mcp-server.yaml has a view already',
        );
    }
    const p = prompter ?? createInquirerPrompter();
    try {
        return await p.select({
            id: 'view.tool',
            message: 'Which tool gets an interactive view?',
            choices: candidates.map((tool) => ({ value: tool.name, name: tool.name, description: tool.title ?? tool.description.split('\n')[0] })),
        });
    } catch (error) {
        if (isPromptCancel(error)) throw new CancelledError();
        throw error;
    }
}

/**
 * `create-mcp-server add <kind>` on a terminal without a name: asks for one item with the same
 * questions as the wizard, checked against the project's spec (no clash with its items).
 */
export async function askItem(kind: 'tool' | 'resource' | 'prompt', spec: RawSpec, prompter?: Prompter): Promise<ToolDraft | ResourceDraft | PromptDraft> {
    const p = prompter ?? createInquirerPrompter();
    const list = <T>(value: unknown) => (Array.isArray(value) ? (value as T[]) : []);
    const context: check.Context = {
        systems: spec.systems,
        tools: list<ToolDraft>(spec.tools),
        resources: list<ResourceDraft>(spec.resources),
        prompts: list<PromptDraft>(spec.prompts),
    };
    try {
        if (kind === 'tool') return await askTool(p, trimmed(p), context);
        if (kind === 'resource') return await askResource(p, trimmed(p), context);
        return await askPrompt(p, trimmed(p), context);
    } catch (error) {
        if (isPromptCancel(error)) throw new CancelledError();
        throw error;
    }
}
