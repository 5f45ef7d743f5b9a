/**
 * What a spec becomes: the list of files to produce and the view model the templates see.
 * Pure: reads nothing, writes nothing.
 */
import { commentText, invalidCalls, jsLiteral, jsString, propertyKey, sampleValue, zodForParam } from '../shared/codegen.js';
import { htmlText } from '../shared/escape.js';
import {
    type ContributedItem,
    type EnvVar,
    INTEGRATIONS,
    type Integration,
    type IntegrationContext,
    type LayoutLine,
    type OptionValue,
    type ProjectFacts,
    type ReadmePlace,
    activeIntegrations,
    envOf,
    itemsOf,
    lifecycleOf,
    resolve,
} from '../integrations/index.js';
import { UsageError } from '../shared/errors.js';
import { fileBase, pascalCase, titleFromName } from '../shared/names.js';
import { iconOf } from '../shared/icons.js';
import { defaultRegistryName } from '../integrations/registry.js';
import { toolUiMeta, viewTitle } from '../integrations/apps.js';
import { type HttpCredentialView, httpCredentialViews } from '../integrations/client-configs.js';
import { type PromptSpec, type ResourceSpec, type Spec, type ToolSpec, uriVariables } from './spec.js';
import { specToYaml } from './spec-file.js';
import { type PackageName, pick, versions } from '../shared/versions.js';

/** A file of the generated project: rendered from a template, or given as text. */
export type PlannedFile =
    | { path: string; template: string; context: ProjectView | (ProjectView & { self: Record<string, unknown> }) | ItemContext }
    | { path: string; text: string; bytes?: Uint8Array };

export interface Plan {
    files: PlannedFile[];
    view: ProjectView;
    /** The README sections of the active integrations, to render before README.md (its `readme`). */
    readmeSections: ReadmeSection[];
    /** Lines the integrations want printed while generating. */
    notes: string[];
}

/** One integration's README section: the template to render, with what, for which place. */
export interface ReadmeSection {
    place: ReadmePlace;
    /** Path of the template, in its own folder or the shared one it names. */
    templates: string[];
    context: ProjectView & { self: Record<string, unknown> };
}

/** Registration of one item in `createServer()`. */
export interface Registration {
    kind: 'tool' | 'resource' | 'prompt';
    name: string;
    importPath: string;
    /** The module's path in the project, e.g. `src/tools/search_orders.ts`. */
    file: string;
    fn: string;
    /** Every name it registers, when a module registers several (or under other names). */
    names?: string[];
}

export interface ToolView {
    name: string;
    /** As written in the spec, for Markdown (code uses descriptionLiteral). */
    description: string;
    file: string;
    fn: string;
    /** Implemented by a template of its own (the examples), not a skeleton to fill in. */
    example: boolean;
    /** Literals, ready to place in TypeScript code. */
    nameLiteral: string;
    titleLiteral: string;
    descriptionLiteral: string;
    annotationsLiteral?: string;
    /** The OAuth scopes the tool needs, as JS string literals separated by commas. */
    scopesLiteral?: string;
    /** Calls a caller may make over HTTP, such as `30/minute` (spec `rateLimit`). */
    rateLimit?: string;
    params: { key: string; zod: string }[];
    /** The fields of its structured result (`outputSchema`), when it declares them, and a value of that shape. */
    output?: { key: string; zod: string }[];
    outputSampleLiteral?: string;
    /** It asks the user before it acts; `optional`: only where the client can ask. */
    confirm?: { optional: boolean };
    /** Its `icons`, as a literal. */
    iconsLiteral?: string;
    /** For tests: property names, valid arguments, and arguments with one wrongly typed value (if any). */
    propertiesLiteral: string;
    argsLiteral: string;
    /** Calls the schema must refuse: `{ why, args }[]` as a literal (empty list when the tool takes no input). */
    invalidLiteral: string;
    /** Its `_meta.ui` in `tools/list` (MCP Apps) as a literal: the URI of its view, who may call it. */
    uiMetaLiteral?: string;
    /** Its interactive view (MCP Apps), in `ui/<file>/`: the title, as HTML text. */
    view?: { titleHtml: string };
}

