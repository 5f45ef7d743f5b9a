/**
 * Editor client configurations (`.vscode/mcp.json`, `.cursor/mcp.json`) that run the local build:
 * files built as data rather than templates. Pure.
 */
import type { EnvVar, Integration } from './types.js';

export interface ClientConfigInput {
    /** The key the server is listed under (the bin name). */
    key: string;
    /** The server speaks stdio by default; false for an HTTP-only server, which clients reach by URL. */
    stdio: boolean;
    env: EnvVar[];
}

/** The local HTTP endpoint the generated server listens on by default. */
export const LOCAL_HTTP_URL = 'http://127.0.0.1:3000/mcp';

/** The built entry, relative to the folder the editor opened (both editors expand `${workspaceFolder}`). */
const ENTRY = '${workspaceFolder}/dist/index.js';

function json(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * VS Code's `.vscode/mcp.json`: `servers`, with `type`. Required environment variables are asked
 * for once by VS Code (`inputs`, secrets as passwords) rather than written into the file.
 */
export function vscodeMcpJson(input: ClientConfigInput): string {
    if (!input.stdio) return json({ servers: { [input.key]: { type: 'http', url: LOCAL_HTTP_URL } } });
    const required = input.env.filter((v) => v.required);
    const id = (v: EnvVar) => v.name.toLowerCase().replace(/_/g, '-');
    return json({
        ...(required.length > 0 && {
            inputs: required.map((v) => ({ type: 'promptString', id: id(v), description: v.description, password: v.secret })),
        }),
        servers: {
            [input.key]: {
                type: 'stdio',
                command: 'node',
                args: [ENTRY],
                ...(required.length > 0 && { env: Object.fromEntries(required.map((v) => [v.name, `\${input:${id(v)}}`])) }),
            },
        },
    });
}

/** Cursor's `.cursor/mcp.json`: `mcpServers`; required environment variables come from Cursor's own environment. */
export function cursorMcpJson(input: ClientConfigInput): string {
    if (!input.stdio) return json({ mcpServers: { [input.key]: { url: LOCAL_HTTP_URL } } });
    const required = input.env.filter((v) => v.required);
    return json({
        mcpServers: {
            [input.key]: {
                command: 'node',
                args: [ENTRY],
                ...(required.length > 0 && { env: Object.fromEntries(required.map((v) => [v.name, `\${env:${v.name}}`])) }),
            },
        },
    });
}

export const clientConfigs: Integration = {
    id: 'clientConfigs',
    kind: 'feature',
    label: 'Client configurations',
    description: '.vscode/mcp.json and .cursor/mcp.json that run the local build',
    switchFlag: 'client-configs',
    switchHelp: 'no .vscode/mcp.json and .cursor/mcp.json',
    readme: { connect: 'README.connect.md.hbs' },
    layout: [['.vscode/ .cursor/', 'client configurations (mcp.json)']],
    files: (_ctx, project) => {
        const client = { key: project.binName, stdio: project.stdio, env: project.stdioEnv };
        return [
            { path: '.vscode/mcp.json', text: vscodeMcpJson(client) },
            { path: '.cursor/mcp.json', text: cursorMcpJson(client) },
        ];
    },
};
