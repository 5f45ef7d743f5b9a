/**
 * The parts around the server, each on unless switched off (`features: { <id>: false }` in the
 * spec, `--no-<flag>`): a Dockerfile, a CI workflow, AGENTS.md, editor client configurations and the
 * MCP registry entry. The first three are template folders; the last two are built as data.
 */
import { cursorMcpJson, vscodeMcpJson } from '../ecosystem.js';
import { titleFromName } from '../names.js';
import { serverJson } from '../registry.js';
import type { Integration } from './types.js';

export const docker: Integration = {
    id: 'docker',
    kind: 'feature',
    label: 'Dockerfile',
    description: 'a multi-stage Dockerfile serving HTTP (made only with the http transport)',
    switchFlag: 'docker',
    switchHelp: 'no Dockerfile (made only with the http transport)',
    requires: { transports: ['http'] },
};

export const ci: Integration = {
    id: 'ci',
    kind: 'feature',
    label: 'CI workflow',
    description: 'a GitHub Actions workflow: build, typecheck and test on Node 20, 22 and 24',
    switchFlag: 'ci',
    switchHelp: 'no GitHub Actions workflow',
};

export const agentsMd: Integration = {
    id: 'agentsMd',
    kind: 'feature',
    label: 'AGENTS.md',
    description: 'commands and conventions for coding agents and people',
    switchFlag: 'agents-md',
    switchHelp: 'no AGENTS.md',
};

export const clientConfigs: Integration = {
    id: 'clientConfigs',
    kind: 'feature',
    label: 'Client configurations',
    description: '.vscode/mcp.json and .cursor/mcp.json that run the local build',
    switchFlag: 'client-configs',
    switchHelp: 'no .vscode/mcp.json and .cursor/mcp.json',
    files: (_ctx, project) => {
        const client = { key: project.binName, stdio: project.stdio, env: project.env };
        return [
            { path: '.vscode/mcp.json', text: vscodeMcpJson(client) },
            { path: '.cursor/mcp.json', text: cursorMcpJson(client) },
        ];
    },
};

export const registry: Integration = {
    id: 'registry',
    kind: 'feature',
    label: 'MCP registry entry',
    description: 'server.json for the official MCP registry, and mcpName in package.json',
    switchFlag: 'registry',
    switchHelp: 'no server.json for the MCP registry (and no mcpName)',
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
            env: project.env,
        });
        return [{ path: 'server.json', text: `${JSON.stringify(server, null, 2)}\n` }];
    },
};
