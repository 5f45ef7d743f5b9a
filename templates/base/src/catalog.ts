/**
 * The catalogue of everything this server offers: tools, resources and prompts, registered once
 * when the server module loads, and served by a low-level SDK `Server`.
 *
 * Why not `McpServer`: over HTTP the SDK builds a server for every request, and an `McpServer`
 * only knows the items registered on it, so each request would register (and convert the schemas
 * of) every tool again. Here the definitions are built once and each `Server` gets one handler per
 * method that reads them, so a request costs the same with 5 tools or 5000. The registration
 * methods take the same arguments as `McpServer`'s, and only the SDK's documented API is used:
 * `Server.setRequestHandler`, Standard Schema validation and `projectCallToolResult`.
 *
 * Beyond `McpServer`'s options it serves, in both protocol eras: tools that ask the user to
 * confirm before they act (`confirm`), resources clients subscribe to (`subscribe`, announced
 * with `resourceUpdated`) and cache (`cacheHint`), and completions (`complete`).
 *
 * You rarely need to edit this file: add tools in `src/tools/`, resources in `src/resources/` and
 * prompts in `src/prompts/`, and register them in `src/server.ts`.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
    CLIENT_CAPABILITIES_META_KEY,
    type CacheHint,
    type CallToolResult,
    type ClientCapabilities,
    type CompleteResult,
    type ElicitRequestFormParams,
    type GetPromptResult,
    type Icon,
    type Implementation,
    InMemoryServerEventBus,
    type InputRequiredResult,
    type McpRequestContext,
    type Prompt,
    type ReadResourceCallback,
    type ReadResourceResult,
    type ReadResourceTemplateCallback,
    type Resource,
    type ResourceMetadata,
    type ResourceTemplate,
    ProtocolError,
    ProtocolErrorCode,
    ResourceNotFoundError,
    type RequestStateCodec,
    Server,
    type ServerCapabilities,
    type ServerContext,
    type ServerEventBus,
    type StandardSchemaWithJSON,
    type Tool,
    type ToolAnnotations,
    createRequestStateCodec,
    inputRequired,
    inputResponse,
    isInputRequiredResult,
} from '@modelcontextprotocol/server';

type MaybePromise<T> = T | Promise<T>;

/** The arguments a schema accepts once validated. */
type Parsed<S extends StandardSchemaWithJSON> = StandardSchemaWithJSON.InferOutput<S>;

/** A tool result whose `structuredContent` has the type of the tool's `outputSchema`, when it has one. */
export type ToolResult<Output extends StandardSchemaWithJSON | undefined> = Output extends StandardSchemaWithJSON
    ? Omit<CallToolResult, 'structuredContent'> & { structuredContent?: StandardSchemaWithJSON.InferInput<Output> }
    : CallToolResult;

export interface ToolConfig<Input extends StandardSchemaWithJSON, Output extends StandardSchemaWithJSON | undefined> {
    title?: string;
    description?: string;
    /** The arguments, as a schema (`z.object({...})`); calls that do not match never reach the handler. */
    inputSchema: Input;
    /**
     * The shape of `structuredContent`; results that do not match are reported as tool errors. A
     * JSON Schema (an OpenAPI response's, say) goes through the SDK's `fromJsonSchema(schema)`.
     */
    outputSchema?: Output;
    annotations?: ToolAnnotations;
    icons?: Icon[];
    _meta?: Record<string, unknown>;
    /** OAuth scopes a caller needs over authorized HTTP; a token without them is refused (403). */
    scopes?: string[];
    /** Ask the user before the handler runs (see `Confirmation`). */
    confirm?: Confirmation<Parsed<Input>>;
}

/**
 * A yes-or-no question to the user before a tool acts. The client asks it (elicitation): a
 * 2026-07-28 client when the call returns `input_required`, a 2025 client over stdio when the SDK
 * sends it an `elicitation/create` request. A declined call answers that nothing was done; a
 * client that cannot ask gets a refusal that says why, unless the confirmation is `optional`.
 */
