/**
 * From command-line flags (and the spec file's contents) to validated options. Pure:
 * the caller reads the spec file and the environment and passes them in.
 */
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { MCP_NAME, MCP_NAME_RULE, npmNameProblem, toNpmName } from '../shared/names.js';
import { type PackageManager, PACKAGE_MANAGERS, detectPackageManager, isPackageManager } from '../shared/pm.js';
import { oneLine, quote, quotePath } from '../shared/quote.js';
import { registryNameProblem } from '../integrations/registry.js';
import {
    DEFAULT_INPUT_POLICY,
    type InputPolicy,
    OPTION_FLAGS,
    SWITCHABLE,
    SYSTEM_IDS,
    optionPlaceholder,
    optionProblem,
    parseOptionText,
} from '../integrations/index.js';
import { type RawSpec, type Spec, SpecError, TRANSPORTS, uriProblem, uriVariables, validateSpec } from './spec.js';

/** The flags as commander parses them. */
export interface CliFlags {
    name?: string;
    description?: string;
    transport?: string;
    tool?: string[];
    resource?: string[];
    prompt?: string[];
    with?: string;
    spec?: string;
    template?: string;
    pm?: string;
    install: boolean;
    git: boolean;
    yes?: boolean;
    force?: boolean;
    dryRun?: boolean;
    json?: boolean;
    /** --registry-name: the server's name in the MCP registry. */
    registryName?: string;
    /**
     * The integrations' own flags, by commander's camel-cased name: `--no-docker` and friends switch a
     * part off (false), their hidden positive twins on (true); options with a `flag` carry their text.
     */
    [integrationFlag: string]: unknown;
}

export interface Environment {
    cwd: string;
    env: Record<string, string | undefined>;
    /** stdin and stdout are both terminals. */
    isTTY: boolean;
}

/** Everything known before questions: flags merged over the spec file. Holes are undefined. */
export interface PartialOptions {
    directory?: string;
    raw: RawSpec;
    /** Where raw came from, for error messages. */
    specSource?: string;
    /** How many tools/resources/prompts came from the spec file (the rest came from flags). */
    fromSpec: { tools: number; resources: number; prompts: number; systems: number };
    pm: PackageManager;
    /** The package manager was named or detected, not defaulted. */
    pmKnown: boolean;
    install: boolean;
    git: boolean;
    /** --install/--no-install and --git/--no-git were typed, not defaulted (the wizard asks otherwise). */
    installKnown?: boolean;
    gitKnown?: boolean;
    force: boolean;
    dryRun: boolean;
    json: boolean;
    interactive: boolean;
    /** What input documents may reach (the `--openapi-…` flags; never a spec file's). */
    input: InputPolicy;
    /** Integration options typed as flags or answered in the wizard, as `<id>.<option>` (the rest came from the spec file). */
    given: string[];
}

export interface Options {
    /** As the user wrote it ('.' allowed). */
    directory: string;
    /** Absolute. */
    targetDir: string;
    spec: Spec;
    /** A team's template directory layered over the built-in templates (fetched by the CLI when remote). */
    templateDir?: string;
    /** Where relative paths in the spec are read from: the spec file's folder, else the working directory. */
    baseDir: string;
    pm: PackageManager;
    install: boolean;
    git: boolean;
    force: boolean;
    dryRun: boolean;
    json: boolean;
    input: InputPolicy;
    /** Integration options typed as flags or answered in the wizard, as `<id>.<option>`. */
    given: string[];
}

export const DEFAULT_DIRECTORY = 'my-mcp-server';
export const DEFAULT_DESCRIPTION = 'A Model Context Protocol server';

function splitList(value: string): string[] {
    return value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
}

/** A resource name derived from its URI: `docs://shipping-policy` -> `shipping-policy`, `orders://{id}` -> `orders`. */
export function resolveNameFromUri(uri: string): string {
    const withoutVars = uri.replace(/\{[^}]*\}/g, '');
    const [scheme = '', rest = ''] = withoutVars.split(/:(.*)/s);
    const segments = rest
        .split(/[^A-Za-z0-9_.-]+/)
        .map((s) => s.replace(/^\.+/, ''))
        .filter(Boolean);
    return segments.at(-1) ?? (scheme || 'resource');
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges flags over the spec file. `specData` is the parsed spec file (or undefined).
 * Throws UsageError for a bad flag, naming it.
 */
