/**
 * The one way to extend a generated project: an integration. External systems (PostgreSQL), the
 * HTTP transport, the parts around the server (Dockerfile, CI, AGENTS.md, client configurations,
 * registry metadata) and the examples are all integrations, declared as data in one module each
 * and listed once in `./index.ts`.
 *
 * From one declaration the rest of the generator derives: spec validation and the YAML written back
 * (`options`), flags (`flag` on an option, `--with`, `--no-<id>`), wizard questions (`question`),
 * the dependencies and environment variables of the project, and the files (its template folder
 * `templates/integrations/<id>/`, plus files built as data).
 */
import type { PromptSpec, ResourceSpec, Spec, ToolSpec, Transport } from '../shared/spec-types.js';
import type { PackageName } from '../shared/versions.js';

/** A value an option can hold once validated. */
export type OptionValue = number | string | boolean | string[];

interface OptionBase {
    /** One line for `--help`, the README of the template authors, and the wizard's question. */
    description: string;
    /**
     * A command-line flag for it (`--<flag> <value>`; a boolean is `--<flag>` / `--no-<flag>`).
     * Giving the flag chooses a system integration (`--openapi x` implies `--with openapi`).
     */
    flag?: string;
    /** What the flag's value is called in `--help` (`--openapi <file-or-url>`); by default its type. */
    placeholder?: string;
    /** For feature integrations: the option lives at the spec's top level under this field (`auth: jwt`). */
    specField?: string;
    /** Asked by the wizard when the integration is chosen there (default true). */
    ask?: boolean;
    /** A value is needed: the spec, a flag or the wizard must give one (no default). */
    required?: boolean;
    /**
     * Looks further at a wizard answer with the I/O of a prepare step (reads the document it names,
     * say): a `problem` asks the question again with it; a `note` is shown once the answer is taken.
     */
    inspect?: (value: OptionValue, io: PrepareIo) => Promise<{ problem?: string; note?: string }>;
}

/** The typed options an integration declares. */
export type IntegrationOption =
    | (OptionBase & { type: 'integer'; default?: number; min: number; max: number })
    | (OptionBase & { type: 'string' | 'path' | 'url'; default?: string })
    | (OptionBase & { type: 'enum'; values: readonly string[]; default?: string })
    | (OptionBase & { type: 'list'; values?: readonly string[]; default?: string[] })
    | (OptionBase & { type: 'boolean'; default?: boolean });

/** An environment variable the generated server reads. */
export interface EnvVar {
    name: string;
    description: string;
    /** Written to `.env.example` and shown as the registry's placeholder ('' for none). */
    example: string;
    /**
     * The server cannot run without it, with the options chosen (`env` may decide per option:
     * MCP_AUTH_TOKEN is required in token mode only). Required variables are set, not commented out,
     * in `.env.example`, `isRequired` in `server.json`, and asked for by the client configurations.
     */
    required: boolean;
    secret: boolean;
    /**
     * Clients present the same value over HTTP in this header (`Authorization: Bearer <value>`): where
     * the variable is required, client configurations, `server.json` and the README's connection lines
     * send it.
     */
    clientHeader?: { name: string; prefix: string };
    /** The value used when unset, if any (as text, as an environment variable holds it). */
    default?: string;
    /**
     * Read only while serving this transport (set by the plan for the variables of a transport and of
     * integrations that require one): a stdio launch (client configurations, the registry's stdio
     * package) leaves them out.
     */
    transport?: Transport;
}

/**
 * A tool, resource or prompt an integration brings:
 * - `module`: its own file (from its template folder) exports the `register…(server)` function;
 *   a module that registers several tools (or under other names) lists them in `names`, so the
 *   project's listing tests and summaries know every one;
 * - `spec`: a spec item rendered through the same templates and tests as the user's items
 *   (`template` may name another template, as the examples do).
 */
export type ContributedItem =
    | { kind: 'tool' | 'resource' | 'prompt'; name: string; module: string; register: string; names?: string[] }
    | { kind: 'tool'; spec: ToolSpec; template?: string }
    | { kind: 'resource'; spec: ResourceSpec; template?: string }
    | { kind: 'prompt'; spec: PromptSpec; template?: string };

