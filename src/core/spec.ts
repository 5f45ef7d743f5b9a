/**
 * The server description ("spec"): its types, and validation of untrusted input
 * (a JSON/YAML file, flags) into a normalized Spec, with messages that name the exact field.
 * Pure: no file system, no process.
 */
import {
    FEATURE_IDS,
    INTEGRATIONS,
    type Integration,
    SWITCHABLE,
    SYSTEM_IDS,
    TOP_LEVEL_OPTIONS,
    activeIntegrations,
    getIntegration,
    itemsOf,
    optionProblem,
    unmetRequirement,
} from '../integrations/index.js';
import { MCP_NAME, MCP_NAME_RULE, OBJECT_MEMBERS, fileBase, npmNameProblem, paramNameProblem, pascalCase } from '../shared/names.js';
import { quote, quotePath } from '../shared/quote.js';
import { iconProblem } from '../shared/icons.js';
import { registryNameProblem } from '../integrations/registry.js';
import {
    ANNOTATION_HINTS,
    type Annotations,
    CACHE_SCOPES,
    type CacheScope,
    type Features,
    PARAM_TYPES,
    type ParamSpec,
    type ParamType,
    type PromptArgumentSpec,
    type PromptSpec,
    type ResourceSpec,
    SCALAR_TYPES,
    type ScalarType,
    type Spec,
    type SystemSpec,
    type TemplateRecord,
    TOOL_VISIBILITY,
    TRANSPORTS,
    type ToolSpec,
    type ToolVisibility,
    type Transport,
    VIEW_CSP_FIELDS,
    type ViewSpec,
    rateLimitProblem,
} from '../shared/spec-types.js';

export * from '../shared/spec-types.js';

/** One problem found in a spec, with the path of the field it is about. */
export interface SpecProblem {
    path: string;
    message: string;
}

/** Thrown by validateSpec; `message` is the first problem on one line, `problems` has all of them. */
export class SpecError extends Error {
    override name = 'SpecError';
    constructor(
        readonly problems: SpecProblem[],
        readonly source?: string,
    ) {
        const first = problems[0]!;
        const where = source ? `${quotePath(source)}: ` : '';
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
        super(`${where}${first.path ? `${first.path}: ` : ''}${first.message}${more}`);
    }
}

