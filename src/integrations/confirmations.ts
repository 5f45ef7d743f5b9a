import type { EnvVar, Integration } from './types.js';

/**
 * The secret that signs what a confirmation question carries to its answer (the protocol's
 * `requestState`). An integration whose own tools confirm lists it in its `env` too.
 */
export const REQUEST_STATE_SECRET: EnvVar = {
    name: 'MCP_REQUEST_STATE_SECRET',
    description:
        'Signs the state of confirmation questions (at least 32 bytes): the same value on every instance, so an answer may reach any of them; unset, a random key of each process',
    example: '',
    required: false,
    secret: true,
};

/** Tools that ask the user before they act (`confirm` in the spec). */
export const confirmations: Integration = {
    id: 'confirmations',
    label: 'Confirmations',
    description: 'Tools that ask the user to confirm before they act',
    kind: 'feature',
    activeWhen: (spec) => spec.tools.some((tool) => tool.confirm !== undefined),
    env: [REQUEST_STATE_SECRET],
    readme: { operate: 'README.operate.md.hbs' },
};
