/**
 * Parts around the server made from a template folder each, on unless switched off
 * (`features: { <id>: false }` in the spec, `--no-<flag>`): a Dockerfile, a CI workflow, AGENTS.md.
 * The client configurations and the MCP registry entry are built as data (client-configs.ts, registry.ts).
 */
import type { Integration } from './types.js';

export const docker: Integration = {
    id: 'docker',
    kind: 'feature',
    label: 'Dockerfile',
    description: 'a multi-stage Dockerfile serving HTTP (made only with the http transport)',
    switchFlag: 'docker',
    switchHelp: 'no Dockerfile (made only with the http transport)',
    requires: { transports: ['http'] },
    readme: { operate: 'README.operate.md.hbs' },
    layout: [['Dockerfile', 'the HTTP server as a container image (.dockerignore beside it)']],
};

export const ci: Integration = {
    id: 'ci',
    kind: 'feature',
    label: 'CI workflow',
    description: 'a GitHub Actions workflow: build, typecheck and test on Node 20, 22 and 24',
    switchFlag: 'ci',
    switchHelp: 'no GitHub Actions workflow',
    readme: { operate: 'README.operate.md.hbs' },
    layout: [['.github/', 'the CI workflow']],
};

export const agentsMd: Integration = {
    id: 'agentsMd',
    kind: 'feature',
    label: 'AGENTS.md',
    description: 'commands and conventions for coding agents and people',
    switchFlag: 'agents-md',
    switchHelp: 'no AGENTS.md',
    layout: [['AGENTS.md', 'how to work on this project, for coding agents and people']],
};
