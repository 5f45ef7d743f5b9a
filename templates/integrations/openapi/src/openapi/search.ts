/**
 * Search mode (`<PREFIX>_TOOL_MODE=search`): three tools in place of one per operation, for APIs
 * larger than a client takes (Cursor 40 tools, Windsurf 100, VS Code 128):
 * - `search_operations` finds operations by words, tag, method or path, from the index the server
 *   starts with;
 * - `describe_operation` gives one operation's description and whole input schema;
 * - `call_operation` calls one, its arguments checked against that schema first.
 * Only the operations `<PREFIX>_TOOLS` keeps are found, described and called.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { Catalog } from '../catalog.js';
import { API } from './api.js';
import { callOperation } from './client.js';
import { inputSchema, operation, operationInput } from './store.js';
import type { Operation, OperationSummary } from './types.js';

export const SEARCH_TOOLS = ['search_operations', 'describe_operation', 'call_operation'] as const;

const text = (value: string, isError?: boolean): CallToolResult => ({
    content: [{ type: 'text', text: value }],
    ...(isError && { isError }),
});

/** One operation as a line of a search answer. */
const line = (op: OperationSummary): string =>
    `- ${op.name}: ${op.method} ${op.path}${op.title !== op.name ? ` (${op.title})` : ''}${op.tags.length > 0 ? ` [${op.tags.join(', ')}]` : ''}`;

/** How well an operation matches the words (0: some word is missing). */
function score(op: OperationSummary, words: string[]): number {
    const name = op.name.toLowerCase();
    const title = op.title.toLowerCase();
    const path = op.path.toLowerCase();
    const tags = op.tags.map((t) => t.toLowerCase());
    let total = 1;
    for (const word of words) {
        const found =
            (name.includes(word) ? 3 : 0) +
            (title.includes(word) ? 2 : 0) +
            (path.includes(word) ? 2 : 0) +
            (tags.some((t) => t.includes(word)) ? 1 : 0);
        if (found === 0) return 0;
        total += found;
    }
    return total;
}

/**
 * Whether a path contains the pattern, where `*` matches any run of characters and everything else
 * matches itself, ignoring case. The pieces between stars are found in order, each at its first place
 * after the last: that is a match whenever one exists, and takes time linear in the path per piece, so
 * no pattern (a caller writes it) can make the server backtrack.
 */
function pathMatcher(pattern: string): (path: string) => boolean {
    const pieces = pattern.trim().toLowerCase().split('*').filter(Boolean);
    return (path) => {
        const lower = path.toLowerCase();
        let from = 0;
        for (const piece of pieces) {
            const at = lower.indexOf(piece, from);
            if (at < 0) return false;
            from = at + piece.length;
        }
        return true;
    };
}

/** Registers the search tools (or only those named in `only`) over the operations exposed. */
export function registerSearchTools(catalog: Catalog, exposed: OperationSummary[], only: readonly string[] = SEARCH_TOOLS): void {
    const byName = new Map(exposed.map((op) => [op.name, op]));
    const inputs = new Map<string, ReturnType<typeof operationInput>>();
    const find = (name: string): Operation | CallToolResult => {
        if (!byName.has(name)) {
            return text(
                `No operation is named ${JSON.stringify(name)} here: search_operations finds the names of the operations of ${API.title}.`,
                true,
            );
        }
        return operation(name);
    };

    if (only.includes('search_operations')) {
        catalog.registerTool(
            'search_operations',
            {
                title: `Search the operations of ${API.title}`,
                description:
                    `Find operations of ${API.title} (${exposed.length} in all) by words, tag, method or path. Answers their names, ` +
                    "methods, paths and summaries; describe_operation then gives one's input, and call_operation calls it.",
                inputSchema: z.object({
                    query: z
                        .string()
                        .max(500)
                        .optional()
                        .describe('Words that must all appear in the name, summary, path or tags (any case)'),
                    tag: z.string().max(200).optional().describe('Only operations with this tag (any case)'),
                    method: z.string().max(10).optional().describe('Only operations of this HTTP method, e.g. GET'),
                    path: z.string().max(500).optional().describe('Only operations whose path contains this; * matches any characters'),
                    limit: z.number().int().min(1).max(100).default(20).describe('Most operations to answer'),
                    offset: z.number().int().min(0).default(0).describe('How many matches to skip, to page through them'),
                }),
                annotations: { readOnlyHint: true, openWorldHint: false },
            },
            ({ query, tag, method, path, limit, offset }) => {
                const words = (query ?? '')
                    .toLowerCase()
                    .split(/[^\p{L}\p{N}]+/u)
                    .filter(Boolean);
                const inPath = path ? pathMatcher(path) : () => true;
                const matches = exposed
                    .map((op, index) => ({ op, index, score: score(op, words) }))
                    .filter(
                        ({ op, score }) =>
                            score > 0 &&
                            (!tag || op.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) &&
                            (!method || op.method === method.toUpperCase()) &&
                            inPath(op.path),
                    )
                    .sort((a, b) => b.score - a.score || a.index - b.index);
                if (matches.length === 0) return text('No operation matches. Try fewer or other words, or no filter at all.');
                const page = matches.slice(offset, offset + limit);
                const more =
                    offset + page.length < matches.length
                        ? `\n\n${matches.length - offset - page.length} more: ask again with offset ${offset + page.length}.`
                        : '';
                return text(
                    `${matches.length} operation${matches.length === 1 ? '' : 's'} match:\n${page.map(({ op }) => line(op)).join('\n')}${more}`,
                );
            },
        );
    }

    if (only.includes('describe_operation')) {
        catalog.registerTool(
            'describe_operation',
            {
                title: 'Describe an operation',
                description: `The description, method, path and whole input schema (JSON Schema) of one operation of ${API.title}, by name.`,
                inputSchema: z.object({ name: z.string().min(1).max(200).describe('The operation, as search_operations names it') }),
                annotations: { readOnlyHint: true, openWorldHint: false },
            },
            ({ name }) => {
                const op = find(name);
                if ('content' in op) return op;
                const credentials =
                    op.security.length > 0 ? `\nCredentials: ${op.security.map((set) => set.join(' and ')).join(', or ')}` : '';
                return text(
                    `${op.name}: ${op.method} ${op.path}${credentials}\n\n${op.description}\n\nInput (JSON Schema):\n${JSON.stringify(inputSchema(op))}`,
                );
            },
        );
    }

    if (only.includes('call_operation')) {
        catalog.registerTool(
            'call_operation',
            {
                title: `Call an operation of ${API.title}`,
                description: 'Call one operation by name with its arguments, which must match the input schema describe_operation gives.',
                inputSchema: z.object({
                    name: z.string().min(1).max(200).describe('The operation, as search_operations names it'),
                    arguments: z.record(z.string(), z.unknown()).default({}).describe('Its arguments, as its input schema describes them'),
                }),
                annotations: { openWorldHint: true },
            },
            async ({ name, arguments: args }) => {
                const op = find(name);
                if ('content' in op) return op;
                let input = inputs.get(name);
                if (!input) {
                    input = operationInput(op, false);
                    inputs.set(name, input);
                }
                const checked = await input['~standard'].validate(args);
                if (checked.issues) {
                    const issues = checked.issues.map(
                        ({ path, message }) =>
                            `${(path ?? []).map((p) => (typeof p === 'object' ? p.key : p)).join('.') || '(input)'}: ${message}`,
                    );
                    return text(
                        `Invalid arguments for ${name}: ${issues.join('; ')}. describe_operation ${name} gives its input schema.`,
                        true,
                    );
                }
                return callOperation(op, checked.value);
            },
        );
    }
}