export interface ResourceView {
    name: string;
    file: string;
    fn: string;
    example: boolean;
    uri: string;
    nameLiteral: string;
    uriLiteral: string;
    titleLiteral: string;
    descriptionLiteral?: string;
    mimeType: string;
    mimeTypeLiteral: string;
    isJson: boolean;
    /** Template variables (for resource templates). */
    variables: { name: string; key: string; nameLiteral: string }[];
    /**
     * For a template: the instances its skeleton serves (from the spec's `complete` values), as a
     * literal; for tests, the first one and the values completion offers for the first variable.
     */
    entriesLiteral: string;
    firstEntryLiteral: string;
    firstVariableValuesLiteral: string;
    /** A URI it serves: its own, or the template's first instance (for tests, with a variable naming that instance). */
    instanceUriLiteral: string;
    instanceVar: string;
    /** The URI, safe inside a block comment. */
    uriComment: string;
    /** Clients may subscribe; `announceFn` is the function the skeleton exports to announce a change. */
    subscribe: boolean;
    announceFn: string;
    /** Its `cacheHint` (2026-07-28 `ttlMs`, `cacheScope`) as a literal, when the spec gives a ttl. */
    cacheHintLiteral?: string;
    ttlMs?: number;
    ttl?: number;
    iconsLiteral?: string;
}

export interface PromptView {
    name: string;
    file: string;
    fn: string;
    example: boolean;
    nameLiteral: string;
    titleLiteral: string;
    descriptionLiteral?: string;
    args: { name: string; key: string; nameLiteral: string; zod: string; completeLiteral?: string }[];
    argsLiteral: string;
    argNamesLiteral: string;
    /** Some argument offers completions: `{ argument: value }` a completion of it must offer, for tests. */
    completionLiteral?: string;
    iconsLiteral?: string;
}

export interface ProjectView {
    name: string;
    nameLiteral: string;
    description: string;
    descriptionLiteral: string;
    version: string;
    versionLiteral: string;
    /** The server's `icons` and `websiteUrl`, as literals, when the spec gives them. */
    iconsLiteral?: string;
    websiteUrlLiteral?: string;
    binName: string;
    stdio: boolean;
    http: boolean;
    /** Both transports: stdio unless `--http` or MCP_TRANSPORT=http. */
    both: boolean;
    examples: boolean;
    tools: ToolView[];
    /** Some tool has calls its schema must refuse (generated tests check them). */
    hasInvalidCalls: boolean;
    /** Tools with an output schema, tools that ask the user first, resources clients subscribe to (for tests). */
    outputTools: ToolView[];
    confirmTools: ToolView[];
    subscribeResources: ResourceView[];
    /** Resources with a cache hint. */
    cachedResources: ResourceView[];
    /** Prompts with completions. */
    completePrompts: PromptView[];
    /** Items with an icon (`kind`: tool, resource, template or prompt), and the server's icon and web site as clients see them (for tests). */
    iconItems: { kind: string; nameLiteral: string; iconsLiteral: string }[];
    serverIdentityLiteral?: string;
    staticResources: ResourceView[];
    templateResources: ResourceView[];
    prompts: PromptView[];
    registrations: Registration[];
    /** The tools with a rate limit of their own: the key to write in an object literal, and the limit. */
    toolLimits: { key: string; rateLimit: string }[];
    /**
     * The services of active integrations (`Integration.lifecycle`), in registry order: the module to
     * import, and the local names of its `ping` and `close` hooks when it has them.
     */
    lifecycle: { name: string; nameLiteral: string; importPath: string; ping?: string; close?: string }[];
    /** The names of the services `/readyz` pings, for prose: `PostgreSQL, Redis`. */
    readiness: string;
    /** Every tool/prompt/resource name, the systems' included, for the listing tests. */
    allToolNamesLiteral: string;
    allPromptNamesLiteral: string;
    systems: { id: string; label: string; testEnv?: string }[];
    /** The integrations' README sections by place, rendered (empty until `withReadme`). */
    readme: Record<ReadmePlace, string[]>;
    /** The README's layout block: every path padded to one column, with what it holds. */
    layout: string[];
    /** Each system's options, defaults filled in, by id: `{{system.postgres.maxRows}}`. */
    system: Record<string, Record<string, OptionValue>>;
    /** Every integration by id: is it on? `{{#if on.docker}}`. */
    on: Record<string, boolean>;
    /** Options of every active integration, defaults filled in, by id: `{{integrations.postgres.maxRows}}`. */
    integrations: Record<string, Record<string, OptionValue>>;
    /** What active integrations give their templates (`Integration.view`), by id; their own templates see it as `self`. */
    views: Record<string, Record<string, unknown>>;
    env: EnvVar[];
    /** The variables a stdio launch reads: `env` without those of the HTTP transport and what requires it. */
    stdioEnv: EnvVar[];
    /** What clients must send over HTTP (the shared token in token mode), for the README's connection lines. */
    httpCredentials: HttpCredentialView[];
    hasSystems: boolean;
    /** Versions of packages the README names (inspector etc.). */
    versions: typeof versions;
    /** Parts around the server (spec `features`, `--no-…` flags); docker only with the http transport. */
    clientConfigs: boolean;
    registry: boolean;
    docker: boolean;
    ci: boolean;
    agentsMd: boolean;
    /** Name in the MCP registry (server.json, package.json `mcpName`), and whether its owner is a placeholder. */
    registryName: string;
    registryNamePlaceholder: boolean;
}