export function resolveOptions(
    directory: string | undefined,
    flags: CliFlags,
    environment: Environment,
    specData?: { file: string; data: unknown },
): PartialOptions {
    if (specData && !isObject(specData.data)) {
        throw new UsageError(`${quotePath(specData.file)}: expected a mapping at the top level (name, description, tools, …)`);
    }
    const raw: RawSpec = { ...(specData?.data as RawSpec | undefined) };
    const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
    const fromSpec = { tools: count(raw.tools), resources: count(raw.resources), prompts: count(raw.prompts), systems: count(raw.systems) };

    if (flags.name !== undefined) {
        const problem = npmNameProblem(flags.name);
        if (problem) throw new UsageError(`--name: invalid package name ${quote(flags.name)}: ${problem}`);
        raw.name = flags.name;
    }
    if (flags.description !== undefined) {
        if (flags.description.trim() === '') throw new UsageError('--description: must not be empty');
        raw.description = flags.description;
    }
    if (flags.transport !== undefined) {
        const list = splitList(flags.transport);
        const bad = list.find((t) => !(TRANSPORTS as readonly string[]).includes(t));
        if (bad !== undefined || list.length === 0) {
            throw new UsageError(`--transport: unknown transport ${quote(bad ?? flags.transport)}; expected stdio, http or stdio,http`);
        }
        raw.transports = list;
    }
    if (flags.with !== undefined) {
        const list = splitList(flags.with);
        const bad = list.find((s) => !SYSTEM_IDS.includes(s));
        if (bad !== undefined) throw new UsageError(`--with: unknown system ${quote(bad)}; expected ${SYSTEM_IDS.join(', ')}`);
        // Systems from flags are added to the spec's, not substituted: --with can only add.
        const existing = Array.isArray(raw.systems) ? raw.systems : [];
        const listed = new Set(existing.map((s) => (isObject(s) ? s.type : s)));
        raw.systems = [...existing, ...list.filter((s) => !listed.has(s))];
    }
    for (const name of flags.tool ?? []) {
        if (!MCP_NAME.test(name)) throw new UsageError(`--tool: invalid name ${quote(name)}; expected ${MCP_NAME_RULE}`);
        raw.tools = [...(Array.isArray(raw.tools) ? raw.tools : []), { name, description: `${name} (skeleton: implement it in src/tools/)` }];
    }
    for (const uri of flags.resource ?? []) {
        const problem = uriProblem(uri);
        if (problem) throw new UsageError(`--resource: ${problem}`);
        const name = resolveNameFromUri(uri);
        const kind = uriVariables(uri) ? 'resource template' : 'resource';
        raw.resources = [...(Array.isArray(raw.resources) ? raw.resources : []), { name, uri, description: `The ${name} ${kind}` }];
    }
    for (const name of flags.prompt ?? []) {
        if (!MCP_NAME.test(name)) throw new UsageError(`--prompt: invalid name ${quote(name)}; expected ${MCP_NAME_RULE}`);
        raw.prompts = [...(Array.isArray(raw.prompts) ? raw.prompts : []), { name, description: `The ${name} prompt` }];
    }
    if (flags.registryName !== undefined) {
        const problem = registryNameProblem(flags.registryName);
        if (problem) throw new UsageError(`--registry-name: ${problem}`);
        raw.registryName = flags.registryName;
    }
    // `--no-docker`, `--docker` and friends override the spec's `features`; one that is not a mapping is left for validation to name.
    const typed = SWITCHABLE.filter((f) => typeof flags[camelCase(f.switchFlag!)] === 'boolean');
    if (typed.length > 0 && (raw.features === undefined || isObject(raw.features))) {
        raw.features = {
            ...(raw.features as Record<string, unknown> | undefined),
            ...Object.fromEntries(typed.map((f) => [f.id, flags[camelCase(f.switchFlag!)]])),
        };
    }
    const given = applyOptionFlags(raw, flags);

    let pm: PackageManager | undefined;
    if (flags.pm !== undefined) {
        if (!isPackageManager(flags.pm)) throw new UsageError(`--pm: unknown package manager ${quote(flags.pm)}; expected ${PACKAGE_MANAGERS.join(', ')}`);
        pm = flags.pm;
    }
    pm ??= detectPackageManager(environment.env.npm_config_user_agent);

    const json = flags.json ?? false;
    return {
        directory,
        raw,
        specSource: specData?.file,
        fromSpec,
        pm: pm ?? 'npm',
        pmKnown: pm !== undefined,
        install: flags.install,
        git: flags.git,
        force: flags.force ?? false,
        dryRun: flags.dryRun ?? false,
        json,
        // Prompts only on a terminal, outside CI, without --yes, and never into --json output.
        interactive: environment.isTTY && !environment.env.CI && !flags.yes && !json,
        input: inputPolicy(flags, environment.cwd),
        given,
    };
}

/** A number above zero given by a flag, else the fallback; `unit` says what it counts. */
function positiveNumber(text: unknown, flag: string, unit: string, fallback: number): number {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (String(text).trim() === '' || !Number.isFinite(value) || value <= 0)
        throw new UsageError(`--${flag}: expected a number of ${unit} above 0, got ${quote(String(text))}`);
    return value;
}

/** What an input document may reach and take: `--openapi-ref-root`, `--openapi-allow-network`, `--openapi-max-size`, `--openapi-timeout`. */
export function inputPolicy(flags: CliFlags, cwd: string): InputPolicy {
    const root = flags.openapiRefRoot;
    if (root !== undefined && (typeof root !== 'string' || root.trim() === '')) throw new UsageError('--openapi-ref-root: expected a folder');
    return {
        ...(root !== undefined && { refRoot: resolve(cwd, root as string) }),
        allowNetwork: flags.openapiAllowNetwork === true,
        maxBytes: Math.round(positiveNumber(flags.openapiMaxSize, 'openapi-max-size', 'megabytes', DEFAULT_INPUT_POLICY.maxBytes / 1024 / 1024) * 1024 * 1024),
        timeoutMs: Math.round(positiveNumber(flags.openapiTimeout, 'openapi-timeout', 'seconds', DEFAULT_INPUT_POLICY.timeoutMs / 1000) * 1000),
    };
}