export interface Confirmation<Args> {
    /** What the user is asked, from the arguments: a summary of what the call will do. */
    message: (args: Args) => string;
    /** Act without asking when the client cannot ask (default: refuse). */
    optional?: boolean;
}

export type ToolHandler<Input extends StandardSchemaWithJSON, Output extends StandardSchemaWithJSON | undefined> = (
    args: Parsed<Input>,
    ctx: ServerContext,
) => MaybePromise<ToolResult<Output> | InputRequiredResult>;

export interface PromptConfig<Args extends StandardSchemaWithJSON | undefined> {
    title?: string;
    description?: string;
    /** The arguments, as a schema of string fields (`z.object({...})`). */
    argsSchema?: Args;
    icons?: Icon[];
    _meta?: Record<string, unknown>;
    /** Suggestions for an argument while the user types it (`completion/complete`). */
    complete?: Record<string, Completer>;
}

export type PromptHandler<Args extends StandardSchemaWithJSON | undefined> = Args extends StandardSchemaWithJSON
    ? (args: Parsed<Args>, ctx: ServerContext) => MaybePromise<GetPromptResult | InputRequiredResult>
    : (ctx: ServerContext) => MaybePromise<GetPromptResult | InputRequiredResult>;

/** Suggests values for an argument from what has been typed so far. */
export type Completer = (value: string, context?: { arguments?: Record<string, string> }) => MaybePromise<string[]>;

export type ResourceConfig = ResourceMetadata & {
    /** How long clients may cache what `resources/read` returns (2026-07-28 clients). */
    cacheHint?: CacheHint;
    /** Clients may subscribe to its changes; announce one with `catalog.resourceUpdated(uri)`. */
    subscribe?: boolean;
};

export interface CatalogOptions {
    /**
     * Where changes are published (`resourceUpdated`): pass a bus shared by every instance (over
     * Redis, say) to reach clients whose subscription another instance holds. Default: this process.
     */
    bus?: ServerEventBus;
    /**
     * Signs the state a confirmation carries between the question and the answer, so the retry
     * may reach any instance: at least 32 bytes, the same on every instance. Default: a random key
     * of this process, enough for one instance.
     */
    requestStateSecret?: string;
}

interface ToolEntry {
    definition: () => Tool;
    outputJson: () => Record<string, unknown> | undefined;
    scopes: string[];
    call: (args: unknown, ctx: ServerContext, asking: Asking) => Promise<CallToolResult | InputRequiredResult>;
}

/** Whether the client behind a request can be asked to confirm, and why not. */
type Asking = (ctx: ServerContext) => { can: true } | { can: false; why: string };

interface PromptEntry {
    definition: () => Prompt;
    get: (args: unknown, ctx: ServerContext) => Promise<GetPromptResult | InputRequiredResult>;
    complete: Record<string, Completer>;
}

interface StaticResourceEntry {
    resource: Resource;
    cacheHint?: CacheHint;
    subscribe: boolean;
    read: ReadResourceCallback;
}

interface TemplateEntry {
    name: string;
    template: ResourceTemplate;
    metadata: ResourceMetadata;
    cacheHint?: CacheHint;
    subscribe: boolean;
    read: ReadResourceTemplateCallback;
}

/** The state a confirmation question carries: which call it asked about. */
interface AskedState {
    asked: string;
}

/** The key of the confirmation in `inputRequests`, and the schema of its answer. */
const CONFIRM = 'confirm';
const CONFIRM_SCHEMA: ElicitRequestFormParams['requestedSchema'] = {
    type: 'object',
    properties: { confirm: { type: 'boolean', title: 'Go ahead', default: false } },
    required: ['confirm'],
};

/** A `tools/list` page holds at most this many bytes of JSON (and at least one tool). */
const TOOLS_PAGE_BYTES = 1_000_000;
/**
 * A long list takes larger pages (up to 4 MB, well under the 10 MiB the SDK's clients refuse) so that
 * it fits in the 64 pages an SDK client walks by default (`listMaxPages`).
 */
