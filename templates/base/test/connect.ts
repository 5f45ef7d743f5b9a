/**
 * Connects a real MCP client to the server, without spawning a process:
 * - in memory, in the 2025 protocol era (initialize handshake);
 * - through the in-process Streamable HTTP handler, in the 2026-07-28 era (server/discover).
 */
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { createServer } from '../src/server.js';

export interface Connection {
    client: Client;
    close: () => Promise<void>;
}

export async function connectInMemory(): Promise<Connection> {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const server = createServer();
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    return {
        client,
        close: async () => {
            await client.close();
            await server.close();
        },
    };
}

export async function connectOverHttp(): Promise<Connection> {
    const handler = createMcpHandler(createServer);
    const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: (url, init) => handler.fetch(new Request(url, init)),
    });
    const client = new Client({ name: 'test-client', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    return {
        client,
        close: async () => {
            await client.close();
            await handler.close();
        },
    };
}