/** commander's property name of a flag: `agents-md` -> `agentsMd`. */
export function camelCase(flag: string): string {
    return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Integration options given by flag (`--auth jwt`, `--openapi api.yaml`): a system's option chooses
 * the system and lands in its `systems:` entry; a feature's lands in its top-level field.
 */
function applyOptionFlags(raw: RawSpec, flags: CliFlags): string[] {
    const given: string[] = [];
    for (const { integration, key, option } of OPTION_FLAGS) {
        const text = flags[camelCase(option.flag)];
        if (text === undefined) continue;
        given.push(`${integration.id}.${key}`);
        const value = option.type === 'boolean' && typeof text === 'boolean' ? text : parseOptionText(option, String(text));
        const problem = optionProblem(option, value);
        if (problem) throw new UsageError(`--${option.flag}: ${problem}`);
        const integrationId = integration.id;
        if (integration.kind === 'system') {
            const existing = Array.isArray(raw.systems) ? raw.systems : [];
            const index = existing.findIndex((s) => (isObject(s) ? s.type : s) === integrationId);
            const entry = index < 0 ? { type: integrationId } : isObject(existing[index]) ? { ...(existing[index] as object) } : { type: integrationId };
            const systems = [...existing];
            systems.splice(index < 0 ? systems.length : index, index < 0 ? 0 : 1, { ...entry, [key]: value });
            raw.systems = systems;
        } else {
            raw[option.specField ?? key] = value;
        }
    }
    return given;
}

/** Rewrites problem paths of items that came from flags so the message names the flag. */
function blameFlags(error: SpecError, partial: PartialOptions): SpecError {
    const flagOf = { tools: '--tool', resources: '--resource', prompts: '--prompt' } as const;
    const problems = error.problems.map((p) => {
        const system = flagForMissingOption(p.path, partial);
        if (system) return system;
        // Any other problem of a system that --with added (or a flag of its own) names the flag.
        const added = /^systems\[(\d+)\]$/.exec(p.path);
        if (added && Number(added[1]) >= partial.fromSpec.systems) {
            const entry = (partial.raw.systems as unknown[])[Number(added[1])];
            return { path: `--with ${oneLine(String(isObject(entry) ? entry.type : entry))}`, message: p.message };
        }
        const m = /^(tools|resources|prompts)\[(\d+)\](.*)$/.exec(p.path);
        if (!m) return p;
        const field = m[1] as keyof typeof flagOf;
        const index = Number(m[2]);
        if (index < partial.fromSpec[field]) return p;
        const items = partial.raw[field] as Record<string, unknown>[];
        const item = items[index]!;
        return { path: `${flagOf[field]} ${oneLine(String(field === 'resources' ? item.uri : item.name))}`, message: p.message };
    });
    // Flag problems are not the spec file's: name the file only when the first problem is in it.
    const first = problems[0]!;
    return new SpecError(problems, first.path.startsWith('--') ? undefined : partial.specSource);
}

/**
 * A system chosen with `--with` whose required option was not given: the problem names the option's
 * flag (`--with openapi needs --openapi <file-or-url>`), not the spec field the user never wrote.
 */
function flagForMissingOption(path: string, partial: PartialOptions): { path: string; message: string } | undefined {
    const m = /^systems\[(\d+)\]$/.exec(path);
    const entry = m ? (partial.raw.systems as unknown[] | undefined)?.[Number(m[1])] : undefined;
    if (typeof entry !== 'string') return undefined;
    const missing = OPTION_FLAGS.find(({ integration, option }) => integration.id === entry && option.required);
    if (!missing) return undefined;
    return { path: `--with ${entry}`, message: `needs --${missing.option.flag} <${optionPlaceholder(missing.option)}> (${missing.option.description})` };
}

/** Completes partial options with defaults and validates the spec. */
export function finalizeOptions(partial: PartialOptions, environment: Environment): Options {
    const directory = partial.directory ?? DEFAULT_DIRECTORY;
    if (directory.trim() === '') throw new UsageError('directory: must not be empty');
    const targetDir = resolve(environment.cwd, directory);
    let spec: Spec;
    try {
        spec = validateSpec(partial.raw, { name: toNpmName(basename(targetDir)), description: DEFAULT_DESCRIPTION }, partial.specSource);
    } catch (error) {
        if (error instanceof SpecError) throw blameFlags(error, partial);
        throw error;
    }
    return {
        directory,
        targetDir,
        spec,
        baseDir: partial.specSource === undefined ? environment.cwd : dirname(resolve(environment.cwd, partial.specSource)),
        pm: partial.pm,
        install: partial.install && !partial.dryRun,
        git: partial.git && !partial.dryRun,
        force: partial.force,
        dryRun: partial.dryRun,
        json: partial.json,
        input: partial.input,
        given: partial.given,
    };
}