const TOOLS_PAGES = 60;
const TOOLS_PAGE_MAX_BYTES = 4_000_000;

/** `completion/complete` answers at most this many values, as the protocol asks. */
const MAX_COMPLETIONS = 100;

export class Catalog {
    private readonly tools = new Map<string, ToolEntry>();
    private readonly prompts = new Map<string, PromptEntry>();
    private readonly resources = new Map<string, StaticResourceEntry>();
    private readonly templates = new Map<string, TemplateEntry>();
    /** The `tools/list` pages, built on the first listing (schemas are converted then, once). */
    private readonly toolPages = once(() => paginate([...this.tools.values()].map((tool) => tool.definition())));
    private readonly promptList = once(() => [...this.prompts.values()].map((prompt) => prompt.definition()));
    /** What the server declares: to a connection, and to a 2025-era request over HTTP (set once serving). */
    private capabilities: { connected: ServerCapabilities; stateless: ServerCapabilities } | undefined;
    /** Signs the state of confirmation questions (`requestStateSecret`). */
    private readonly requestState: RequestStateCodec<AskedState>;
    /** Where `resourceUpdated` publishes; the HTTP handler and stdio connections deliver from it. */
    readonly bus: ServerEventBus;

    constructor(
        private readonly info: Implementation,
        options: CatalogOptions = {},
    ) {
        const secret = options.requestStateSecret;
        if (secret !== undefined && Buffer.byteLength(secret) < 32) {
            throw new Error(`MCP_REQUEST_STATE_SECRET must be at least 32 bytes, got ${Buffer.byteLength(secret)}`);
        }
        this.requestState = createRequestStateCodec<AskedState>({
            key: secret ?? randomBytes(32),
            // An answer counts only for the caller who was asked.
            bind: (ctx) => ctx.http?.authInfo?.clientId ?? '',
        });
        this.bus = options.bus ?? new InMemoryServerEventBus();
    }

    /** Registers a tool; its schemas are converted to JSON Schema once, on the first `tools/list`. */
    registerTool<Input extends StandardSchemaWithJSON, Output extends StandardSchemaWithJSON | undefined = undefined>(
        name: string,
        config: ToolConfig<Input, Output>,
        handler: ToolHandler<Input, Output>,
    ): void {
        this.assertOpen(this.tools.has(name) && `tool ${name}`);
        const { inputSchema, outputSchema, scopes = [], confirm, ...listed } = config;
        const output = once(() => outputSchema && objectSchema(outputSchema, 'output'));
        this.tools.set(name, {
            definition: () => ({ name, ...listed, inputSchema: objectSchema(inputSchema, 'input'), outputSchema: output() }) as Tool,
            outputJson: output,
            scopes,
            call: async (args, ctx, asking) => {
                const parsed = await validate(inputSchema, args ?? {});
                if ('issues' in parsed) throw new Error(`Input validation error: Invalid arguments for tool ${name}: ${parsed.issues}`);
                const unconfirmed = confirm && (await this.confirmation(name, confirm, parsed.value, ctx, asking));
                if (unconfirmed) return unconfirmed;
                const result = await handler(parsed.value, ctx);
                if (isInputRequiredResult(result) || !outputSchema || result.isError) return result as CallToolResult | InputRequiredResult;
                const checked = await validate(outputSchema, result.structuredContent);
                if ('issues' in checked)
                    throw new Error(`Output validation error: Invalid structured content for tool ${name}: ${checked.issues}`);
                return result as CallToolResult;
            },
        });
    }