/** Context of a per-item template: the item and the project around it. */
export interface ItemContext {
    project: ProjectView;
    tool?: ToolView;
    resource?: ResourceView;
    prompt?: PromptView;
}

/** What every item view shares: its names as file, function and literals. */
function identity(name: string, title: string | undefined, kind: 'Tool' | 'Resource' | 'Prompt', example: boolean) {
    return {
        name,
        file: fileBase(name),
        fn: `register${pascalCase(name)}${kind}`,
        example,
        nameLiteral: jsString(name),
        titleLiteral: jsString(title ?? titleFromName(name)),
    };
}

/** An item's `icons`, as a literal. */
function iconsLiteral(icon: string | undefined): string | undefined {
    return icon === undefined ? undefined : jsLiteral([iconOf(icon)]);
}

function toolView(spec: Spec, tool: ToolSpec, example: boolean): ToolView {
    const entries = Object.entries(tool.input);
    const args = Object.fromEntries(entries.map(([key, p]) => [key, sampleValue(p)]));
    const uiMeta = toolUiMeta(spec, tool);
    const title = tool.ui && viewTitle({ ...tool, ui: tool.ui });
    const output = tool.output && Object.entries(tool.output);
    return {
        ...identity(tool.name, tool.title, 'Tool', example),
        description: tool.description,
        descriptionLiteral: jsString(tool.description),
        annotationsLiteral: tool.annotations && Object.keys(tool.annotations).length > 0 ? jsLiteral(tool.annotations) : undefined,
        scopesLiteral: tool.scopes ? jsLiteral(tool.scopes) : undefined,
        output: output?.map(([key, p]) => ({ key: propertyKey(key), zod: zodForParam(p) })),
        outputSampleLiteral: output && jsLiteral(Object.fromEntries(output.map(([key, p]) => [key, sampleValue(p)]))),
        confirm: tool.confirm === undefined ? undefined : { optional: tool.confirm === 'optional' },
        iconsLiteral: iconsLiteral(tool.icon),
        rateLimit: tool.rateLimit,
        params: entries.map(([key, p]) => ({ key: propertyKey(key), zod: zodForParam(p) })),
        propertiesLiteral: jsLiteral(entries.map(([key]) => key)),
        argsLiteral: jsLiteral(args),
        invalidLiteral: jsLiteral(invalidCalls(tool.input)),
        uiMetaLiteral: uiMeta && jsLiteral(uiMeta),
        view: title === undefined ? undefined : { titleHtml: htmlText(title) },
    };
}

/**
 * The instances a template's skeleton serves: as many as the longest list of completions the spec
 * gives (at least two), each variable taking its values in turn, or `<variable>-<n>`.
 */