/**
 * A service the running server depends on, in one of the integration's modules (HTTP projects). The
 * module exports `ping(): Promise<void>` when `ping` is set: `/readyz` awaits it (at most 2 s), and it
 * rejects with what is wrong, or resolves when the service is answering or not configured at all.
 * It exports `close(): Promise<void>` when `close` is set: shutdown awaits it once the last request
 * has finished, to release pools and connections or flush what is buffered.
 */
export interface Lifecycle {
    /** Named in the `/readyz` answer and in logs: `PostgreSQL`. */
    name: string;
    /** The module under `src/`, without its extension: `systems/postgres`. */
    module: string;
    ping: boolean;
    close: boolean;
}

/** What an integration's functions see while the project is planned. Pure data. */
export interface IntegrationContext {
    spec: Spec;
    /** This integration's options, defaults filled in. */
    options: Record<string, OptionValue>;
    /** Ids of every active integration. */
    active: ReadonlySet<string>;
    /** What this integration's `prepare` step read, if it has one. */
    prepared: unknown;
}

/** A file's text, and the bytes it was read from when the text is exactly their UTF-8 (no BOM dropped, nothing undecodable). */
export interface FileText {
    text: string;
    bytes?: Uint8Array;
}

/** A file an integration builds as data; `bytes`, when given, are its text's UTF-8 (a document copied as it was read). */
export interface DataFile {
    path: string;
    text: string;
    bytes?: Uint8Array;
}

/** What data-built files need to know of the project as a whole. */
export interface ProjectFacts {
    /** The npm bin name (the package name without its scope). */
    binName: string;
    stdio: boolean;
    http: boolean;
    /** Every environment variable the server reads, from every active integration. */
    env: EnvVar[];
    /** Those a stdio launch reads (without the variables of the HTTP transport and what requires it). */
    stdioEnv: EnvVar[];
    registryName: string;
}

/**
 * Where an integration's README section goes: `exposes` after the lists of tools, resources and
 * prompts; `develop` in the dev loop part of the Develop section; `run` and `connect` at the end of
 * the sections of those names; `operate` after them, each section with a heading of its own
 * (Docker, publishing, CI, ...).
 */
export type ReadmePlace = 'exposes' | 'develop' | 'run' | 'connect' | 'operate';

/** One line of the README's layout block: `[path, what it holds]`. */
export type LayoutLine = [string, string];

/**
 * What the person running the CLI lets an input document reach: set by flags (never by a spec
 * file, which is input too), the same for the wizard, a dry run and a real run.
 */
export interface InputPolicy {
    /** Local references stay inside this folder (absolute); default: the folder of the document named. */
    refRoot?: string;
    /** Network references of a local document are fetched, and a URL document's to other origins. */
    allowNetwork: boolean;
    /** Most bytes one document and every file it references may take together. */
    maxBytes: number;
    /** Most milliseconds the downloads of one document may take together. */
    timeoutMs: number;
}

/** 50 MB and 60 seconds: the default caps of reading one document (`--openapi-max-size`, `--openapi-timeout`). */
export const DEFAULT_INPUT_POLICY: InputPolicy = { allowNetwork: false, maxBytes: 50 * 1024 * 1024, timeoutMs: 60_000 };

/** The I/O a `prepare` step may use, given by the edge that runs it. */
export interface PrepareIo {
    /** The folder relative paths are read against (absolute): the spec file's, else the working directory. */
    baseDir: string;
    policy: InputPolicy;
    /**
     * The integration's options typed on the command line or answered in the wizard; the others
     * come from a spec file, and a file they name must sit in the spec's folder (or `policy.refRoot`).
     */
    given: ReadonlySet<string>;
    /**
     * Reads a regular file (an absolute path) of at most `maxBytes` as UTF-8. Refuses, with an
     * `InputError`, a file whose real path (symbolic links followed) leaves `root`, anything under
     * /proc, /sys or /dev, and anything but a regular file (a FIFO, a device, a directory): nothing
     * can make it wait.
     */
    readFile(path: string, limits: { root?: string; maxBytes: number }): Promise<FileText>;
    /**
     * Fetches an http(s) URL as text: redirects followed one by one, only to http(s) and, when
     * `origin` is given, only within it; at most `maxBytes`; stopped by `signal`. Problems are
     * `InputError`s.
     */
    fetchText(url: string, limits: { origin?: string; maxBytes: number; signal: AbortSignal }): Promise<string>;
    /**
     * Reads a file of the project being generated over (a re-run with --force, or --dry-run over
     * it), relative to its directory; undefined when there is no such file or no such project.
     */
    readProjectFile?(path: string): Promise<string | undefined>;
}

