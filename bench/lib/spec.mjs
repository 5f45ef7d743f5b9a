/**
 * Synthetic spec files for the generation benchmarks: `tools` tools with a few typed parameters
 * each, plus a fixed handful of resources and prompts, so the per-tool cost is the only thing that
 * grows between two sizes.
 */

/** The parameters every synthetic tool takes; `query` is the only required one. */
const INPUT = {
    query: { type: 'string', description: 'What to look for' },
    limit: { type: 'integer', description: 'Max results', default: 10, minimum: 1, maximum: 100 },
    mode: { type: 'string', description: 'Search mode', enum: ['fast', 'full'], required: false },
    tags: { type: 'array', items: 'string', description: 'Filter by tags', required: false },
    exact: { type: 'boolean', description: 'Exact match only', required: false },
};

/** Arguments that satisfy INPUT, for `tools/call`. */
export const VALID_ARGUMENTS = { query: 'bench', limit: 5 };

/** A spec (as a plain object, written out as JSON) with `tools` tools, 10 resources and 5 prompts. */
export function syntheticSpec(tools) {
    const pad = (i) => String(i).padStart(4, '0');
    return {
        name: `bench-${tools}-tools`,
        description: `Benchmark server with ${tools} tools`,
        transports: ['stdio', 'http'],
        tools: Array.from({ length: tools }, (_, i) => ({
            name: `tool_${pad(i)}`,
            description: `Synthetic tool number ${i}`,
            annotations: { readOnlyHint: i % 2 === 0 },
            input: INPUT,
        })),
        resources: Array.from({ length: 10 }, (_, i) =>
            i % 2 === 0
                ? { name: `doc-${i}`, uri: `docs://doc-${i}`, description: `Static document ${i}`, mimeType: 'text/markdown' }
                : { name: `item-${i}`, uri: `items${i}://{id}`, description: `Item ${i} by id` },
        ),
        prompts: Array.from({ length: 5 }, (_, i) => ({
            name: `prompt_${i}`,
            description: `Synthetic prompt ${i}`,
            arguments: [{ name: 'topic', description: 'What it is about', required: true }],
        })),
    };
}