function templateEntries(variables: string[], complete: Record<string, string[]>): Record<string, string>[] {
    const count = Math.max(2, ...Object.values(complete).map((values) => values.length));
    return Array.from({ length: count }, (_, i) =>
        Object.fromEntries(variables.map((v) => [v, complete[v] ? complete[v][i % complete[v].length]! : `${v}-${i + 1}`])),
    );
}

/** A URI template with `{variable}`s filled in, encoded as the SDK's `UriTemplate.expand` does (`encodeURIComponent`). */
function expandUri(template: string, values: Record<string, string>): string {
    return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
}

function resourceView(resource: ResourceSpec, example: boolean): ResourceView {
    const variables = uriVariables(resource.uri) ?? [];
    const mimeType = resource.mimeType ?? 'text/plain';
    const entries = templateEntries(variables, resource.complete ?? {});
    return {
        ...identity(resource.name, resource.title, 'Resource', example),
        uri: resource.uri,
        uriLiteral: jsString(resource.uri),
        descriptionLiteral: resource.description !== undefined ? jsString(resource.description) : undefined,
        mimeType,
        mimeTypeLiteral: jsString(mimeType),
        isJson: /[/+]json$/i.test(mimeType.split(';')[0]!.trim()),
        variables: variables.map((v) => ({ name: v, key: propertyKey(v), nameLiteral: jsString(v) })),
        entriesLiteral: jsLiteral(entries),
        firstEntryLiteral: jsLiteral(entries[0]),
        firstVariableValuesLiteral: jsLiteral([...new Set(entries.map((entry) => entry[variables[0] ?? ''] ?? ''))]),
        instanceUriLiteral: jsString(expandUri(resource.uri, entries[0]!)),
        instanceVar: `${pascalCase(resource.name).replace(/^./, (first) => first.toLowerCase())}Instance`,
        uriComment: commentText(resource.uri),
        subscribe: resource.subscribe === true,
        announceFn: `announce${pascalCase(resource.name)}Changed`,
        cacheHintLiteral: resource.ttl === undefined ? undefined : jsLiteral({ ttlMs: resource.ttl * 1000, cacheScope: resource.cacheScope ?? 'private' }),
        ttlMs: resource.ttl === undefined ? undefined : resource.ttl * 1000,
        ttl: resource.ttl,
        iconsLiteral: iconsLiteral(resource.icon),
    };
}

function promptView(prompt: PromptSpec, example: boolean): PromptView {
    const completed = prompt.arguments.filter((a) => a.complete);
    return {
        ...identity(prompt.name, prompt.title, 'Prompt', example),
        descriptionLiteral: prompt.description !== undefined ? jsString(prompt.description) : undefined,
        args: prompt.arguments.map((a) => ({
            name: a.name,
            key: propertyKey(a.name),
            nameLiteral: jsString(a.name),
            zod: `z.string()${a.required ? '' : '.optional()'}${a.description !== undefined ? `.describe(${jsString(a.description)})` : ''}`,
            completeLiteral: a.complete && jsLiteral(a.complete),
        })),
        argsLiteral: jsLiteral(Object.fromEntries(prompt.arguments.map((a) => [a.name, a.complete?.[0] ?? `example ${a.name}`]))),
        argNamesLiteral: jsLiteral(prompt.arguments.map((a) => a.name)),
        completionLiteral: completed.length > 0 ? jsLiteral(Object.fromEntries(completed.map((a) => [a.name, a.complete![0]]))) : undefined,
        iconsLiteral: iconsLiteral(prompt.icon),
    };
}

function registration(kind: Registration['kind'], name: string, module: string, fn: string, names?: string[]): Registration {
    return { kind, name, importPath: `./${module}.js`, file: `src/${module}.ts`, fn, ...(names && { names }) };
}

/**
 * The registrations of integration modules, in order. A module several integrations list (the SQL
 * systems share `src/tools/query.ts`) is registered once, with every name they bring.
 */
function moduleRegistrations(items: ContributedItem[]): Registration[] {
    const byModule = new Map<string, Registration>();
    for (const item of items) {
        if (!('module' in item)) continue;
        const found = byModule.get(`${item.module}:${item.register}`);
        if (found) found.names = [...(found.names ?? [found.name]), ...(item.names ?? [item.name])];
        else byModule.set(`${item.module}:${item.register}`, registration(item.kind, item.name, item.module, item.register, item.names));
    }
    return [...byModule.values()];
}