    /** Registers a resource at a fixed URI, or a template of URIs (`new ResourceTemplate(...)`). */
    registerResource(name: string, uri: string, config: ResourceConfig, read: ReadResourceCallback): void;
    registerResource(name: string, template: ResourceTemplate, config: ResourceConfig, read: ReadResourceTemplateCallback): void;
    registerResource(
        name: string,
        uriOrTemplate: string | ResourceTemplate,
        config: ResourceConfig,
        read: ReadResourceCallback | ReadResourceTemplateCallback,
    ): void {
        const { cacheHint, subscribe = false, ...metadata } = config;
        if (typeof uriOrTemplate === 'string') {
            const uri = new URL(uriOrTemplate).href;
            this.assertOpen(this.resources.has(uri) && `resource ${uri}`);
            this.resources.set(uri, {
                resource: { uri: uriOrTemplate, name, ...metadata },
                cacheHint,
                subscribe,
                read: read as ReadResourceCallback,
            });
        } else {
            this.assertOpen(this.templates.has(name) && `resource template ${name}`);
            this.templates.set(name, {
                name,
                template: uriOrTemplate,
                metadata,
                cacheHint,
                subscribe,
                read: read as ReadResourceTemplateCallback,
            });
        }
    }

    /**
     * Tells the clients subscribed to `uri` that it changed (they read it again): over stdio and
     * HTTP, in both protocol eras, and through a shared `bus` on every instance.
     */
    resourceUpdated(uri: string): void {
        this.bus.publish({ kind: 'resource_updated', uri });
    }