/** `{var}` variables of a URI template, in order; undefined for a static URI. */
export function uriVariables(uri: string): string[] | undefined {
    const vars = [...uri.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
    return vars.length > 0 ? vars : undefined;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Obj = Record<string, unknown>;

/** Returns why `uri` is not a valid resource URI or URI template, or undefined when it is. */
export function uriProblem(uri: string): string | undefined {
    if (!URI.test(uri)) return `invalid URI ${quote(uri)}; expected scheme:rest without spaces, e.g. docs://policy or orders://{id}`;
    const vars = uriVariables(uri) ?? [];
    const bad = vars.find((v) => !VARIABLE.test(v));
    if (bad !== undefined) return `invalid template variable ${quote(`{${bad}}`)}; expected {name} with letters, digits and _`;
    if (new Set(vars).size !== vars.length) return 'uses a template variable twice';
    if (/[{}]/.test(uri.replace(/\{[A-Za-z0-9_]+\}/g, ''))) return 'has an unmatched { or }';
    return undefined;
}

/** Lists allowed words as "a, b or c". */
function oneOf(words: readonly string[]): string {
    return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function describeValue(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'a list';
    if (typeof value === 'object') return 'a mapping';
    if (typeof value === 'string') return quote(value);
    return String(value);
}

/** Collects problems while walking an untrusted value. */
class Checker {
    readonly problems: SpecProblem[] = [];

    fail(path: string, message: string): undefined {
        this.problems.push({ path, message });
        return undefined;
    }

    object(value: unknown, path: string, allowed: readonly string[]): Obj | undefined {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            return this.fail(path, `expected a mapping, got ${describeValue(value)}`);
        }
        for (const key of Object.keys(value)) {
            if (!allowed.includes(key)) {
                this.fail(join(path, key), `unknown field; expected ${oneOf(allowed)}`);
            }
        }
        return value as Obj;
    }

    list(value: unknown, path: string): unknown[] | undefined {
        if (value === undefined) return [];
        if (!Array.isArray(value)) return this.fail(path, `expected a list, got ${describeValue(value)}`);
        return value;
    }

    string(value: unknown, path: string, opts: { required?: boolean; nonEmpty?: boolean } = {}): string | undefined {
        if (value === undefined) {
            return opts.required ? this.fail(path, 'is required') : undefined;
        }
        if (typeof value !== 'string') return this.fail(path, `expected text, got ${describeValue(value)}`);
        if (opts.nonEmpty && value.trim() === '') return this.fail(path, 'must not be empty');
        return value;
    }

    boolean(value: unknown, path: string): boolean | undefined {
        if (value === undefined) return undefined;
        if (typeof value !== 'boolean') return this.fail(path, `expected true or false, got ${describeValue(value)}`);
        return value;
    }

    number(value: unknown, path: string): number | undefined {
        if (value === undefined) return undefined;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
            return this.fail(path, `expected a number, got ${describeValue(value)}`);
        }
        return value;
    }

    mcpName(value: unknown, path: string): string | undefined {
        const name = this.string(value, path, { required: true });
        if (name === undefined) return undefined;
        if (!MCP_NAME.test(name)) return this.fail(path, `invalid name ${quote(name)}; expected ${MCP_NAME_RULE}`);
        if (OBJECT_MEMBERS.has(name)) {
            // The SDK keeps tools, resources and prompts in plain objects, where these names already exist.
            return this.fail(path, `${quote(name)} is reserved by JavaScript objects; choose another name`);
        }
        return name;
    }
}

function join(path: string, key: string | number): string {
    if (typeof key === 'number') return `${path}[${key}]`;
    const safe = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/.test(key) ? key : quote(key);
    return path ? `${path}.${safe}` : safe;
}

/** Does `value` have the JSON type that a parameter of `type` takes? */
function fitsType(value: unknown, type: ScalarType): boolean {
    switch (type) {
        case 'string':
            return typeof value === 'string';
        case 'number':
            return typeof value === 'number' && Number.isFinite(value);
        case 'integer':
            return Number.isInteger(value);
        case 'boolean':
            return typeof value === 'boolean';
    }
}

function checkParam(c: Checker, raw: unknown, path: string): ParamSpec | undefined {
    const fields = ['type', 'items', 'description', 'enum', 'default', 'minimum', 'maximum', 'required'] as const;
    const obj = c.object(raw, path, fields);
    if (!obj) return undefined;
    const type = c.string(obj.type, join(path, 'type'), { required: true });
    if (type === undefined) return undefined;
    if (!(PARAM_TYPES as readonly string[]).includes(type)) {
        return c.fail(join(path, 'type'), `unknown type ${quote(type)}; expected ${oneOf(PARAM_TYPES)}`);
    }
    const param: ParamSpec = { type: type as ParamType, required: true };

    if (type === 'array') {
        const items = c.string(obj.items, join(path, 'items'), { required: true });
        if (items !== undefined && !(SCALAR_TYPES as readonly string[]).includes(items)) {
            c.fail(join(path, 'items'), `unknown item type ${quote(items)}; expected ${oneOf(SCALAR_TYPES)}`);
        } else if (items !== undefined) {
            param.items = items as ScalarType;
        }
    } else if (obj.items !== undefined) {
        c.fail(join(path, 'items'), `only an array parameter takes items; this one is ${type}`);
    }
    const scalar: ScalarType | undefined = type === 'array' ? param.items : (type as ScalarType);

    const description = c.string(obj.description, join(path, 'description'));
    if (description !== undefined) param.description = description;

    if (obj.enum !== undefined) {
        const values = c.list(obj.enum, join(path, 'enum'));
        if (values && type === 'array') {
            c.fail(join(path, 'enum'), 'an array parameter takes no enum; give its items a scalar type');
        } else if (values && type === 'boolean') {
            c.fail(join(path, 'enum'), 'a boolean parameter takes no enum');
        } else if (values) {
            if (values.length === 0) c.fail(join(path, 'enum'), 'must list at least one value');
            values.forEach((v, i) => {
                if (scalar && !fitsType(v, scalar)) c.fail(join(join(path, 'enum'), i), `expected ${scalar}, got ${describeValue(v)}`);
            });
            if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) {
                c.fail(join(path, 'enum'), 'lists a value twice');
            }
            param.enum = values as (string | number)[];
        }
    }

    for (const bound of ['minimum', 'maximum'] as const) {
        const value = c.number(obj[bound], join(path, bound));
        if (value === undefined) continue;
        if (type !== 'number' && type !== 'integer') {
            c.fail(join(path, bound), `applies to number and integer parameters; this one is ${type}`);
        } else if (type === 'integer' && !Number.isInteger(value)) {
            c.fail(join(path, bound), `must be a whole number for an integer parameter, got ${value}`);
        } else {
            param[bound] = value;
        }
    }
    if (param.enum && (param.minimum !== undefined || param.maximum !== undefined)) {
        c.fail(join(path, param.minimum !== undefined ? 'minimum' : 'maximum'), 'cannot be combined with enum; the enum already lists every allowed value');
    }
    if (param.minimum !== undefined && param.maximum !== undefined && param.minimum > param.maximum) {
        c.fail(join(path, 'minimum'), `is greater than maximum (${param.minimum} > ${param.maximum})`);
    }

    if (obj.default !== undefined) {
        const fits =
            type === 'array'
                ? Array.isArray(obj.default) && obj.default.every((v) => scalar !== undefined && fitsType(v, scalar))
                : fitsType(obj.default, type as ScalarType);
        if (!fits) {
            c.fail(join(path, 'default'), `expected ${type === 'array' ? `a list of ${scalar ?? 'values'}` : type}, got ${describeValue(obj.default)}`);
        } else if (param.enum && !param.enum.some((v) => v === obj.default)) {
            c.fail(join(path, 'default'), `${describeValue(obj.default)} is not one of the enum values`);
        } else if (typeof obj.default === 'number' && param.minimum !== undefined && obj.default < param.minimum) {
            c.fail(join(path, 'default'), `${obj.default} is below minimum ${param.minimum}`);
        } else if (typeof obj.default === 'number' && param.maximum !== undefined && obj.default > param.maximum) {
            c.fail(join(path, 'default'), `${obj.default} is above maximum ${param.maximum}`);
        } else {
            param.default = obj.default;
        }
    }

    const required = c.boolean(obj.required, join(path, 'required'));
    if (required === true && obj.default !== undefined) {
        c.fail(join(path, 'required'), 'a parameter with a default cannot be required');
    }
    param.required = required ?? obj.default === undefined;
    return param;
}