/** Every name the registrations of one kind register. */
function registeredNames(registrations: Registration[], kind: Registration['kind']): string[] {
    return registrations.filter((r) => r.kind === kind).flatMap((r) => r.names ?? [r.name]);
}

/** The spec as `mcp-server.yaml` records it: each system's options as the integration saves them. */
function savedSpec(spec: Spec, active: Active): Spec {
    const systems = spec.systems.map((system) => {
        const found = active.find((a) => a.integration.id === system.type);
        const saved = found?.integration.savedOptions?.(found.ctx);
        return saved ? { ...system, options: { ...system.options, ...saved } } : system;
    });
    return { ...spec, systems };
}

/** The services of the active integrations, each hook under a local name of its own (`pingPostgres`). */
function lifecycleView(active: Active): ProjectView['lifecycle'] {
    return active.flatMap(({ integration, ctx }) => {
        const service = lifecycleOf(integration, ctx);
        if (!service) return [];
        const suffix = pascalCase(integration.id);
        return [
            {
                name: service.name,
                nameLiteral: jsString(service.name),
                importPath: `./${service.module}.js`,
                ...(service.ping && { ping: `ping${suffix}` }),
                ...(service.close && { close: `close${suffix}` }),
            },
        ];
    });
}

/** The npm bin name: the package name without its scope. */
function binName(name: string): string {
    return name.replace(/^@[^/]+\//, '');
}

/** The order of scripts in the generated package.json; scripts not listed follow in the order given. */
const SCRIPT_ORDER = ['build', 'start', 'start:http', 'dev', 'call', 'test', 'typecheck', 'check', 'inspect', 'conformance'];

type Active = { integration: Integration; ctx: IntegrationContext }[];

function packageJson(spec: Spec, view: ProjectView, active: Active, project: ProjectFacts): string {
    const deps: PackageName[] = [
        '@modelcontextprotocol/server',
        'zod',
        ...active.flatMap(({ integration, ctx }) => resolve(integration.dependencies, ctx, [])),
    ];
    const devDeps: PackageName[] = [
        '@biomejs/biome',
        '@modelcontextprotocol/client',
        '@types/node',
        'esbuild',
        'typescript',
        'vitest',
        'vite',
        ...active.flatMap(({ integration, ctx }) => resolve(integration.devDependencies, ctx, [])),
    ];
    const scripts: Record<string, string> = {
        build: 'tsc --noEmit && node scripts/build.mjs',
        start: 'node dist/index.js',
        // Serves and reloads on every change (HTTP); stdio clients start `node scripts/dev.mjs --stdio`.
        dev: 'node scripts/dev.mjs',
        // Calls one tool: `npm run call -- <tool> '<json arguments>'`, on a fresh bundle.
        call: 'node scripts/build.mjs && node scripts/call.mjs',
        test: 'vitest run',
        typecheck: 'tsc --noEmit',
        check: 'biome check',
        // Inspector 2.x on Node >= 22.19, 0.15.0 before (scripts/inspect.mjs).
        inspect: 'npm run build && node scripts/inspect.mjs',
        ...Object.assign({}, ...active.map(({ integration, ctx }) => integration.scripts?.(ctx) ?? {})),
    };
    const rank = (name: string) => (SCRIPT_ORDER.includes(name) ? SCRIPT_ORDER.indexOf(name) : SCRIPT_ORDER.length);
    const pkg = {
        name: spec.name,
        version: spec.version,
        description: spec.description,
        ...Object.assign({}, ...active.map(({ integration, ctx }) => integration.packageFields?.(ctx, project) ?? {})),
        type: 'module',
        bin: { [view.binName]: 'dist/index.js' },
        files: ['dist'],
        engines: { node: '>=20' },
        scripts: Object.fromEntries(Object.entries(scripts).sort(([a], [b]) => rank(a) - rank(b))),
        dependencies: pick([...new Set(deps)]),
        devDependencies: pick([...new Set(devDeps)]),
    };
    return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Files under a template folder, as the plan sees them: `base/src/index.ts.hbs` -> `src/index.ts`. */
function outputPath(relative: string): string {
    const withoutHbs = relative.endsWith('.hbs') ? relative.slice(0, -4) : relative;
    // Dot-files are stored as `_name` because npm drops some of them (.gitignore) from packages.
    return withoutHbs.replace(/(^|\/)_([^/]+)$/, '$1.$2');
}

/** The template folder of an integration. */
export function integrationFolder(id: string): string {
    return `integrations/${id}/`;
}

/**
 * Every environment variable the project reads. Two integrations may not read one variable (an
 * OpenAPI security scheme whose variable is another system's): it would mean two things.
 */
function projectEnv(active: ReturnType<typeof activeIntegrations>): EnvVar[] {
    const owners = new Map<string, string>();
    const env: EnvVar[] = [];
    for (const { integration, ctx } of active) {
        for (const variable of envOf(integration, ctx)) {
            const owner = owners.get(variable.name);
            if (owner !== undefined && owner !== integration.id) {
                const hint = [owner, integration.id].includes('openapi') ? '; --openapi-env-prefix names the OpenAPI ones differently' : '';
                throw new UsageError(`environment variable ${variable.name}: read by both ${owner} and ${integration.id}${hint}`);
            }
            owners.set(variable.name, integration.id);
            env.push(variable);
        }
    }
    return env;
}

/**
 * Decides every file of the project. `templateNames` lists the available template paths
 * (relative to the templates folder), so the plan can copy whole folders. `prepared` holds what
 * the integrations' `prepare` steps read, by integration id.
 */
export function plan(spec: Spec, templateNames: readonly string[], prepared: Record<string, unknown> = {}): Plan {
    const active = activeIntegrations(spec, prepared);
    const contributed = active.flatMap(({ integration, ctx }) => itemsOf(integration, ctx));
    // Items a template folder renders as items, not as files of their own.
    const itemTemplates = new Set(contributed.flatMap((item) => ('template' in item && item.template ? [item.template] : [])));
    const templateOf = new Map<string, string>();
    const toolItems: { spec: ToolSpec; example: boolean }[] = [];
    const resourceItems: { spec: ResourceSpec; example: boolean }[] = [];
    const promptItems: { spec: PromptSpec; example: boolean }[] = [];
    for (const item of contributed) {
        if (!('spec' in item)) continue;
        if (item.template) templateOf.set(`${item.kind}:${item.spec.name}`, item.template);
        // An item with a template of its own is implemented there, not a skeleton to fill in (the examples).
        const example = item.template !== undefined;
        if (item.kind === 'tool') toolItems.push({ spec: item.spec, example });
        else if (item.kind === 'resource') resourceItems.push({ spec: item.spec, example });
        else promptItems.push({ spec: item.spec, example });
    }
    const tools = [...toolItems.map((t) => toolView(spec, t.spec, t.example)), ...spec.tools.map((t) => toolView(spec, t, false))];
    const resources = [...resourceItems.map((r) => resourceView(r.spec, r.example)), ...spec.resources.map((r) => resourceView(r, false))];
    const prompts = [...promptItems.map((p) => promptView(p.spec, p.example)), ...spec.prompts.map((p) => promptView(p, false))];

    const registrations: Registration[] = [
        ...moduleRegistrations(contributed),
        ...tools.map((t) => registration('tool', t.name, `tools/${t.file}`, t.fn)),
        ...resources.map((r) => registration('resource', r.name, `resources/${r.file}`, r.fn)),
        ...prompts.map((p) => registration('prompt', p.name, `prompts/${p.file}`, p.fn)),
    ];

    const on = Object.fromEntries(INTEGRATIONS.map((i) => [i.id, active.some((a) => a.integration.id === i.id)]));
    const systems = active.filter((a) => a.integration.kind === 'system');
    const env = projectEnv(active);
    const registry = spec.registryName !== undefined ? { name: spec.registryName, placeholder: false } : defaultRegistryName(spec.name);
    const stdioEnv = env.filter((v) => v.transport === undefined || v.transport === 'stdio');
    const project: ProjectFacts = {
        binName: binName(spec.name),
        stdio: spec.transports.includes('stdio'),
        http: on.http!,
        env,
        stdioEnv,
        registryName: registry.name,
    };
    const view: ProjectView = {
        name: spec.name,
        nameLiteral: jsString(spec.name),
        description: spec.description,
        descriptionLiteral: jsString(spec.description),
        version: spec.version,
        versionLiteral: jsString(spec.version),
        iconsLiteral: iconsLiteral(spec.icon),
        websiteUrlLiteral: spec.websiteUrl === undefined ? undefined : jsString(spec.websiteUrl),
        binName: binName(spec.name),
        stdio: spec.transports.includes('stdio'),
        http: on.http!,
        both: spec.transports.length === 2,
        examples: on.examples!,
        tools,
        hasInvalidCalls: tools.some((t) => t.invalidLiteral !== '[]'),
        outputTools: tools.filter((t) => t.output),
        confirmTools: tools.filter((t) => t.confirm),
        subscribeResources: resources.filter((r) => r.subscribe),
        cachedResources: resources.filter((r) => r.cacheHintLiteral !== undefined),
        completePrompts: prompts.filter((p) => p.completionLiteral !== undefined),
        iconItems: [
            ...tools.map((t) => ({ kind: 'tool', item: t })),
            ...resources.map((r) => ({ kind: r.variables.length > 0 ? 'template' : 'resource', item: r })),
            ...prompts.map((p) => ({ kind: 'prompt', item: p })),
        ].flatMap(({ kind, item }) => (item.iconsLiteral ? [{ kind, nameLiteral: item.nameLiteral, iconsLiteral: item.iconsLiteral }] : [])),
        serverIdentityLiteral:
            spec.icon === undefined && spec.websiteUrl === undefined
                ? undefined
                : jsLiteral({ websiteUrl: spec.websiteUrl, icons: spec.icon === undefined ? undefined : [iconOf(spec.icon)] }),
        staticResources: resources.filter((r) => r.variables.length === 0),
        templateResources: resources.filter((r) => r.variables.length > 0),
        prompts,
        registrations,
        toolLimits: tools.flatMap((t) => (t.rateLimit ? [{ key: propertyKey(t.name), rateLimit: t.rateLimit }] : [])),
        lifecycle: lifecycleView(active),
        readiness: lifecycleView(active)
            .filter((service) => service.ping)
            .map((service) => service.name)
            .join(', '),
        allToolNamesLiteral: jsLiteral(registeredNames(registrations, 'tool')),
        allPromptNamesLiteral: jsLiteral(registeredNames(registrations, 'prompt')),
        systems: systems.map(({ integration: s }) => ({ id: s.id, label: s.label, testEnv: s.testEnv })),
        readme: { exposes: [], develop: [], run: [], connect: [], operate: [] },
        layout: layoutBlock(active.flatMap(({ integration, ctx }) => resolve(integration.layout, ctx, []))),
        system: Object.fromEntries(systems.map(({ integration, ctx }) => [integration.id, ctx.options])),
        on,
        integrations: Object.fromEntries(active.map(({ integration, ctx }) => [integration.id, ctx.options])),
        views: Object.fromEntries(active.flatMap(({ integration, ctx }) => (integration.view ? [[integration.id, integration.view(ctx, project)]] : []))),
        env,
        stdioEnv,
        httpCredentials: httpCredentialViews(env),
        // Some system brings a module under src/systems/ (the OpenAPI system's live elsewhere).
        hasSystems: systems.some(({ integration }) => templateNames.some((t) => t.startsWith(`${integrationFolder(integration.id)}src/systems/`))),
        versions,
        clientConfigs: on.clientConfigs!,
        registry: on.registry!,
        docker: on.docker!,
        ci: on.ci!,
        agentsMd: on.agentsMd!,
        registryName: registry.name,
        registryNamePlaceholder: registry.placeholder,
    };

    const files: PlannedFile[] = [];
    for (const template of templateNames) {
        if (!template.startsWith('base/')) continue;
        const path = outputPath(template.slice('base/'.length));
        if (path === '.env.example' && env.length === 0) continue;
        files.push({ path, template, context: view });
    }
    const planned = new Set<string>();
    for (const { integration, ctx } of active) {
        const self = view.views[integration.id];
        const context = self ? { ...view, self } : view;
        const prefix = integrationFolder(integration.id);
        const readmeFiles = new Set(Object.values(integration.readme ?? {}));
        for (const template of templateNames) {
            if (!template.startsWith(prefix) || itemTemplates.has(template)) continue;
            if (readmeFiles.has(template.slice(prefix.length))) continue;
            files.push({ path: outputPath(template.slice(prefix.length)), template, context });
        }
        // A shared folder is rendered for each integration naming it: `[key]` in a path becomes `self.key`,
        // and a file without one is written once.
        const shared = integration.sharedTemplates;
        if (shared !== undefined) {
            for (const template of templateNames) {
                if (!template.startsWith(shared) || itemTemplates.has(template)) continue;
                if (readmeFiles.has(template.slice(shared.length))) continue;
                const path = outputPath(template.slice(shared.length)).replace(/\[(\w+)\]/g, (_, key: string) => String(self?.[key] ?? ''));
                if (planned.has(path)) continue;
                planned.add(path);
                files.push({ path, template, context });
            }
        }
        files.push(...(integration.files?.(ctx, project) ?? []));
    }
    for (const tool of tools) {
        const template = templateOf.get(`tool:${tool.name}`) ?? 'items/tool.ts.hbs';
        files.push({ path: `src/tools/${tool.file}.ts`, template, context: { project: view, tool } });
        // Its interactive view (MCP Apps): a page and its script, which the build makes one HTML file of.
        if (tool.view) {
            files.push({ path: `ui/${tool.file}/index.html`, template: 'items/view/index.html.hbs', context: { project: view, tool } });
            files.push({ path: `ui/${tool.file}/view.ts`, template: 'items/view/view.ts.hbs', context: { project: view, tool } });
        }
    }
    for (const resource of resources) {
        const template =
            templateOf.get(`resource:${resource.name}`) ?? (resource.variables.length > 0 ? 'items/resource-template.ts.hbs' : 'items/resource.ts.hbs');
        files.push({ path: `src/resources/${resource.file}.ts`, template, context: { project: view, resource } });
    }
    for (const prompt of prompts) {
        const template = templateOf.get(`prompt:${prompt.name}`) ?? 'items/prompt.ts.hbs';
        files.push({ path: `src/prompts/${prompt.file}.ts`, template, context: { project: view, prompt } });
    }
    files.push({ path: 'package.json', text: packageJson(spec, view, active, project) });
    files.push({ path: 'mcp-server.yaml', text: specToYaml(savedSpec(spec, active)) });

    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const readmeSections = active.flatMap(({ integration }) =>
        Object.entries(integration.readme ?? {}).map(([place, file]) => ({
            place: place as ReadmePlace,
            // Its own folder first (a team may override the file there), then the shared one.
            templates: [integrationFolder(integration.id) + file, ...(integration.sharedTemplates ? [integration.sharedTemplates + file] : [])],
            context: { ...view, self: view.views[integration.id] ?? {} },
        })),
    );
    const notes = active.flatMap(({ integration, ctx }) => integration.notes?.(ctx) ?? []);
    return { files, view, readmeSections, notes };
}

/** The plan with the integrations' README sections, rendered, in the view README.md sees. */
export function withReadme(planned: Plan, sections: { place: ReadmePlace; text: string }[]): Plan {
    const readme: Record<ReadmePlace, string[]> = { exposes: [], develop: [], run: [], connect: [], operate: [] };
    for (const { place, text } of sections) readme[place].push(text);
    const view = { ...planned.view, readme };
    const files = planned.files.map((file) => ('template' in file && file.path === 'README.md' ? { ...file, context: view } : file));
    return { ...planned, files, view };
}

/** The layout block's lines, in the README's column (paths padded to 18 characters). */
function layoutBlock(lines: LayoutLine[]): string[] {
    return lines.map(([path, what]) => `${`${path} `.padEnd(18)}${what}`);
}