    /** Registers a prompt; `config.complete` suggests values for its arguments. */
    registerPrompt<Args extends StandardSchemaWithJSON | undefined = undefined>(
        name: string,
        config: PromptConfig<Args>,
        handler: PromptHandler<Args>,
    ): void {
        this.assertOpen(this.prompts.has(name) && `prompt ${name}`);
        const { argsSchema, complete = {}, ...listed } = config;
        this.prompts.set(name, {
            definition: () => ({ name, ...listed, arguments: argsSchema && promptArguments(argsSchema) }),
            complete,
            get: async (args, ctx) => {
                if (!argsSchema) return (handler as (ctx: ServerContext) => MaybePromise<GetPromptResult | InputRequiredResult>)(ctx);
                const parsed = await validate(argsSchema, args ?? {});
                if ('issues' in parsed)
                    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid arguments for prompt ${name}: ${parsed.issues}`);
                return (handler as (args: unknown, ctx: ServerContext) => MaybePromise<GetPromptResult | InputRequiredResult>)(
                    parsed.value,
                    ctx,
                );
            },
        });
    }

    /** The scopes a `tools/call` request needs over authorized HTTP (none for other requests). */
    scopesFor(message: unknown): string[] {
        if (!isToolCall(message)) return [];
        return this.tools.get(message.params.name)?.scopes ?? [];
    }

    /**
     * A server for one connection (over HTTP, one request) that serves this catalogue. Only the
     * handlers are new; the definitions and their JSON Schemas are shared. `context` is what the
     * SDK's serving entries pass (none in memory).
     */
    createServer(context?: McpRequestContext): Server {
        const era = context?.era ?? 'legacy';
        const overHttp = context?.requestInfo !== undefined;
        // A 2025-era request over HTTP gets a fresh instance that ends with it: nothing can reach
        // the client afterwards, so it is not offered subscriptions and cannot be asked.
        const stateless = era === 'legacy' && overHttp;
        this.capabilities ??= this.declaredCapabilities();
        const capabilities = stateless ? this.capabilities.stateless : this.capabilities.connected;
        const server = new Server(this.info, { capabilities, requestState: { verify: this.requestState.verify } });
        const asking: Asking = (ctx) => {
            if (stateless) {
                return { can: false, why: 'a 2025-era client over HTTP cannot be asked (connect over stdio, or with a 2026-07-28 client)' };
            }
            // 2026-07-28 requests carry the client's capabilities; 2025-era ones declared them once, at initialize.
            const envelope: Record<string, ClientCapabilities | undefined> = ctx.mcpReq.envelope ?? {};
            const declared = era === 'modern' ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.getClientCapabilities();
            // The question is a form; `elicitation: {}` declares forms too (URL-only clients cannot answer it).
            const forms = declared?.elicitation && (declared.elicitation.form || !declared.elicitation.url);
            return forms
                ? { can: true }
                : { can: false, why: 'this client cannot ask its user (it declares no elicitation capability for forms)' };
        };

        server.setRequestHandler('tools/list', (request) => {
            const pages = this.toolPages();
            const index = pageIndex(request.params?.cursor, pages.length);
            return { tools: pages[index] ?? [], ...(index + 1 < pages.length && { nextCursor: String(index + 1) }) };
        });
        server.setRequestHandler('tools/call', async (request, ctx) => {
            const { name, arguments: args } = request.params;
            const tool = this.tools.get(name);
            if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);
            let result: CallToolResult | InputRequiredResult;
            try {
                result = await tool.call(args, ctx, asking);
            } catch (error) {
                // URL elicitation is the one error the client has to see as an error, to act on it.
                if (error instanceof ProtocolError && error.code === ProtocolErrorCode.UrlElicitationRequired) throw error;
                return { content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }], isError: true };
            }
            return isInputRequiredResult(result) ? result : server.projectCallToolResult(result, tool.outputJson());
        });

        server.setRequestHandler('resources/list', async (_request, ctx) => {
            const listed: Resource[] = [...this.resources.values()].map((entry) => entry.resource);
            for (const { template, metadata } of this.templates.values()) {
                const found = await template.listCallback?.(ctx);
                for (const resource of found?.resources ?? []) listed.push({ ...metadata, ...resource });
            }
            return { resources: listed };
        });
        server.setRequestHandler('resources/templates/list', () => ({
            resourceTemplates: [...this.templates.values()].map(({ name, template, metadata }) => ({
                name,
                uriTemplate: template.uriTemplate.toString(),
                ...metadata,
            })),
        }));
        server.setRequestHandler('resources/read', async (request, ctx) => {
            const uri = parseUri(request.params.uri);
            const resource = this.resources.get(uri.href);
            // Cache hints are 2026-07-28 fields: 2025-era results do not carry them.
            const hint = (entry: { cacheHint?: CacheHint }) => (era === 'modern' ? entry.cacheHint : undefined);
            if (resource) return withCacheHint(await resource.read(uri, ctx), hint(resource));
            for (const entry of this.templates.values()) {
                const variables = entry.template.uriTemplate.match(uri.href);
                if (variables) return withCacheHint(await entry.read(uri, variables, ctx), hint(entry));
            }
            throw new ResourceNotFoundError(request.params.uri);
        });

        server.setRequestHandler('prompts/list', () => ({ prompts: this.promptList() }));
        server.setRequestHandler('prompts/get', async (request, ctx) => {
            const prompt = this.prompts.get(request.params.name);
            if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${request.params.name} not found`);
            return prompt.get(request.params.arguments, ctx);
        });

        // Over HTTP the handler delivers changes to 2026-07-28 subscriptions; a connection of its own
        // (stdio, in memory) gets them here.
        if (capabilities.resources?.subscribe && !overHttp) this.deliverUpdates(server, era);

        if (capabilities.completions) {
            server.setRequestHandler('completion/complete', async (request) => {
                const { ref, argument, context } = request.params;
                const complete =
                    ref.type === 'ref/prompt'
                        ? this.promptCompleter(ref.name, argument.name)
                        : this.templateCompleter(ref.uri, argument.name);
                return completion(complete ? await complete(argument.value, context) : []);
            });
        }
        return server;
    }

