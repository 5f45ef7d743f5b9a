/**
 * The official MCP registry: the server's registry name and the
 * `server.json` that describes it there. Pure: the git remote a default may come from is read at
 * the edge (src/steps/git-remote.ts) and arrives here as a string.
 */
import { titleFromName } from '../shared/names.js';
import { quote } from '../shared/quote.js';
import { type Credential, httpCredentials } from './client-configs.js';
import type { EnvVar, Integration } from './types.js';

/** The published server.json schema this generator writes (and this repository's tests validate against). */
export const SERVER_SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';

/** The registry's name rule (server.schema.json, `name`): `namespace/name`, reverse-DNS namespace. */
const REGISTRY_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;
export const REGISTRY_NAME_RULE = 'reverse-DNS namespace/name, e.g. io.github.your-user/weather (A-Z a-z 0-9 . - before the slash, A-Z a-z 0-9 . _ - after it)';

/** The namespace of the default registry name when nothing better is known: a placeholder to replace. */
export const PLACEHOLDER_OWNER = 'your-github-user';

/** Returns why `name` is not a valid registry name, or undefined when it is. */
export function registryNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 200) return `invalid registry name ${quote(name)}: must be 3-200 characters`;
    if (!REGISTRY_NAME.test(name)) return `invalid registry name ${quote(name)}; expected ${REGISTRY_NAME_RULE}`;
    return undefined;
}

/** The part after the slash, from an npm name: the scope dropped, `~` (which the registry refuses) turned into `-`. */
function serverPart(npmName: string): string {
    return npmName.replace(/^@[^/]+\//, '').replace(/~/g, '-');
}

/**
 * The GitHub owner in a git remote URL (https, ssh or scp-like form), or undefined for another host.
 * `git@github.com:acme/orders.git` -> `acme`.
 */
export function githubOwnerFromRemote(url: string): string | undefined {
    const match = /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|git:\/\/|[^@/:]+@)github\.com[:/]([A-Za-z0-9-]+)\/[^/\s]+?\/?$/i.exec(url.trim());
    return match?.[1];
}

/**
 * The registry name used when the spec gives none: `io.github.<owner>/<name>` with the GitHub owner
 * of the git remote if known, else the npm scope, else a placeholder owner the README tells to replace.
 */
export function defaultRegistryName(npmName: string, githubOwner?: string): { name: string; placeholder: boolean } {
    const scope = /^@([^/]+)\//.exec(npmName)?.[1];
    const owner = githubOwner ?? (scope && /^[a-z0-9-]+$/.test(scope) ? scope : undefined);
    return { name: `io.github.${owner ?? PLACEHOLDER_OWNER}/${serverPart(npmName)}`, placeholder: owner === undefined };
}

export interface ServerJsonInput {
    registryName: string;
    npmName: string;
    title: string;
    description: string;
    version: string;
    /** The package runs stdio by default; false for an HTTP-only server. */
    stdio: boolean;
    env: EnvVar[];
    /** What clients send over HTTP (the shared token in token mode): headers of an HTTP-only package's transport. */
    credentials?: Credential[];
}

/** The registry's description limit (server.schema.json: maxLength 100). */
const DESCRIPTION_MAX = 100;

/** One line, at most `max` characters (cut on a word boundary where possible, with an ellipsis). */
function fit(text: string, max: number): string {
    const line = text.replace(/\s+/g, ' ').trim();
    if (line.length <= max) return line;
    const cut = line.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** `server.json` for the official MCP registry: the npm package, its transport and the environment it reads. */
export function serverJson(input: ServerJsonInput): Record<string, unknown> {
    const environmentVariables: Record<string, unknown>[] = input.env.map((v) => ({
        name: v.name,
        description: v.description,
        isRequired: v.required,
        isSecret: v.secret,
        ...(v.example !== '' && { placeholder: v.example }),
        ...(v.default !== undefined && { default: v.default }),
    }));
    // An HTTP-only package serves Streamable HTTP on localhost; PORT picks the port.
    if (!input.stdio) {
        environmentVariables.push({
            name: 'PORT',
            description: 'Port of the Streamable HTTP endpoint',
            isRequired: false,
            isSecret: false,
            format: 'number',
            default: '3000',
        });
    }
    // A header value names the package's variable in braces, as the URL names PORT.
    const headers = (input.credentials ?? []).map((v) => ({
        name: v.clientHeader.name,
        value: `${v.clientHeader.prefix}{${v.name}}`,
        description: v.description,
        isRequired: true,
        isSecret: v.secret,
    }));
    const http = { type: 'streamable-http', url: 'http://127.0.0.1:{PORT}/mcp', ...(headers.length > 0 && { headers }) };
    const pkg = {
        registryType: 'npm',
        identifier: input.npmName,
        version: input.version,
        transport: input.stdio ? { type: 'stdio' } : http,
        ...(environmentVariables.length > 0 && { environmentVariables }),
    };
    return {
        $schema: SERVER_SCHEMA_URL,
        name: input.registryName,
        title: fit(input.title, DESCRIPTION_MAX),
        description: fit(input.description, DESCRIPTION_MAX),
        version: input.version,
        packages: [pkg],
    };
}

export const registry: Integration = {
    id: 'registry',
    kind: 'feature',
    label: 'MCP registry entry',
    description: 'server.json for the official MCP registry, and mcpName in package.json',
    switchFlag: 'registry',
    switchHelp: 'no server.json for the MCP registry (and no mcpName)',
    readme: { operate: 'README.operate.md.hbs' },
    layout: [['server.json', 'the entry for the MCP registry']],
    // The MCP registry checks that the npm package names the server it publishes.
    packageFields: (_ctx, project) => ({ mcpName: project.registryName }),
    files: ({ spec }, project) => {
        const server = serverJson({
            registryName: project.registryName,
            npmName: spec.name,
            title: titleFromName(project.binName),
            description: spec.description,
            version: spec.version,
            stdio: project.stdio,
            // A package launched over stdio reads no HTTP settings; an HTTP-only one reads them all.
            env: project.stdio ? project.stdioEnv : project.env,
            credentials: project.stdio ? [] : httpCredentials(project.env),
        });
        return [{ path: 'server.json', text: `${JSON.stringify(server, null, 2)}\n` }];
    },
};
