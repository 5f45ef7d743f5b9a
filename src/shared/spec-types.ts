/**
 * The server description ("spec") as types: what a validated, normalized spec holds. Kept apart from
 * validation (src/spec.ts) so that integrations can describe items without importing the validator.
 */
export const PARAM_TYPES = ['string', 'number', 'integer', 'boolean', 'array'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export type ScalarType = Exclude<ParamType, 'array'>;
export const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean'] as const;

export const TRANSPORTS = ['stdio', 'http'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const ANNOTATION_HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;
export type Annotations = Partial<Record<(typeof ANNOTATION_HINTS)[number], boolean>>;

/** Who may call a tool, in the MCP Apps extension's terms: the model, the views (apps), or both. */
export const TOOL_VISIBILITY = ['model', 'app'] as const;
export type ToolVisibility = (typeof TOOL_VISIBILITY)[number];

/** The CSP domains of a view: origins it may connect to (fetch, WebSocket) and load resources from. */
export const VIEW_CSP_FIELDS = ['connectDomains', 'resourceDomains'] as const;
export type ViewCsp = Partial<Record<(typeof VIEW_CSP_FIELDS)[number], string[]>>;

/**
 * A tool's interactive view (MCP Apps, `io.modelcontextprotocol/ui`): an HTML page in `ui/<tool>/`
 * that hosts render with the tool's results. `ui: true` in the spec is a view with no options.
 */
export interface ViewSpec {
    /** The view resource's title (default: the tool's title). */
    title?: string;
    /** Asks hosts for a visible border and background around the view (or none, when false). */
    prefersBorder?: boolean;
    /** Origins the view may reach; hosts block every other one. */
    csp?: ViewCsp;
}

export interface ParamSpec {
    type: ParamType;
    /** Element type, for arrays only. */
    items?: ScalarType;
    description?: string;
    enum?: (string | number | boolean)[];
    default?: unknown;
    minimum?: number;
    maximum?: number;
    /** Normalized: false when a default is given, else true unless the spec says otherwise. */
    required: boolean;
}

/**
 * An icon as the spec gives it: an https URL, or a `data:` URI (a spec file's image file is embedded
 * as one when the file is read, so the project carries it).
 */
export type IconSpec = string;

/** Whether a tool asks the user before it acts: always (refused where the client cannot ask), or where it can. */
export type ConfirmSpec = true | 'optional';

export const CACHE_SCOPES = ['private', 'public'] as const;
export type CacheScope = (typeof CACHE_SCOPES)[number];

export interface ToolSpec {
    name: string;
    title?: string;
    description: string;
    annotations?: Annotations;
    /** Parameter name -> schema, in the order given. */
    input: Record<string, ParamSpec>;
    /** The fields of its structured result (`outputSchema`), in the order given. */
    output?: Record<string, ParamSpec>;
    /** OAuth scopes a caller needs for this tool over authorized HTTP (403 insufficient_scope otherwise). */
    scopes?: string[];
    /** Its interactive view (MCP Apps), if it has one. */
    ui?: ViewSpec;
    /** Who may call it (MCP Apps hosts): `[app]` hides a tool that only views call from the model. */
    visibility?: ToolVisibility[];
    confirm?: ConfirmSpec;
    icon?: IconSpec;
    /** Calls one caller may make over HTTP in a window, such as `30/minute` (429 beyond it). */
    rateLimit?: string;
}

/** The windows a rate limit counts in, as `RATE_LIMIT` and a tool's `rateLimit` name them. */
export const RATE_WINDOWS = ['second', 'minute', 'hour'] as const;

/** Why `text` is not a rate limit (`<count>/<second|minute|hour>`), or undefined when it is one. */
export function rateLimitProblem(text: string): string | undefined {
    const match = /^(\d+)\/([a-z]+)$/.exec(text);
    const count = match ? Number(match[1]) : 0;
    if (!match || !(RATE_WINDOWS as readonly string[]).includes(match[2]!) || count < 1 || count > 1_000_000) {
        return 'expected a count from 1 to 1000000, a slash and second, minute or hour, such as 30/minute';
    }
    return undefined;
}

export interface ResourceSpec {
    name: string;
    uri: string;
    title?: string;
    description?: string;
    mimeType?: string;
    icon?: IconSpec;
    /** Clients may subscribe to its changes. */
    subscribe?: boolean;
    /** How long clients may cache a read, in seconds (2026-07-28 `ttlMs`), and for whom. */
    ttl?: number;
    cacheScope?: CacheScope;
    /** For a template: values offered while a client completes each variable. */
    complete?: Record<string, string[]>;
}

export interface PromptArgumentSpec {
    name: string;
    description?: string;
    required: boolean;
    /** Values offered while a client completes the argument. */
    complete?: string[];
}

export interface PromptSpec {
    name: string;
    title?: string;
    description?: string;
    arguments: PromptArgumentSpec[];
    icon?: IconSpec;
}

/** A chosen system integration with the options the spec gave it (defaults are not filled in). */
export interface SystemSpec {
    type: string;
    options: Record<string, unknown>;
}

/**
 * Parts of the project around the server by feature integration id (`clientConfigs`, `registry`,
 * `docker`, `ci`, `agentsMd`, …): on or off, as the spec's `features:` and `--no-…` flags left them.
 */
export type Features = Record<string, boolean>;

/**
 * The team template a project was made from: the source as given (a directory or `.tgz` as an absolute
 * path) and what it resolved to (a full commit sha, or a package's exact version), so re-runs, `add`
 * and `update` find it again.
 */
export interface TemplateRecord {
    source: string;
    resolved?: string;
}

export interface Spec {
    name: string;
    description: string;
    version: string;
    /** The server's icon and web site, sent in its `serverInfo`. */
    icon?: IconSpec;
    websiteUrl?: string;
    transports: Transport[];
    systems: SystemSpec[];
    tools: ToolSpec[];
    resources: ResourceSpec[];
    prompts: PromptSpec[];
    /**
     * The project carries the built-in example tool, resource and prompt. Defaults to true only
     * when the spec describes nothing else, and is written down so `add` and re-runs keep them.
     */
    examples: boolean;
    /** Name in the MCP registry (`io.github.owner/name`); a default is derived when absent. */
    registryName?: string;
    /** The team template (`--template`) the project was made from; absent for the built-in templates alone. */
    template?: TemplateRecord;
    /** Client configurations, server.json, Dockerfile, CI workflow, AGENTS.md: each on unless switched off. */
    features: Features;
    /**
     * Options of feature integrations that live at the spec's top level (`auth: jwt`), by integration
     * id, only as given (defaults are not filled in).
     */
    settings: Record<string, Record<string, unknown>>;
}
