#!/usr/bin/env node
/**
 * Calls one tool of the built server, headless:
 *
 *   npm run call -- <tool> ['<json arguments>']      (bundles first; `node scripts/call.mjs` calls dist/ as it is)
 *
 * Prints the result's text (and its structured content, when there is one) on stdout, the server's
 * logs on stderr. Exits 0 on success, 1 when the result is an error, 2 on bad arguments (invalid
 * JSON, an unknown tool, arguments the tool's input schema refuses), printing what is expected.
 * The server runs in this process (dist/server.js, connected in memory): no transport, no authorization.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';

const entry = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const [name, json = '{}', ...extra] = process.argv.slice(2);

/** Prints `text` on stdout (or stderr), then exits with `code` once it is written. */
function exit(code, text = '', stream = process.stdout) {
    stream.write(text === '' || text.endsWith('\n') ? text : `${text}\n`, () => process.exit(code));
}

if (!existsSync(entry)) exit(1, 'dist/server.js is missing: run `npm run build` first (`npm run call` does)', process.stderr);
else await main();

async function main() {
    const { createServer } = await import(entry);
    const client = new Client({ name: 'npm-run-call', version: '1.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createServer().connect(serverSide);
    await client.connect(clientSide);
    // What the tool logs goes to stderr, with its level.
    client.setNotificationHandler('notifications/message', ({ params }) => {
        process.stderr.write(`[${params.level}] ${typeof params.data === 'string' ? params.data : JSON.stringify(params.data)}\n`);
    });
    if (client.getServerCapabilities()?.logging) await client.setLoggingLevel('debug');

    const tools = [];
    let cursor;
    do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        tools.push(...page.tools);
        cursor = page.nextCursor;
    } while (cursor !== undefined);
    const names = tools.map((t) => t.name).join(', ') || '(none)';

    if (name === undefined || extra.length > 0) {
        return exit(2, `usage: npm run call -- <tool> '<json arguments>'\ntools: ${names}`, process.stderr);
    }
    const tool = tools.find((t) => t.name === name);
    if (!tool) return exit(2, `unknown tool "${name}"; the tools are: ${names}`, process.stderr);
    const usage = `input schema of "${name}":\n${JSON.stringify(tool.inputSchema, null, 2)}`;

    let args;
    try {
        args = JSON.parse(json);
    } catch (error) {
        return exit(2, `the arguments are not valid JSON (${error.message}): ${json}\n${usage}`, process.stderr);
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
        return exit(2, `the arguments must be a JSON object, got: ${json}\n${usage}`, process.stderr);
    }
    const check = new AjvJsonSchemaValidator().getValidator(tool.inputSchema)(args);
    if (!check.valid) return exit(2, `the arguments do not match the input schema: ${check.errorMessage}\n${usage}`, process.stderr);

    let result;
    try {
        result = await client.callTool({ name, arguments: args });
    } catch (error) {
        return exit(1, `the call failed: ${error.message}`, process.stderr);
    }
    const text = result.content.map(describe).join('\n');
    const structured =
        result.structuredContent === undefined ? '' : `\nstructured content:\n${JSON.stringify(result.structuredContent, null, 2)}`;
    exit(result.isError ? 1 : 0, text + structured);
}

/** One content block as text: text as it is, anything else named with its type. */
function describe(block) {
    switch (block.type) {
        case 'text':
            return block.text;
        case 'image':
        case 'audio':
            return `[${block.type}: ${block.mimeType}, ${Math.round((block.data.length * 3) / 4)} bytes]`;
        case 'resource_link':
            return `[resource link: ${block.uri}]`;
        case 'resource':
            return block.resource.text ?? `[resource: ${block.resource.uri}, ${block.resource.mimeType ?? 'binary'}]`;
        default:
            return `[${block.type}]`;
    }
}