function checkAnnotations(c: Checker, raw: unknown, path: string): Annotations | undefined {
    if (raw === undefined) return undefined;
    const obj = c.object(raw, path, ANNOTATION_HINTS);
    if (!obj) return undefined;
    const out: Annotations = {};
    for (const hint of ANNOTATION_HINTS) {
        const value = c.boolean(obj[hint], join(path, hint));
        if (value !== undefined) out[hint] = value;
    }
    return out;
}

/**
 * An origin a view may reach, as CSP source expressions write it: scheme://host[:port] (http, https,
 * ws, wss), `*.` before the host for all its subdomains, an IPv6 address in brackets. Nothing that
 * could end a CSP directive (spaces, `;`, quotes) gets through.
 */
const VIEW_ORIGIN =
    /^(?:https?|wss?):\/\/(?:(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** Returns why `origin` is not an origin a view may declare, or undefined when it is one. */
export function viewOriginProblem(origin: string): string | undefined {
    const match = VIEW_ORIGIN.exec(origin);
    if (match && (match[1] === undefined || Number(match[1]) <= 65_535)) return undefined;
    const hint = /^[a-z]+:\/\/[^/]+\/./i.test(origin) ? ' without a path' : '';
    return `invalid origin ${quote(origin)}; expected scheme://host[:port]${hint} (http, https, ws or wss), e.g. https://api.example.com or https://*.example.com`;
}

/** `ui: true`, or `ui: { title, prefersBorder, csp: { connectDomains, resourceDomains } }`; false or absent: no view. */
function checkView(c: Checker, raw: unknown, path: string): ViewSpec | undefined {
    if (raw === undefined || raw === false) return undefined;
    if (raw === true) return {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        return c.fail(path, `expected true, false or a mapping of title, prefersBorder and csp, got ${describeValue(raw)}`);
    }
    const obj = c.object(raw, path, ['title', 'prefersBorder', 'csp']);
    if (!obj) return undefined;
    const view: ViewSpec = {};
    const title = c.string(obj.title, join(path, 'title'), { nonEmpty: true });
    if (title !== undefined) view.title = title;
    const prefersBorder = c.boolean(obj.prefersBorder, join(path, 'prefersBorder'));
    if (prefersBorder !== undefined) view.prefersBorder = prefersBorder;
    if (obj.csp !== undefined) {
        const cspPath = join(path, 'csp');
        const csp = c.object(obj.csp, cspPath, VIEW_CSP_FIELDS);
        for (const field of csp ? VIEW_CSP_FIELDS : []) {
            const fieldPath = join(cspPath, field);
            const origins: string[] = [];
            (c.list(csp![field], fieldPath) ?? []).forEach((value, i) => {
                const origin = c.string(value, join(fieldPath, i), { required: true, nonEmpty: true });
                if (origin === undefined) return;
                const problem = viewOriginProblem(origin);
                if (problem) c.fail(join(fieldPath, i), problem);
                else if (origins.includes(origin)) c.fail(join(fieldPath, i), `lists ${quote(origin)} twice`);
                else origins.push(origin);
            });
            if (origins.length > 0) view.csp = { ...view.csp, [field]: origins };
        }
    }
    return view;
}

/** `visibility: [model, app]` (MCP Apps): who may call the tool. */
function checkVisibility(c: Checker, raw: unknown, path: string, view: ViewSpec | undefined): ToolVisibility[] | undefined {
    if (raw === undefined) return undefined;
    const list = c.list(raw, path);
    if (!list) return undefined;
    if (list.length === 0) return c.fail(path, `must list at least one of ${oneOf(TOOL_VISIBILITY)}`);
    const visibility: ToolVisibility[] = [];
    list.forEach((value, i) => {
        if (typeof value !== 'string' || !(TOOL_VISIBILITY as readonly string[]).includes(value)) {
            c.fail(join(path, i), `unknown visibility ${describeValue(value)}; expected ${oneOf(TOOL_VISIBILITY)}`);
        } else if (visibility.includes(value as ToolVisibility)) {
            c.fail(join(path, i), `lists ${quote(value)} twice`);
        } else {
            visibility.push(value as ToolVisibility);
        }
    });
    if (view && visibility.length !== TOOL_VISIBILITY.length && list.length === visibility.length) {
        // The model calls the tool to show its view, and the view calls it again.
        return c.fail(path, 'a tool with a view (ui) is called by the model and by its view: list both model and app, or leave visibility out');
    }
    return visibility;
}

const TOOL_FIELDS = ['name', 'title', 'description', 'annotations', 'input', 'output', 'scopes', 'confirm', 'icon', 'ui', 'visibility', 'rateLimit'] as const;

function checkTool(c: Checker, raw: unknown, path: string): ToolSpec | undefined {
    if (typeof raw === 'object' && raw !== null && 'task' in raw) {
        // Asked for by name, so refused with the reason rather than as an unknown field.
        c.fail(join(path, 'task'), 'not supported yet: the SDK (2.4) serves no tasks (its server side has no task store or tasks/* handlers)');
        const { task: _task, ...rest } = raw as Obj;
        raw = rest;
    }
    const obj = c.object(raw, path, TOOL_FIELDS);
    if (!obj) return undefined;
    const name = c.mcpName(obj.name, join(path, 'name'));
    const description = c.string(obj.description, join(path, 'description'), { required: true, nonEmpty: true });
    const tool: ToolSpec = { name: name ?? '', description: description ?? '', input: checkParams(c, obj.input, join(path, 'input')) ?? {} };
    const output = checkParams(c, obj.output, join(path, 'output'));
    if (output) tool.output = output;
    if (output && Object.keys(obj.output as Obj).length === 0) {
        c.fail(join(path, 'output'), 'must list at least one field; leave output out for a tool without structured results');
    }
    const scopes = checkScopes(c, obj.scopes, join(path, 'scopes'));
    if (scopes) tool.scopes = scopes;
    const rateLimit = c.string(obj.rateLimit, join(path, 'rateLimit'));
    const rateIssue = rateLimit === undefined ? undefined : rateLimitProblem(rateLimit);
    if (rateIssue) c.fail(join(path, 'rateLimit'), `${quote(rateLimit!)} is not a rate limit; ${rateIssue}`);
    else if (rateLimit !== undefined) tool.rateLimit = rateLimit;
    const title = c.string(obj.title, join(path, 'title'));
    if (title !== undefined) tool.title = title;
    const annotations = checkAnnotations(c, obj.annotations, join(path, 'annotations'));
    if (annotations) tool.annotations = annotations;
    const view = checkView(c, obj.ui, join(path, 'ui'));
    if (view) tool.ui = view;
    const visibility = checkVisibility(c, obj.visibility, join(path, 'visibility'), view);
    if (visibility) tool.visibility = visibility;
    if (obj.confirm === true || obj.confirm === 'optional') tool.confirm = obj.confirm;
    else if (obj.confirm !== undefined && obj.confirm !== false) {
        c.fail(join(path, 'confirm'), `expected true, false or optional, got ${describeValue(obj.confirm)}`);
    }
    const icon = checkIcon(c, obj.icon, join(path, 'icon'));
    if (icon !== undefined) tool.icon = icon;
    return tool;
}

/** A mapping of parameter (or result field) name to schema, in the order given. */
function checkParams(c: Checker, raw: unknown, path: string): Record<string, ParamSpec> | undefined {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        return c.fail(path, `expected a mapping of parameter name to schema, got ${describeValue(raw)}`);
    }
    const params: Record<string, ParamSpec> = {};
    for (const [key, value] of Object.entries(raw)) {
        const problem = paramNameProblem(key);
        if (problem) {
            c.fail(join(path, key), `invalid parameter name: ${problem}`);
            continue;
        }
        const param = checkParam(c, value, join(path, key));
        if (param) params[key] = param;
    }
    return params;
}

/** An icon: an https URL or an embedded image (a spec file's image path is embedded before validation). */
function checkIcon(c: Checker, raw: unknown, path: string): string | undefined {
    const icon = c.string(raw, path, { nonEmpty: true });
    if (icon === undefined) return undefined;
    const problem = iconProblem(icon);
    return problem ? c.fail(path, `${quote(icon)}: ${problem}`) : icon;
}

/** Values offered while completing: a non-empty list of distinct strings. */
function checkCompletions(c: Checker, raw: unknown, path: string): string[] | undefined {
    if (raw === undefined) return undefined;
    const list = c.list(raw, path);
    if (!list) return undefined;
    if (list.length === 0) return c.fail(path, 'must list at least one value');
    const values = list.flatMap((value, i) => c.string(value, join(path, i), { nonEmpty: true }) ?? []);
    if (new Set(values).size !== values.length) c.fail(path, 'lists a value twice');
    return values;
}

/** OAuth scope tokens (RFC 6749, section 3.3): printable ASCII without spaces, quotes or backslashes. */
function checkScopes(c: Checker, raw: unknown, path: string): string[] | undefined {
    const list = c.list(raw, path);
    if (!list) return undefined;
    const scopes: string[] = [];
    list.forEach((value, i) => {
        const scope = c.string(value, join(path, i), { required: true, nonEmpty: true });
        if (scope === undefined) return;
        if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))
            c.fail(join(path, i), `${quote(scope)} is not an OAuth scope; expected printable characters without spaces, quotes or backslashes`);
        else if (!scopes.includes(scope)) scopes.push(scope);
    });
    return scopes.length > 0 ? scopes : undefined;
}

