/**
 * Registers the API's operations, in the mode `<PREFIX>_TOOL_MODE` names (default: the one chosen
 * when the project was generated):
 * - `operations`: one tool per operation;
 * - `search`: three tools that search the operations, describe one and call one (./search.ts), for
 *   APIs larger than a client takes.
 * `<PREFIX>_TOOLS` narrows the operations in both.
 *
 * Input and output schemas are the document's own, converted to JSON Schema and passed to the SDK
 * as they are (no zod round trip); each is compiled by the validator on the tool's first call, and an
 * operation's definition is read from the generated data only for the operations exposed, so a
 * server with ten thousand operations starts at once. Invalid input is refused before any request
 * is sent.
 */
import { fromJsonSchema } from '@modelcontextprotocol/server';
import type { Catalog } from '../catalog.js';
import { API } from './api.js';
import { baseUrl, callOperation, validator } from './client.js';
import { registerSearchTools } from './search.js';
import { exposedOperations, operation, operationInput } from './store.js';
import type { ToolMode } from './types.js';

/** The mode: `<PREFIX>_TOOL_MODE`, else the generated default. */
export function toolMode(): ToolMode {
    const mode = process.env[`${API.prefix}_TOOL_MODE`]?.trim().toLowerCase();
    if (mode === 'search' || mode === 'operations') return mode;
    if (mode)
        console.error(`[openapi] ${API.prefix}_TOOL_MODE is ${JSON.stringify(mode)}: expected operations or search; using ${API.mode}`);
    return API.mode;
}

/** Said once: the tools were registered without a base URL to call. */
let warned = false;

export function registerOpenApiTools(catalog: Catalog): void {
    const base = baseUrl();
    if ('problem' in base && !warned) {
        warned = true;
        console.error(`[openapi] ${base.problem}`);
    }
    const exposed = exposedOperations();
    if (toolMode() === 'search') {
        registerSearchTools(catalog, exposed);
        return;
    }
    for (const summary of exposed) {
        const op = operation(summary.name);
        const outlined = summary.outlined === true;
        catalog.registerTool(
            op.name,
            {
                title: op.title,
                description: outlined
                    ? `${op.description}\n\nIts input schema is shown in part: describe_operation gives the whole of it, and calls are checked against the whole.`
                    : op.description,
                inputSchema: operationInput(op, outlined),
                ...(op.outputSchema && { outputSchema: fromJsonSchema(op.outputSchema, validator) }),
                annotations: op.annotations,
            },
            (args) => callOperation(op, args),
        );
    }
    // Tools whose schema is shown in part point here for the rest.
    if (exposed.some((summary) => summary.outlined)) registerSearchTools(catalog, exposed, ['describe_operation']);
}
