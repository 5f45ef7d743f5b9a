/**
 * Registers one tool per API operation, from the generated table (./operations.ts).
 *
 * Input and output schemas are the document's own, converted to JSON Schema and passed to the SDK
 * as they are (no zod round trip); each is compiled by the validator on the tool's first call, so a
 * server with a thousand operations starts at once. Invalid input is refused before any request is
 * sent.
 */
import { fromJsonSchema } from '@modelcontextprotocol/server';
import type { Catalog } from '../catalog.js';
import { API } from './api.js';
import { baseUrl, callOperation, validator } from './client.js';
import { OPERATIONS } from './operations.js';

/** `*` matches any run of characters, `?` one; everything else literally. */
function globPattern(glob: string): RegExp {
    const source = glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${source}$`);
}

/**
 * `<PREFIX>_TOOLS`, read when the tools are registered (as the server starts), narrows the tools exposed: a comma list of tool names, `*` matching
 * any run of characters (`repos_*,issues_get`). Unset: every generated tool.
 */
export function exposedTools(): (name: string) => boolean {
    const list = process.env[`${API.prefix}_TOOLS`]?.trim();
    if (!list) return () => true;
    const patterns = list
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .map(globPattern);
    return (name) => patterns.some((p) => p.test(name));
}

/** Said once: the tools were registered without a base URL to call. */
let warned = false;

export function registerOpenApiTools(catalog: Catalog): void {
    const base = baseUrl();
    if ('problem' in base && !warned) {
        warned = true;
        console.error(`[openapi] ${base.problem}`);
    }
    const exposed = exposedTools();
    for (const operation of OPERATIONS) {
        if (!exposed(operation.name)) continue;
        catalog.registerTool(
            operation.name,
            {
                title: operation.title,
                description: operation.description,
                inputSchema: fromJsonSchema<Record<string, unknown>>(operation.inputSchema, validator),
                ...(operation.outputSchema && { outputSchema: fromJsonSchema(operation.outputSchema, validator) }),
                annotations: operation.annotations,
            },
            (args) => callOperation(operation, args),
        );
    }
}
