/**
 * What a spec becomes: the list of files to produce and the view model the templates see.
 * Pure: reads nothing, writes nothing.
 */
import { commentText, invalidCalls, jsLiteral, jsString, propertyKey, sampleValue, zodForParam } from './codegen.js';
import { examplePrompts, exampleResources, exampleTools } from './examples.js';
import { fileBase, pascalCase, titleFromName } from './names.js';
import { type PromptSpec, type ResourceSpec, type Spec, type ToolSpec, uriVariables } from './spec.js';
import { specToYaml } from './spec-file.js';
import { type SystemDefinition, type SystemEnvVar, getSystem, systemOptionValues } from './systems/index.js';
import { type PackageName, pick, versions } from './versions.js';
import { cursorMcpJson, vscodeMcpJson } from './ecosystem.js';
import { defaultRegistryName, serverJson } from './registry.js';

/** A file of the generated project: rendered from a template, or given as text. */
export type PlannedFile =
    | { path: string; template: string; context: ProjectView | ItemContext }
    | { path: string; text: string };

export interface Plan {
    files: PlannedFile[];
    view: ProjectView;
}

/** Registration of one item in `createServer()`. */
export interface Registration {
    kind: 'tool' | 'resource' | 'prompt';
    name: string;
    importPath: string;
    /** The module's path in the project, e.g. `src/tools/search_orders.ts`. */
    file: string;
    fn: string;
}

export interface ToolView {
    name: string;
    /** As written in the spec, for Markdown (code uses descriptionLiteral). */
    description: string;
    file: string;
    fn: string;
    example: boolean;
    /** Literals, ready to place in TypeScript code. */
    nameLiteral: string;
    titleLiteral: string;
    descriptionLiteral: string;
    annotationsLiteral?: string;
    params: { key: string; zod: string }[];
    /** For tests: property names, valid arguments, and arguments with one wrongly typed value (if any). */
    propertiesLiteral: string;
    argsLiteral: string;
    /** Calls the schema must refuse: `{ why, args }[]` as a literal (empty list when the tool takes no input). */
    invalidLiteral: string;
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
    /** The URI, safe inside a block comment. */
    uriComment: string;
}

export interface PromptView {
    name: string;
    file: string;
    fn: string;
    example: boolean;
    nameLiteral: string;
    titleLiteral: string;
    descriptionLiteral?: string;
    args: { name: string; key: string; nameLiteral: string; zod: string }[];
    argsLiteral: string;
    argNamesLiteral: string;
}