const RESOURCE_FIELDS = ['name', 'uri', 'title', 'description', 'mimeType', 'icon', 'subscribe', 'ttl', 'cacheScope', 'complete'] as const;

/** The longest cache time clients honour (24 hours), in seconds. */
const MAX_TTL = 86_400;

function checkResource(c: Checker, raw: unknown, path: string): ResourceSpec | undefined {
    const obj = c.object(raw, path, RESOURCE_FIELDS);
    if (!obj) return undefined;
    const name = c.mcpName(obj.name, join(path, 'name'));
    const uri = c.string(obj.uri, join(path, 'uri'), { required: true });
    const uriIssue = uri === undefined ? undefined : uriProblem(uri);
    if (uriIssue) c.fail(join(path, 'uri'), uriIssue);
    const resource: ResourceSpec = { name: name ?? '', uri: uri ?? '' };
    const title = c.string(obj.title, join(path, 'title'));
    if (title !== undefined) resource.title = title;
    const description = c.string(obj.description, join(path, 'description'));
    if (description !== undefined) resource.description = description;
    const mimeType = c.string(obj.mimeType, join(path, 'mimeType'), { nonEmpty: true });
    if (mimeType !== undefined) resource.mimeType = mimeType;
    const icon = checkIcon(c, obj.icon, join(path, 'icon'));
    if (icon !== undefined) resource.icon = icon;
    if (c.boolean(obj.subscribe, join(path, 'subscribe'))) resource.subscribe = true;
    const ttl = c.number(obj.ttl, join(path, 'ttl'));
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL)) {
        c.fail(join(path, 'ttl'), `expected whole seconds from 0 to ${MAX_TTL} (24 hours, the most clients keep a result), got ${ttl}`);
    } else if (ttl !== undefined) resource.ttl = ttl;
    const scope = c.string(obj.cacheScope, join(path, 'cacheScope'));
    if (scope !== undefined && !(CACHE_SCOPES as readonly string[]).includes(scope)) {
        c.fail(join(path, 'cacheScope'), `unknown scope ${quote(scope)}; expected ${oneOf(CACHE_SCOPES)}`);
    } else if (scope !== undefined && obj.ttl === undefined) {
        c.fail(join(path, 'cacheScope'), 'applies to a cached resource; give it a ttl too');
    } else if (scope !== undefined) resource.cacheScope = scope as CacheScope;
    if (obj.complete !== undefined) {
        const completePath = join(path, 'complete');
        const variables = uriVariables(resource.uri) ?? [];
        const given = variables.length > 0 ? c.object(obj.complete, completePath, variables) : undefined;
        if (variables.length === 0) c.fail(completePath, 'applies to a resource template; this URI has no {variable}');
        else if (given) {
            resource.complete = {};
            for (const variable of variables) {
                const values = checkCompletions(c, given[variable], join(completePath, variable));
                if (values) resource.complete[variable] = values;
            }
        }
    }
    return resource;
}