    /**
     * Asks the user to confirm a call, or reads the answer: undefined when the call may go ahead,
     * else the result to answer instead (the question, or that nothing was done and why).
     */
    private async confirmation<Args>(
        name: string,
        confirm: Confirmation<Args>,
        args: Args,
        ctx: ServerContext,
        asking: Asking,
    ): Promise<CallToolResult | InputRequiredResult | undefined> {
        const message = confirm.message(args);
        // The call the question is about: an answer never counts for other arguments.
        const call = createHash('sha256')
            .update(JSON.stringify([name, args]))
            .digest('base64url');
        const answer = inputResponse(ctx.mcpReq.inputResponses, CONFIRM);
        if (answer.kind === 'elicit' && ctx.mcpReq.requestState<AskedState>()?.asked === call) {
            if (answer.action === 'accept' && answer.content?.confirm === true) return undefined;
            return toolError(`Not done: the user did not confirm. ${message}`);
        }
        const ask = asking(ctx);
        if (!ask.can)
            return confirm.optional ? undefined : toolError(`Not done: ${name} needs the user's confirmation, and ${ask.why}. ${message}`);
        return inputRequired({
            inputRequests: { [CONFIRM]: inputRequired.elicit({ message, requestedSchema: CONFIRM_SCHEMA }) },
            requestState: await this.requestState.mint({ asked: call }, ctx),
        });
    }

    /**
     * Passes the changes published on the bus to the client of one connection: a 2025-era client
     * gets those of the resources it subscribed to (`resources/subscribe`); for a 2026-07-28
     * client, `serveStdio` keeps those its `subscriptions/listen` streams asked for.
     */
    private deliverUpdates(server: Server, era: 'legacy' | 'modern'): void {
        const subscribed = new Set<string>();
        if (era === 'legacy') {
            server.setRequestHandler('resources/subscribe', (request) => {
                this.assertSubscribable(request.params.uri);
                subscribed.add(request.params.uri);
                return {};
            });
            server.setRequestHandler('resources/unsubscribe', (request) => {
                subscribed.delete(request.params.uri);
                return {};
            });
        }
        const stop = this.bus.subscribe((event) => {
            if (event.kind !== 'resource_updated' || (era === 'legacy' && !subscribed.has(event.uri))) return;
            server.sendResourceUpdated({ uri: event.uri }).catch((error: unknown) => server.onerror?.(error as Error));
        });
        server.onclose = stop;
    }

    /** Refuses a subscription to a resource that announces no changes. */
    private assertSubscribable(uri: string): void {
        const resource = this.resources.get(parseUri(uri).href);
        const template = resource ? undefined : [...this.templates.values()].find((entry) => entry.template.uriTemplate.match(uri));
        if (!resource && !template) throw new ResourceNotFoundError(uri);
        if (!(resource ?? template)?.subscribe) {
            throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource ${uri} announces no changes, so it cannot be subscribed to`);
        }
    }

    private promptCompleter(name: string, argument: string): Completer | undefined {
        const prompt = this.prompts.get(name);
        if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);
        return prompt.complete[argument];
    }

    private templateCompleter(uriTemplate: string, variable: string): Completer | undefined {
        for (const { template } of this.templates.values()) {
            if (template.uriTemplate.toString() === uriTemplate) return template.completeCallback(variable);
        }
        if (this.resources.has(parseUri(uriTemplate).href)) return undefined;
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource template ${uriTemplate} not found`);
    }

    /** The capabilities, from what is registered; fixed once the catalogue serves. */
    private declaredCapabilities(): { connected: ServerCapabilities; stateless: ServerCapabilities } {
        const subscribe = [...this.resources.values(), ...this.templates.values()].some((entry) => entry.subscribe);
        const common = {
            logging: {},
            tools: { listChanged: true },
            prompts: { listChanged: true },
            ...(this.hasCompletions() && { completions: {} }),
        };
        return {
            connected: { ...common, resources: { listChanged: true, ...(subscribe && { subscribe: true }) } },
            stateless: { ...common, resources: { listChanged: true } },
        };
    }

    private hasCompletions(): boolean {
        const prompts = [...this.prompts.values()].some((prompt) => Object.keys(prompt.complete).length > 0);
        const templates = [...this.templates.values()].some(({ template }) =>
            template.uriTemplate.variableNames.some((variable) => template.completeCallback(variable) !== undefined),
        );
        return prompts || templates;
    }

