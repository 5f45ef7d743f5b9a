/**
 * A REST API described by OpenAPI (Swagger 2.0, OpenAPI 3.0 or 3.1): one tool per operation, each
 * calling the real API with native fetch. The document is read by the prepare step, copied into
 * the project as openapi.json and recorded in mcp-server.yaml, so running the generator again over
 * the project regenerates the tools.
 *
 * Everything else lives under src/openapi/, loaded on demand by the prepare step: commands and
 * projects without this system never load the YAML reader or the schema conversion.
 */
import type { OpenApiContribution } from './openapi/project.js';
import type { Integration, IntegrationContext } from './types.js';

/** What the prepare step handed over (nothing before it ran: spec validation, the wizard's summary). */
const contribution = (ctx: IntegrationContext): OpenApiContribution | undefined =>
    (ctx.prepared as { contribution?: OpenApiContribution } | undefined)?.contribution;

export const openapi: Integration = {
    id: 'openapi',
    kind: 'system',
    label: 'OpenAPI',
    description: 'a REST API described by OpenAPI: one tool per operation, calling the API (native fetch)',
    options: {
        document: {
            type: 'string',
            flag: 'openapi',
            placeholder: 'file-or-url',
            required: true,
            description: 'the API description: a JSON or YAML file, or an http(s) URL',
            // The wizard reads it at once: its operations and tags are shown before the filter questions.
            inspect: async (value, io) => (await import('./openapi/prepare.js')).inspectDocument(String(value), io),
        },
        tags: { type: 'list', flag: 'openapi-tags', default: [], description: 'Only operations with one of these tags (empty: all)' },
        include: {
            type: 'list',
            flag: 'openapi-include',
            default: [],
            description: 'Only operations whose operationId or path matches one of these globs (empty: all)',
        },
        exclude: {
            type: 'list',
            flag: 'openapi-exclude',
            default: [],
            description: 'Leave out operations whose operationId or path matches one of these globs',
        },
        readOnly: { type: 'boolean', flag: 'openapi-read-only', default: false, description: 'Only read-only operations (GET and HEAD)' },
        mode: {
            type: 'enum',
            flag: 'openapi-mode',
            values: ['operations', 'search'],
            // Not asked: the CLI suggests it when the operations are more than clients take.
            ask: false,
            default: 'operations',
            description:
                'How the server offers the operations: one tool each, or (for large APIs) three tools that search, describe and call them; <PREFIX>_TOOL_MODE switches at run time',
        },
        envPrefix: {
            type: 'string',
            flag: 'openapi-env-prefix',
            ask: false,
            placeholder: 'prefix',
            description: "Prefix of the server's environment variables (default: from the document's title)",
        },
    },
    prepare: async (options, io) => (await import('./openapi/prepare.js')).prepareOpenApi(options, io),
    // The copy in the project is what a re-run reads.
    savedOptions: () => ({ document: 'openapi.json' }),
    view: (ctx) => contribution(ctx)?.view(ctx) ?? {},
    env: (ctx) => contribution(ctx)?.env(ctx) ?? [],
    items: (ctx) => contribution(ctx)?.items(ctx) ?? [],
    notes: (ctx) => contribution(ctx)?.notes(ctx) ?? [],
    files: (ctx) => contribution(ctx)?.files(ctx) ?? [],
    readme: { exposes: 'README.section.md.hbs' },
    layout: [
        ['openapi.json', 'the OpenAPI document, as generated from (regenerate after replacing it)'],
        ['src/openapi/', 'the API: calls (client.ts), tools and search mode, the data store'],
        ['src/openapi/data/', 'the operations and their schemas, generated data the server reads as needed'],
    ],
};