function checkPrompt(c: Checker, raw: unknown, path: string): PromptSpec | undefined {
    const obj = c.object(raw, path, ['name', 'title', 'description', 'arguments', 'icon']);
    if (!obj) return undefined;
    const name = c.mcpName(obj.name, join(path, 'name'));
    const prompt: PromptSpec = { name: name ?? '', arguments: [] };
    const title = c.string(obj.title, join(path, 'title'));
    if (title !== undefined) prompt.title = title;
    const description = c.string(obj.description, join(path, 'description'));
    if (description !== undefined) prompt.description = description;
    const icon = checkIcon(c, obj.icon, join(path, 'icon'));
    if (icon !== undefined) prompt.icon = icon;
    const args = c.list(obj.arguments, join(path, 'arguments')) ?? [];
    const seen = new Set<string>();
    args.forEach((rawArg, i) => {
        const argPath = join(join(path, 'arguments'), i);
        const arg = c.object(rawArg, argPath, ['name', 'description', 'required', 'complete']);
        if (!arg) return;
        const argName = c.string(arg.name, join(argPath, 'name'), { required: true });
        if (argName === undefined) return;
        const problem = paramNameProblem(argName);
        if (problem) {
            c.fail(join(argPath, 'name'), `invalid argument name ${quote(argName)}: ${problem}`);
            return;
        }
        if (seen.has(argName)) c.fail(join(argPath, 'name'), `duplicate argument ${quote(argName)}`);
        seen.add(argName);
        const out: PromptArgumentSpec = { name: argName, required: c.boolean(arg.required, join(argPath, 'required')) ?? true };
        const description = c.string(arg.description, join(argPath, 'description'));
        if (description !== undefined) out.description = description;
        const complete = checkCompletions(c, arg.complete, join(argPath, 'complete'));
        if (complete) out.complete = complete;
        prompt.arguments.push(out);
    });
    return prompt;
}

/** Checks the options an integration was given, keeping the valid ones. */
function checkOptions(c: Checker, integration: Integration, given: Record<string, unknown>, pathOf: (key: string) => string): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const [key, option] of Object.entries(integration.options ?? {})) {
        if (given[key] === undefined) continue;
        const problem = optionProblem(option, given[key]);
        if (problem) c.fail(pathOf(key), problem);
        else options[key] = given[key];
    }
    return options;
}

