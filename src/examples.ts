/**
 * The small working examples a project gets when its spec describes no tool, resource or prompt.
 * They are real implementations (templates/examples/), listed here as spec items so the
 * generated tests and README cover them like any other item.
 */
import type { PromptSpec, ResourceSpec, ToolSpec } from './spec.js';

export const exampleTools: ToolSpec[] = [
    {
        name: 'add',
        title: 'Add numbers',
        description: 'Add two numbers (an example tool: replace it with your own)',
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        input: {
            a: { type: 'number', description: 'First addend', required: true },
            b: { type: 'number', description: 'Second addend', required: true },
        },
    },
];

export const exampleResources: ResourceSpec[] = [
    {
        name: 'about',
        uri: 'about://server',
        title: 'About this server',
        description: 'Name, version and description of this server (an example resource)',
        mimeType: 'application/json',
    },
];

export const examplePrompts: PromptSpec[] = [
    {
        name: 'summarize',
        title: 'Summarize text',
        description: 'Ask for a summary of a text in a given style (an example prompt)',
        arguments: [
            { name: 'text', description: 'The text to summarize', required: true },
            { name: 'style', description: 'bullets, paragraph or tweet (default: bullets)', required: false },
        ],
    },
];

/** Kind and name of every example, for name-clash checks. */
export const exampleItems = [
    ...exampleTools.map((t) => ({ kind: 'tool' as const, name: t.name })),
    ...exampleResources.map((r) => ({ kind: 'resource' as const, name: r.name })),
    ...examplePrompts.map((p) => ({ kind: 'prompt' as const, name: p.name })),
];
