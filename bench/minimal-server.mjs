/**
 * The floor for any stdio server on SDK v2: one tool, nothing else. The bench copies this file
 * into a generated project at run time so that its imports resolve from that project's node_modules.
 */
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

function createServer() {
    const server = new McpServer({ name: 'minimal', version: '1.0.0' });
    server.registerTool('echo', { description: 'Echo the text back', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
        content: [{ type: 'text', text }],
    }));
    return server;
}

serveStdio(createServer);