function checkSystem(c: Checker, raw: unknown, path: string): SystemSpec | undefined {
    const rawType = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Obj).type : raw;
    const type = c.string(rawType, typeof raw === 'string' ? path : join(path, 'type'), { required: true });
    if (type === undefined) return undefined;
    const system = getIntegration(type);
    if (system?.kind !== 'system') {
        return c.fail(typeof raw === 'string' ? path : join(path, 'type'), `unknown system ${quote(type)}; expected ${oneOf(SYSTEM_IDS)}`);
    }
    const obj = typeof raw === 'string' ? { type } : c.object(raw, path, ['type', ...Object.keys(system.options ?? {})]);
    if (!obj) return undefined;
    const options = checkOptions(c, system, obj, (key) => join(path, key));
    for (const [key, option] of Object.entries(system.options ?? {})) {
        if (option.required && obj[key] === undefined) c.fail(typeof raw === 'string' ? path : join(path, key), `${key} is required for ${type}`);
    }
    return { type, options };
}

/**
 * Refuses two items of one kind whose names would clash on the wire, as files or as identifiers. A `fileOnly`
 * entry is the file of a module that registers items under other names: only a file may clash with it.
 */
function checkUnique(c: Checker, names: { name: string; path: string; fileOnly?: boolean }[], kind: string): void {
    const byName = new Map<string, string>();
    const byFile = new Map<string, string>();
    const byIdent = new Map<string, string>();
    for (const { name, path, fileOnly } of names) {
        if (!name) continue;
        const clash = (map: Map<string, string>, key: string, why: string): boolean => {
            const other = map.get(key);
            if (other !== undefined) {
                c.fail(path, `${kind} ${quote(name)} ${why} ${other}; rename one`);
                return true;
            }
            map.set(key, `${quote(name)} (${path})`);
            return false;
        };
        if (fileOnly) {
            byFile.set(fileBase(name).toLowerCase(), `the file src/${kind}s/${name}.ts (${path})`);
            continue;
        }
        if (clash(byName, name, 'is already defined at')) continue;
        if (clash(byFile, fileBase(name).toLowerCase(), 'would share a file name (ignoring case) with')) continue;
        clash(byIdent, pascalCase(name), `would share the identifier ${pascalCase(name)} with`);
    }
}

/** `template: { source, resolved }`, as `--template` recorded it. */
function checkTemplate(c: Checker, value: unknown): TemplateRecord | undefined {
    if (value === undefined) return undefined;
    const obj = c.object(value, 'template', ['source', 'resolved']);
    if (!obj) return undefined;
    const source = c.string(obj.source, 'template.source', { required: true, nonEmpty: true });
    const resolved = c.string(obj.resolved, 'template.resolved', { nonEmpty: true });
    return source === undefined ? undefined : { source, ...(resolved !== undefined && { resolved }) };
}

const CORE_FIELDS = [
    'name',
    'description',
    'version',
    'icon',
    'websiteUrl',
    'transports',
    'systems',
    'tools',
    'resources',
    'prompts',
    'examples',
    'registryName',
    'features',
    'template',
] as const;
/** The spec's top-level fields: its own, then the integrations' (`auth`, …). */
const TOP_FIELDS: readonly string[] = [...CORE_FIELDS, ...TOP_LEVEL_OPTIONS.map((o) => o.field)];

/** A spec as read from a file or built from flags, before validation: every field optional and untrusted. */
export type RawSpec = Partial<Record<(typeof CORE_FIELDS)[number], unknown>> & Record<string, unknown>;

/**
 * Validates an untrusted spec and returns it normalized, or throws a SpecError naming every bad field.
 * `defaults` fills the name and description when the spec has none (they come from the directory and flags).
 */