export interface Integration {
    id: string;
    label: string;
    /** One line for `--help` and the wizard. */
    description: string;
    /**
     * How it is chosen:
     * - `system`: listed in the spec's `systems:` (with its options inline), `--with`, the wizard;
     * - `transport`: named in `transports:` / `--transport`;
     * - `feature`: a part of the project: switchable ones (`switchFlag`) are on unless switched off
     *   (`features: { <id>: false }`, `--no-<switchFlag>`); others are on when `activeWhen` says so.
     */
    kind: 'system' | 'transport' | 'feature';
    /** A switchable feature: `--no-<switchFlag>` (and a hidden `--<switchFlag>` that switches it back on over the spec). */
    switchFlag?: string;
    /** Help of `--no-<switchFlag>`. */
    switchHelp?: string;
    /** A feature that is not switched by `features:`: on when this says so (the examples: `spec.examples`). */
    activeWhen?: (spec: Spec) => boolean;
    options?: Record<string, IntegrationOption>;
    /**
     * What must be true for it to apply. A feature that is on only by default simply stays off when
     * unmet (Docker without HTTP); one that was asked for explicitly is an error naming the need.
     */
    requires?: { transports?: Transport[]; integrations?: string[] };
    /** Integrations it cannot be combined with. */
    conflicts?: string[];
    dependencies?: PackageName[] | ((ctx: IntegrationContext) => PackageName[]);
    devDependencies?: PackageName[] | ((ctx: IntegrationContext) => PackageName[]);
    /** Environment variables the generated server reads because of it. */
    env?: EnvVar[] | ((ctx: IntegrationContext) => EnvVar[]);
    /** Scripts it adds to the generated package.json. */
    scripts?: (ctx: IntegrationContext) => Record<string, string>;
    /** Fields it adds to the generated package.json (after `description`). */
    packageFields?: (ctx: IntegrationContext, project: ProjectFacts) => Record<string, unknown>;
    /**
     * Reads input before planning (an OpenAPI document, say); runs at the edge with `io`, and its
     * result reaches the pure functions below as `ctx.prepared`.
     */
    prepare?: (options: Record<string, OptionValue>, io: PrepareIo) => Promise<unknown>;
    /**
     * Its options as `mcp-server.yaml` records them, when they differ from what was given (a
     * document copied into the project is recorded by its path there). Default: as given.
     */
    savedOptions?: (ctx: IntegrationContext) => Record<string, OptionValue>;
    /** Lines the CLI prints while generating (renames it made, counts worth a warning). */
    notes?: (ctx: IntegrationContext) => string[];
    /** Tools, resources and prompts it registers, in the order listed. */
    items?: ContributedItem[] | ((ctx: IntegrationContext) => ContributedItem[]);
    /**
     * Its sections of the generated README, by place: for each, a file of its template folder (not
     * copied into the project; a `.hbs` one is rendered with the project view and `self`). The base
     * README names no integration: everything about one comes from here.
     */
    readme?: Partial<Record<ReadmePlace, string>>;
    /** Lines it adds to the README's layout block: a path and what it holds. */
    layout?: LayoutLine[] | ((ctx: IntegrationContext) => LayoutLine[]);
    /** The service it brings, which `/readyz` pings and shutdown closes (see Lifecycle). */
    lifecycle?: Lifecycle | ((ctx: IntegrationContext) => Lifecycle);
    /** Files built as data rather than templates (client configurations, server.json). */
    files?: (ctx: IntegrationContext, project: ProjectFacts) => DataFile[];
    /** Environment variable that makes its generated tests run against a real service (README, CI workflow). */
    testEnv?: string;
    /**
     * Values its templates see as `self` (and every template as `views.<id>`): names, labels, anything a
     * template needs beyond the options. Its own folder's templates and its shared folder's see them.
     * `project` describes the project as a whole (its environment variables, say).
     */
    view?: (ctx: IntegrationContext, project: ProjectFacts) => Record<string, unknown>;
    /**
     * A template folder several integrations render, each with its own `self` (the SQL systems share
     * `templates/integrations/sql/`: tools, resource and prompts written once, one driver each). A
     * `[key]` in a file's path becomes `self.key` (`src/tools/[prefix]query.ts`); files whose path holds
     * none are rendered once. Its `readme` files are looked up here when the own folder has none.
     */
    sharedTemplates?: string;
}
