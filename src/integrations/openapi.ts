/**
 * A REST API described by OpenAPI (Swagger 2.0, OpenAPI 3.0 or 3.1): one tool per operation, each
 * calling the real API with native fetch. The document is read by the prepare step (loaded on
 * demand), copied into the project as openapi.json and recorded in mcp-server.yaml, so running
 * the generator again over the project regenerates the tools.
 */
import { DOCUMENT_FILE, type OpenApiPrepared, apiFile, openApiEnv, openApiNotes, operationsFile, toolTable } from '../openapi/project.js';
import type { Integration } from './types.js';

export const openapi: Integration = {
    id: 'openapi',
    kind: 'system',
    label: 'OpenAPI',
    description: 'a REST API described by OpenAPI: one tool per operation, calling the API (native fetch)',
    options: {
        document: { type: 'string', flag: 'openapi', required: true, description: 'OpenAPI document: a JSON or YAML file, or an http(s) URL' },
        tags: { type: 'list', flag: 'openapi-tags', default: [], description: 'Only operations with one of these tags (empty: all)' },
        include: { type: 'list', flag: 'openapi-include', default: [], description: 'Only operations whose operationId or path matches one of these globs (empty: all)' },
        exclude: { type: 'list', flag: 'openapi-exclude', default: [], description: 'Leave out operations whose operationId or path matches one of these globs' },
        readOnly: { type: 'boolean', flag: 'openapi-read-only', default: false, description: 'Only read-only operations (GET and HEAD)' },
        envPrefix: { type: 'string', flag: 'openapi-env-prefix', ask: false, description: "Prefix of the server's environment variables (default: from the document's title)" },
    },
    prepare: async (options, io) => (await import('../openapi/prepare.js')).prepareOpenApi(options, io),
    // The copy in the project is what a re-run reads.
    savedOptions: () => ({ document: DOCUMENT_FILE }),
    env: (ctx) => {
        const table = toolTable(ctx);
        return table ? openApiEnv(table) : [];
    },
    items: (ctx) => {
        const table = toolTable(ctx);
        if (!table) return [];
        return [{ kind: 'tool', name: 'openapi', module: 'openapi/tools', register: 'registerOpenApiTools', names: table.tools.map((t) => t.name) }];
    },
    notes: (ctx) => {
        const table = toolTable(ctx);
        return table ? openApiNotes(table, (ctx.prepared as OpenApiPrepared).previous) : [];
    },
    files: (ctx) => {
        const table = toolTable(ctx);
        if (!table) return [];
        const prepared = ctx.prepared as OpenApiPrepared;
        return [
            { path: DOCUMENT_FILE, text: `${JSON.stringify(prepared.api.document, null, 2)}\n` },
            { path: 'src/openapi/api.ts', text: apiFile(table) },
            { path: 'src/openapi/operations.ts', text: operationsFile(table) },
        ];
    },
    readmeSection: 'README.section.md',
};