export function validateSpec(raw: unknown, defaults: { name: string; description: string }, source?: string): Spec {
    const c = new Checker();
    const obj = c.object(raw ?? {}, '', TOP_FIELDS) ?? {};

    const name = c.string(obj.name, 'name', { nonEmpty: true }) ?? defaults.name;
    const npmProblem = npmNameProblem(name);
    if (npmProblem) c.fail('name', `invalid package name ${quote(name)}: ${npmProblem}`);
    const description = c.string(obj.description, 'description', { nonEmpty: true }) ?? defaults.description;
    const version = c.string(obj.version, 'version') ?? '0.1.0';
    if (!SEMVER.test(version)) c.fail('version', `invalid version ${quote(version)}; expected semver like 0.1.0`);
    const icon = checkIcon(c, obj.icon, 'icon');
    const websiteUrl = c.string(obj.websiteUrl, 'websiteUrl', { nonEmpty: true });
    if (websiteUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(websiteUrl)) {
        c.fail('websiteUrl', `${quote(websiteUrl)} is not a web address; expected https://…`);
    }

    let transports: Transport[] = [...TRANSPORTS];
    if (obj.transports !== undefined) {
        const list = c.list(obj.transports, 'transports') ?? [];
        transports = [];
        list.forEach((t, i) => {
            if (typeof t !== 'string' || !(TRANSPORTS as readonly string[]).includes(t)) {
                c.fail(join('transports', i), `unknown transport ${describeValue(t)}; expected ${oneOf(TRANSPORTS)}`);
            } else if (!transports.includes(t as Transport)) {
                transports.push(t as Transport);
            }
        });
        if (list.length > 0 && transports.length === 0) transports = [...TRANSPORTS];
        if (list.length === 0) c.fail('transports', `must list at least one of ${oneOf(TRANSPORTS)}`);
        // Keep a stable order so the same set always renders the same project.
        transports.sort((a, b) => TRANSPORTS.indexOf(a) - TRANSPORTS.indexOf(b));
    }

    const registryName = c.string(obj.registryName, 'registryName', { nonEmpty: true });
    const registryIssue = registryName === undefined ? undefined : registryNameProblem(registryName);
    if (registryIssue) c.fail('registryName', registryIssue);

    const template = checkTemplate(c, obj.template);

    const features: Features = Object.fromEntries(FEATURE_IDS.map((f) => [f, true]));
    const rawFeatures = obj.features === undefined ? undefined : c.object(obj.features, 'features', FEATURE_IDS);
    for (const feature of rawFeatures ? FEATURE_IDS : []) {
        const on = c.boolean(rawFeatures![feature], join('features', feature));
        if (on !== undefined) features[feature] = on;
    }

    // Options of features that live at the top level (`auth: jwt`).
    const settings: Spec['settings'] = {};
    for (const { integration, key, option, field } of TOP_LEVEL_OPTIONS) {
        if (obj[field] === undefined) continue;
        const problem = optionProblem(option, obj[field]);
        if (problem) c.fail(field, problem);
        else {
            settings[integration.id] ??= {};
            settings[integration.id]![key] = obj[field];
        }
    }

    const systems: SystemSpec[] = [];
    (c.list(obj.systems, 'systems') ?? []).forEach((s, i) => {
        const system = checkSystem(c, s, join('systems', i));
        if (!system) return;
        if (systems.some((other) => other.type === system.type)) {
            c.fail(join('systems', i), `system "${system.type}" is listed twice`);
        } else {
            systems.push(system);
        }
    });

    const tools = (c.list(obj.tools, 'tools') ?? []).flatMap((t, i) => checkTool(c, t, join('tools', i)) ?? []);
    const resources = (c.list(obj.resources, 'resources') ?? []).flatMap((r, i) => checkResource(c, r, join('resources', i)) ?? []);
    const prompts = (c.list(obj.prompts, 'prompts') ?? []).flatMap((p, i) => checkPrompt(c, p, join('prompts', i)) ?? []);

    // Systems that bring tools describe something; Redis, telemetry and manifests do not.
    const bringing = systems.filter((system) => getIntegration(system.type)?.items !== undefined);
    const empty = tools.length + resources.length + prompts.length + bringing.length === 0;
    const examples = c.boolean(obj.examples, 'examples') ?? empty;
    const spec: Spec = {
        name,
        description,
        version,
        ...(icon !== undefined && { icon }),
        ...(websiteUrl !== undefined && { websiteUrl }),
        transports,
        systems,
        tools,
        resources,
        prompts,
        examples,
        ...(registryName !== undefined && { registryName }),
        ...(template !== undefined && { template }),
        features,
        settings,
    };
    checkCombination(c, spec);

    // Items an integration brings (a system's, the examples) take their names first; a spec item may not clash with
    // them. A module registering items (`src/tools/query.ts` serves every SQL system) also takes its file name.
    const contributed: { kind: string; name: string; path: string; fileOnly?: boolean }[] = [];
    const modules = new Set<string>();
    for (const { integration, ctx } of activeIntegrations(spec)) {
        const path = integration.kind === 'system' ? `systems (${integration.id})` : integration.id;
        for (const item of itemsOf(integration, ctx)) {
            if ('spec' in item) {
                contributed.push({ kind: item.kind, name: item.spec.name, path });
                continue;
            }
            for (const name of item.names ?? [item.name]) contributed.push({ kind: item.kind, name, path });
            const file = item.module.slice(item.module.lastIndexOf('/') + 1);
            if (!modules.has(item.module) && !(item.names ?? [item.name]).includes(file))
                contributed.push({ kind: item.kind, name: file, path, fileOnly: true });
            modules.add(item.module);
        }
    }
    const named = (kind: 'tool' | 'resource' | 'prompt', list: { name: string }[], field: string) => [
        ...contributed.filter((item) => item.kind === kind),
        ...list.map((item, i) => ({ name: item.name, path: `${field}[${i}].name` })),
    ];
    checkUnique(c, named('tool', tools, 'tools'), 'tool');
    checkUnique(c, named('resource', resources, 'resources'), 'resource');
    checkUnique(c, named('prompt', prompts, 'prompts'), 'prompt');
    const uris = new Map<string, number>();
    resources.forEach((r, i) => {
        if (!r.uri) return;
        const other = uris.get(r.uri);
        if (other !== undefined) c.fail(join(join('resources', i), 'uri'), `${quote(r.uri)} is already used by resources[${other}]`);
        else uris.set(r.uri, i);
    });

    if (c.problems.length > 0) throw new SpecError(c.problems, source);
    return spec;
}