    /**
     * Items are registered once, when the module loads: one registered later (say, in a request
     * handler) would appear in every request after it. `duplicate` names an item registered twice.
     */
    private assertOpen(duplicate: string | false): void {
        if (this.capabilities) throw new Error('Register tools, resources and prompts when the server module loads, not once it serves');
        if (duplicate) throw new Error(`The ${duplicate} is registered twice`);
    }
}

/** `make()`, computed on the first call and remembered. */
function once<T>(make: () => T): () => T {
    let made: { value: T } | undefined;
    return () => {
        if (!made) made = { value: make() };
        return made.value;
    };
}

/** Validates `value` against a Standard Schema; the issues come back as one readable line. */
async function validate<S extends StandardSchemaWithJSON>(schema: S, value: unknown): Promise<{ value: Parsed<S> } | { issues: string }> {
    const result = await schema['~standard'].validate(value);
    if (!result.issues) return { value: result.value };
    return {
        issues: result.issues
            .map(({ path, message }) => {
                const at = (path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
                return at ? `${at}: ${message}` : message;
            })
            .join('; '),
    };
}

/** The JSON Schema (2020-12) of a tool's input or output; tool schemas describe objects. */
function objectSchema(schema: StandardSchemaWithJSON, io: 'input' | 'output'): Record<string, unknown> {
    const json = schema['~standard'].jsonSchema[io]({ target: 'draft-2020-12' });
    if (json.type !== undefined && json.type !== 'object') {
        throw new Error(`Tool ${io} schemas must describe objects (got type ${JSON.stringify(json.type)}): wrap them in z.object({...})`);
    }
    return { type: 'object', ...json };
}

/** A prompt's arguments as `prompts/list` describes them. */
function promptArguments(schema: StandardSchemaWithJSON): Prompt['arguments'] {
    const json = schema['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
    const properties = (json.properties ?? {}) as Record<string, { description?: string }>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, property]) => ({
        name,
        description: property.description,
        required: required.has(name),
    }));
}

/** Splits tool definitions into pages of at most TOOLS_PAGE_BYTES of JSON each (more for a very long list). */
function paginate(tools: Tool[]): Tool[][] {
    const sizes = tools.map((tool) => JSON.stringify(tool).length);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const limit = Math.min(TOOLS_PAGE_MAX_BYTES, Math.max(TOOLS_PAGE_BYTES, Math.ceil(total / TOOLS_PAGES)));
    const pages: Tool[][] = [[]];
    let bytes = 0;
    for (const [i, tool] of tools.entries()) {
        const size = sizes[i];
        const page = pages[pages.length - 1];
        if (page.length > 0 && bytes + size > limit) {
            pages.push([tool]);
            bytes = size;
        } else {
            page.push(tool);
            bytes += size;
        }
    }
    return pages;
}

/** The page a `tools/list` cursor names (this server's cursors are page numbers). */
function pageIndex(cursor: string | undefined, pages: number): number {
    if (cursor === undefined) return 0;
    const index = Number(cursor);
    if (!/^\d+$/.test(cursor) || index >= pages) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
    return index;
}

function parseUri(uri: string): URL {
    try {
        return new URL(uri);
    } catch {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource URI ${uri} is invalid`, { uri, reason: 'invalid_uri' });
    }
}

/** Adds a resource's cache hint to what it read, unless the read set its own. */
function withCacheHint<R extends ReadResourceResult | InputRequiredResult>(result: R, hint: CacheHint | undefined): R {
    if (!hint || isInputRequiredResult(result)) return result;
    return { ...hint, ...result };
}

function toolError(text: string): CallToolResult {
    return { content: [{ type: 'text', text }], isError: true };
}

function completion(values: string[]): CompleteResult {
    return { completion: { values: values.slice(0, MAX_COMPLETIONS), total: values.length, hasMore: values.length > MAX_COMPLETIONS } };
}

function isToolCall(message: unknown): message is { params: { name: string } } {
    if (typeof message !== 'object' || message === null) return false;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    return method === 'tools/call' && typeof params?.name === 'string';
}
