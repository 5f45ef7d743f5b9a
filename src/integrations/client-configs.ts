/**
 * Editor client configurations (`.vscode/mcp.json`, `.cursor/mcp.json`) that run the local build,
 * and, for stdio, the dev loop (`<key>-dev`: reloads on every change, the connection stays): files
 * built as data rather than templates. Pure.
 */
import type { EnvVar, Integration } from './types.js';

export interface ClientConfigInput {
    /** The key the server is listed under (the bin name). */
    key: string;
    /** The server speaks stdio by default; false for an HTTP-only server, which clients reach by URL. */
    stdio: boolean;
    /** The variables a stdio launch reads. */
    env: EnvVar[];
    /**
     * What a client must send over HTTP (`httpCredentials`). With these an HTTP entry carries them, beside
     * the stdio entry (as `<key>-http`) when the server speaks both.
     */
    credentials?: EnvVar[];
}

/** The local HTTP endpoint the generated server listens on by default. */
export const LOCAL_HTTP_URL = 'http://127.0.0.1:3000/mcp';

/** The built entry, relative to the folder the editor opened (both editors expand `${workspaceFolder}`). */
const ENTRY = '${workspaceFolder}/dist/index.js';
/** The dev loop's stdio side: it builds, and reloads on every change without the editor reconnecting. */
const DEV_ARGS = ['${workspaceFolder}/scripts/dev.mjs', '--stdio'];

/** The dev entry's key, beside the build's. */
const devKey = (key: string) => `${key}-dev`;

/** A variable a client presents in a header over HTTP. */
export type Credential = EnvVar & { clientHeader: NonNullable<EnvVar['clientHeader']> };

/** The required variables clients present over HTTP, in a header each (the shared token in token mode). */
export function httpCredentials(env: EnvVar[]): Credential[] {
    return env.filter((v): v is Credential => v.required && v.clientHeader !== undefined);
}

/** A credential as the README's connection lines show it. */
export interface HttpCredentialView {
    /** The variable holding it where the client runs (the same name the server reads). */
    name: string;
    header: string;
    prefix: string;
    /** mcp-remote's variable for the whole header value: its arguments then hold no space (which some clients split on Windows). */
    headerEnv: string;
}

export function httpCredentialViews(env: EnvVar[]): HttpCredentialView[] {
    return httpCredentials(env).map((v) => ({
        name: v.name,
        header: v.clientHeader.name,
        prefix: v.clientHeader.prefix,
        headerEnv: `${v.clientHeader.name.toUpperCase().replace(/-/g, '_')}_HEADER`,
    }));
}

/** The headers of `credentials`, each value written as `reference` makes it (`${input:…}`, `${env:…}`). */
function headers(credentials: Credential[], reference: (v: EnvVar) => string): Record<string, string> {
    return Object.fromEntries(credentials.map((v) => [v.clientHeader.name, `${v.clientHeader.prefix}${reference(v)}`]));
}

function json(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The entries an editor lists: the stdio one and the dev loop's (`<key>-dev`), and an HTTP one when
 * the server is HTTP-only or clients must send a credential.
 */
function entries(input: ClientConfigInput, stdio: (args: string[]) => object, http: () => object): Record<string, object> {
    const credentials = input.credentials ?? [];
    if (!input.stdio) return { [input.key]: http() };
    return {
        [input.key]: stdio([ENTRY]),
        [devKey(input.key)]: stdio(DEV_ARGS),
        ...(credentials.length > 0 && { [`${input.key}-http`]: http() }),
    };
}

/**
 * VS Code's `.vscode/mcp.json`: `servers`, with `type`. Required environment variables and HTTP
 * credentials are asked for once by VS Code (`inputs`, secrets as passwords) rather than written into the file.
 */
export function vscodeMcpJson(input: ClientConfigInput): string {
    const required = input.stdio ? input.env.filter((v) => v.required) : [];
    const credentials = httpCredentials(input.credentials ?? []);
    const id = (v: EnvVar) => v.name.toLowerCase().replace(/_/g, '-');
    const asked = [...new Map([...required, ...credentials].map((v) => [v.name, v])).values()];
    return json({
        ...(asked.length > 0 && {
            inputs: asked.map((v) => ({ type: 'promptString', id: id(v), description: v.description, password: v.secret })),
        }),
        servers: entries(
            input,
            (args) => ({
                type: 'stdio',
                command: 'node',
                args,
                ...(required.length > 0 && { env: Object.fromEntries(required.map((v) => [v.name, `\${input:${id(v)}}`])) }),
            }),
            () => ({
                type: 'http',
                url: LOCAL_HTTP_URL,
                ...(credentials.length > 0 && { headers: headers(credentials, (v) => `\${input:${id(v)}}`) }),
            }),
        ),
    });
}

/** Cursor's `.cursor/mcp.json`: `mcpServers`; required variables and HTTP credentials come from Cursor's own environment. */
export function cursorMcpJson(input: ClientConfigInput): string {
    const required = input.stdio ? input.env.filter((v) => v.required) : [];
    const credentials = httpCredentials(input.credentials ?? []);
    return json({
        mcpServers: entries(
            input,
            (args) => ({
                command: 'node',
                args,
                ...(required.length > 0 && { env: Object.fromEntries(required.map((v) => [v.name, `\${env:${v.name}}`])) }),
            }),
            () => ({
                url: LOCAL_HTTP_URL,
                ...(credentials.length > 0 && { headers: headers(credentials, (v) => `\${env:${v.name}}`) }),
            }),
        ),
    });
}

export const clientConfigs: Integration = {
    id: 'clientConfigs',
    kind: 'feature',
    label: 'Client configurations',
    description: '.vscode/mcp.json and .cursor/mcp.json that run the local build (and the dev loop, for stdio)',
    switchFlag: 'client-configs',
    switchHelp: 'no .vscode/mcp.json and .cursor/mcp.json',
    readme: { connect: 'README.connect.md.hbs' },
    layout: [['.vscode/ .cursor/', 'client configurations (mcp.json)']],
    files: (_ctx, project) => {
        const client = { key: project.binName, stdio: project.stdio, env: project.stdioEnv, credentials: httpCredentials(project.env) };
        return [
            { path: '.vscode/mcp.json', text: vscodeMcpJson(client) },
            { path: '.cursor/mcp.json', text: cursorMcpJson(client) },
        ];
    },
};