/**
 * Refuses integrations asked for together that cannot be: an unmet `requires` of one chosen
 * explicitly (a system, a top-level option such as `auth`), and `conflicts`. A part in `features:`
 * is only allowed, not demanded: `docker: true` in a stdio-only spec makes no Dockerfile.
 */
function checkCombination(c: Checker, spec: Spec): void {
    const explicit: { integration: Integration; path: string }[] = [
        ...spec.systems.map((s, i) => ({ integration: getIntegration(s.type)!, path: join('systems', i) })),
        ...TOP_LEVEL_OPTIONS.filter((o) => spec.settings[o.integration.id]?.[o.key] !== undefined).map((o) => ({ integration: o.integration, path: o.field })),
    ];
    const chosen = new Set(INTEGRATIONS.filter((i) => i.kind === 'transport' && spec.transports.includes(i.id as Transport)).map((i) => i.id));
    // Parts on by default count as chosen unless switched off (the Dockerfile a system's manifests build).
    for (const feature of SWITCHABLE) if (spec.features[feature.id] !== false) chosen.add(feature.id);
    for (const { integration } of explicit) chosen.add(integration.id);
    for (const { integration, path } of explicit) {
        const unmet = unmetRequirement(integration, spec.transports, chosen);
        if (unmet) c.fail(path, `${integration.label} requires ${unmet}`);
        const conflict = integration.conflicts?.find((id) => chosen.has(id));
        if (conflict) c.fail(path, `${integration.label} cannot be combined with ${getIntegration(conflict)?.label ?? conflict}`);
    }
    // Rate limits are answered with HTTP 429: a stdio server has nobody to answer.
    if (!spec.transports.includes('http')) {
        spec.tools.forEach((tool, i) => {
            if (tool.rateLimit !== undefined) c.fail(join(join('tools', i), 'rateLimit'), 'a rate limit requires the http transport');
        });
    }
}

/** Parameters as a spec file writes them: `required` only where it differs from its default. */
function paramsDocument(params: Record<string, ParamSpec>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(params).map(([key, p]) => {
            const { required, ...rest } = p;
            const implicit = p.default === undefined;
            return [key, required === implicit ? rest : { ...rest, required }];
        }),
    );
}

/** The spec as it is saved in a generated project (`mcp-server.yaml`): normalized, with defaults left implicit. */
export function specToDocument(spec: Spec): Record<string, unknown> {
    const doc: Record<string, unknown> = {
        name: spec.name,
        description: spec.description,
        version: spec.version,
        ...(spec.icon !== undefined && { icon: spec.icon }),
        ...(spec.websiteUrl !== undefined && { websiteUrl: spec.websiteUrl }),
        transports: spec.transports,
    };
    if (spec.examples) doc.examples = true;
    if (spec.registryName !== undefined) doc.registryName = spec.registryName;
    if (spec.template !== undefined) doc.template = { ...spec.template };
    // Only the parts switched off are written: everything else is on by default.
    const off = FEATURE_IDS.filter((f) => spec.features[f] === false);
    if (off.length > 0) doc.features = Object.fromEntries(off.map((f) => [f, false]));
    for (const { integration, key, field } of TOP_LEVEL_OPTIONS) {
        const value = spec.settings[integration.id]?.[key];
        if (value !== undefined) doc[field] = value;
    }
    if (spec.systems.length > 0) {
        doc.systems = spec.systems.map((s) => (Object.keys(s.options).length === 0 ? s.type : { type: s.type, ...s.options }));
    }
    if (spec.tools.length > 0) {
        doc.tools = spec.tools.map((t) => ({
            name: t.name,
            ...(t.title !== undefined && { title: t.title }),
            description: t.description,
            ...(t.annotations && { annotations: t.annotations }),
            ...(t.scopes && { scopes: t.scopes }),
            // A view without options is written `ui: true`, as it is usually given.
            ...(t.ui && { ui: Object.keys(t.ui).length === 0 ? true : t.ui }),
            ...(t.visibility && { visibility: t.visibility }),
            ...(t.confirm !== undefined && { confirm: t.confirm }),
            ...(t.rateLimit && { rateLimit: t.rateLimit }),
            ...(t.icon !== undefined && { icon: t.icon }),
            ...(Object.keys(t.input).length > 0 && { input: paramsDocument(t.input) }),
            ...(t.output && { output: paramsDocument(t.output) }),
        }));
    }
    if (spec.resources.length > 0) doc.resources = spec.resources.map((r) => ({ ...r }));
    if (spec.prompts.length > 0) {
        doc.prompts = spec.prompts.map((p) => ({
            name: p.name,
            ...(p.title !== undefined && { title: p.title }),
            ...(p.description !== undefined && { description: p.description }),
            ...(p.arguments.length > 0 && {
                arguments: p.arguments.map((a) => ({ ...a })),
            }),
            ...(p.icon !== undefined && { icon: p.icon }),
        }));
    }
    return doc;
}
