/**
 * The small working examples a project gets when its spec describes no tool, resource or prompt.
 * They are real implementations (templates/integrations/examples/), contributed as spec items so
 * the generated tests and README cover them like any other item.
 */
import type { PromptSpec, ResourceSpec, ToolSpec } from '../shared/spec-types.js';
import type { Integration } from './types.js';

const exampleTools: ToolSpec[] = [
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

const exampleResources: ResourceSpec[] = [
    {
        name: 'about',
        uri: 'about://server',
        title: 'About this server',
        description: 'Name, version and description of this server (an example resource)',
        mimeType: 'application/json',
    },
];

const examplePrompts: PromptSpec[] = [
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

export const examples: Integration = {
    id: 'examples',
    kind: 'feature',
    label: 'Examples',
    description: 'a working example tool, resource and prompt, when the spec describes none',
    activeWhen: (spec) => spec.examples,
    items: [
        ...exampleTools.map((spec) => ({ kind: 'tool' as const, spec, template: `integrations/examples/tools/${spec.name}.ts.hbs` })),
        ...exampleResources.map((spec) => ({ kind: 'resource' as const, spec, template: `integrations/examples/resources/${spec.name}.ts.hbs` })),
        ...examplePrompts.map((spec) => ({ kind: 'prompt' as const, spec, template: `integrations/examples/prompts/${spec.name}.ts.hbs` })),
    ],
};