export interface ProjectView {
    name: string;
    nameLiteral: string;
    description: string;
    descriptionLiteral: string;
    version: string;
    versionLiteral: string;
    binName: string;
    stdio: boolean;
    http: boolean;
    /** Both transports: stdio unless `--http` or MCP_TRANSPORT=http. */
    both: boolean;
    examples: boolean;
    tools: ToolView[];
    /** Some tool has calls its schema must refuse (generated tests check them). */
    hasInvalidCalls: boolean;
    staticResources: ResourceView[];
    templateResources: ResourceView[];
    prompts: PromptView[];
    registrations: Registration[];
    /** Every tool/prompt/resource name, the systems' included, for the listing tests. */
    allToolNamesLiteral: string;
    allPromptNamesLiteral: string;
    systems: { id: string; label: string; readme: string; testEnv?: string }[];
    /** Each system's options, defaults filled in, by id: `{{system.postgres.maxRows}}`. */
    system: Record<string, Record<string, number>>;
    env: SystemEnvVar[];
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

function toolView(tool: ToolSpec, example: boolean): ToolView {
    const entries = Object.entries(tool.input);
    const args = Object.fromEntries(entries.map(([key, p]) => [key, sampleValue(p)]));
    return {
        ...identity(tool.name, tool.title, 'Tool', example),
        description: tool.description,
        descriptionLiteral: jsString(tool.description),
        annotationsLiteral: tool.annotations && Object.keys(tool.annotations).length > 0 ? jsLiteral(tool.annotations) : undefined,
        params: entries.map(([key, p]) => ({ key: propertyKey(key), zod: zodForParam(p) })),
        propertiesLiteral: jsLiteral(entries.map(([key]) => key)),
        argsLiteral: jsLiteral(args),
        invalidLiteral: jsLiteral(invalidCalls(tool.input)),
    };
}

function resourceView(resource: ResourceSpec, example: boolean): ResourceView {
    const variables = uriVariables(resource.uri) ?? [];
    const mimeType = resource.mimeType ?? 'text/plain';
    return {
        ...identity(resource.name, resource.title, 'Resource', example),
        uri: resource.uri,
        uriLiteral: jsString(resource.uri),
        descriptionLiteral: resource.description !== undefined ? jsString(resource.description) : undefined,
        mimeType,
        mimeTypeLiteral: jsString(mimeType),
        isJson: /[/+]json$/i.test(mimeType.split(';')[0]!.trim()),
        variables: variables.map((v) => ({ name: v, key: propertyKey(v), nameLiteral: jsString(v) })),
        uriComment: commentText(resource.uri),
    };
}

function promptView(prompt: PromptSpec, example: boolean): PromptView {
    return {
        ...identity(prompt.name, prompt.title, 'Prompt', example),
        descriptionLiteral: prompt.description !== undefined ? jsString(prompt.description) : undefined,
        args: prompt.arguments.map((a) => ({
            name: a.name,
            key: propertyKey(a.name),
            nameLiteral: jsString(a.name),
            zod: `z.string()${a.required ? '' : '.optional()'}${a.description !== undefined ? `.describe(${jsString(a.description)})` : ''}`,
        })),
        argsLiteral: jsLiteral(Object.fromEntries(prompt.arguments.map((a) => [a.name, `example ${a.name}`]))),
        argNamesLiteral: jsLiteral(prompt.arguments.map((a) => a.name)),
    };
}

function registration(kind: Registration['kind'], name: string, module: string, fn: string): Registration {
    return { kind, name, importPath: `./${module}.js`, file: `src/${module}.ts`, fn };
}

/** The npm bin name: the package name without its scope. */
function binName(name: string): string {
    return name.replace(/^@[^/]+\//, '');
}

function packageJson(spec: Spec, view: ProjectView, systems: SystemDefinition[]): string {
    const deps: PackageName[] = ['@modelcontextprotocol/server', 'zod', ...systems.flatMap((s) => s.dependencies)];
    if (view.http) deps.push('@modelcontextprotocol/node');
    const devDeps: PackageName[] = [
        '@modelcontextprotocol/client',
        '@types/node',
        'esbuild',
        'typescript',
        'vitest',
        ...systems.flatMap((s) => s.devDependencies),
    ];
    const pkg = {
        name: spec.name,
        version: spec.version,
        description: spec.description,
        // The MCP registry checks that the npm package names the server it publishes.
        ...(view.registry && { mcpName: view.registryName }),
        type: 'module',
        bin: { [view.binName]: 'dist/index.js' },
        files: ['dist'],
        engines: { node: '>=20' },
        scripts: {
            build: 'tsc --noEmit && node scripts/build.mjs',
            start: 'node dist/index.js',
            ...(view.http && view.stdio && { 'start:http': 'node dist/index.js --http' }),
            dev: 'node scripts/build.mjs --watch',
            test: 'vitest run',
            typecheck: 'tsc --noEmit',
            // 0.15.0 is the newest Inspector that declares no Node >= 22 engine. An HTTP-only server is
            // started separately and reached by URL from the Inspector.
            inspect: `npm run build && npx -y @modelcontextprotocol/inspector@0.15.0${view.stdio ? ' node dist/index.js' : ''}`,
            ...(view.http && { conformance: 'node scripts/conformance.mjs' }),
        },
        dependencies: pick(deps),
        devDependencies: pick(devDeps),
    };
    return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Files under a template folder, as the plan sees them: `base/src/index.ts.hbs` -> `src/index.ts`. */
function outputPath(relative: string): string {
    const withoutHbs = relative.endsWith('.hbs') ? relative.slice(0, -4) : relative;
    // Dot-files are stored as `_name` because npm drops some of them (.gitignore) from packages.
    return withoutHbs.replace(/(^|\/)_([^/]+)$/, '$1.$2');
}

/** Base files that exist only under a condition. */
const CONDITIONAL: Record<string, (view: ProjectView) => boolean> = {
    'src/http.ts': (view) => view.http,
    'test/http.test.ts': (view) => view.http,
    '.env.example': (view) => view.env.length > 0,
    Dockerfile: (view) => view.docker,
    '.dockerignore': (view) => view.docker,
    '.github/workflows/ci.yml': (view) => view.ci,
    'AGENTS.md': (view) => view.agentsMd,
    'scripts/conformance.mjs': (view) => view.http,
    'conformance/expected-failures.yml': (view) => view.http,
    'conformance/fs-shim.mjs': (view) => view.http,
    'conformance/node20-hooks.mjs': (view) => view.http,
    'conformance/node20-register.mjs': (view) => view.http,
};

/**
 * Decides every file of the project. `templateNames` lists the available template paths
 * (relative to the templates folder), so the plan can copy whole folders.
 */
export function plan(spec: Spec, templateNames: readonly string[], systemReadmes: Record<string, string> = {}): Plan {
    const systems = spec.systems.map((s) => getSystem(s.type)!);
    const examples = spec.examples;
    const tools = [...(examples ? exampleTools : []).map((t) => toolView(t, true)), ...spec.tools.map((t) => toolView(t, false))];
    const resources = [...(examples ? exampleResources : []).map((r) => resourceView(r, true)), ...spec.resources.map((r) => resourceView(r, false))];
    const prompts = [...(examples ? examplePrompts : []).map((p) => promptView(p, true)), ...spec.prompts.map((p) => promptView(p, false))];
    const systemItems = systems.flatMap((s) => s.items);

    const registrations: Registration[] = [
        ...systemItems.map((item) => registration(item.kind, item.name, item.module, item.register)),
        ...tools.map((t) => registration('tool', t.name, `tools/${t.file}`, t.fn)),
        ...resources.map((r) => registration('resource', r.name, `resources/${r.file}`, r.fn)),
        ...prompts.map((p) => registration('prompt', p.name, `prompts/${p.file}`, p.fn)),
    ];

    const registry = spec.registryName !== undefined ? { name: spec.registryName, placeholder: false } : defaultRegistryName(spec.name);
    const view: ProjectView = {
        name: spec.name,
        nameLiteral: jsString(spec.name),
        description: spec.description,
        descriptionLiteral: jsString(spec.description),
        version: spec.version,
        versionLiteral: jsString(spec.version),
        binName: binName(spec.name),
        stdio: spec.transports.includes('stdio'),
        http: spec.transports.includes('http'),
        both: spec.transports.length === 2,
        examples,
        tools,
        hasInvalidCalls: tools.some((t) => t.invalidLiteral !== '[]'),
        staticResources: resources.filter((r) => r.variables.length === 0),
        templateResources: resources.filter((r) => r.variables.length > 0),
        prompts,
        registrations,
        allToolNamesLiteral: jsLiteral(registrations.filter((r) => r.kind === 'tool').map((r) => r.name)),
        allPromptNamesLiteral: jsLiteral(registrations.filter((r) => r.kind === 'prompt').map((r) => r.name)),
        systems: systems.map((s) => ({ id: s.id, label: s.label, readme: systemReadmes[s.id] ?? '', testEnv: s.testEnv })),
        system: Object.fromEntries(spec.systems.map((s) => [s.type, systemOptionValues(getSystem(s.type)!, s.options)])),
        env: systems.flatMap((s) => s.env),
        hasSystems: systems.length > 0,
        versions,
        clientConfigs: spec.features.clientConfigs,
        registry: spec.features.registry,
        docker: spec.features.docker && spec.transports.includes('http'),
        ci: spec.features.ci,
        agentsMd: spec.features.agentsMd,
        registryName: registry.name,
        registryNamePlaceholder: registry.placeholder,
    };

    const files: PlannedFile[] = [];
    for (const template of templateNames) {
        if (!template.startsWith('base/')) continue;
        const path = outputPath(template.slice('base/'.length));
        if (CONDITIONAL[path] && !CONDITIONAL[path](view)) continue;
        files.push({ path, template, context: view });
    }
    for (const system of systems) {
        const prefix = `systems/${system.templateDir}/`;
        for (const template of templateNames) {
            if (!template.startsWith(prefix) || template === prefix + system.readmeSection) continue;
            files.push({ path: outputPath(template.slice(prefix.length)), template, context: view });
        }
    }
    for (const tool of tools) {
        const template = tool.example ? `examples/tools/${tool.file}.ts.hbs` : 'items/tool.ts.hbs';
        files.push({ path: `src/tools/${tool.file}.ts`, template, context: { project: view, tool } });
    }
    for (const resource of resources) {
        const template = resource.example
            ? `examples/resources/${resource.file}.ts.hbs`
            : resource.variables.length > 0
              ? 'items/resource-template.ts.hbs'
              : 'items/resource.ts.hbs';
        files.push({ path: `src/resources/${resource.file}.ts`, template, context: { project: view, resource } });
    }
    for (const prompt of prompts) {
        const template = prompt.example ? `examples/prompts/${prompt.file}.ts.hbs` : 'items/prompt.ts.hbs';
        files.push({ path: `src/prompts/${prompt.file}.ts`, template, context: { project: view, prompt } });
    }
    files.push({ path: 'package.json', text: packageJson(spec, view, systems) });
    files.push({ path: 'mcp-server.yaml', text: specToYaml(spec) });
    if (view.clientConfigs) {
        const client = { key: view.binName, stdio: view.stdio, env: view.env };
        files.push({ path: '.vscode/mcp.json', text: vscodeMcpJson(client) });
        files.push({ path: '.cursor/mcp.json', text: cursorMcpJson(client) });
    }
    if (view.registry) {
        const server = serverJson({
            registryName: view.registryName,
            npmName: spec.name,
            title: titleFromName(view.binName),
            description: spec.description,
            version: spec.version,
            stdio: view.stdio,
            env: view.env,
        });
        files.push({ path: 'server.json', text: `${JSON.stringify(server, null, 2)}\n` });
    }

    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, view };
}
