/**
 * Streamable HTTP on node:http: the SDK's web-standard handler behind a DNS-rebinding guard
 * (Host and Origin checks), served at /mcp only.
 */
import { type Server, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
    hostHeaderValidation,
    localhostHostValidation,
    localhostOriginValidation,
    originValidation,
    toNodeHandler,
} from '@modelcontextprotocol/node';
import { type McpServerFactory, createMcpHandler } from '@modelcontextprotocol/server';

export interface HttpOptions {
    host: string;
    port: number;
    /**
     * Host names (without port) that clients may use in the Host and Origin headers.
     * Empty means localhost only.
     */
    allowedHosts: string[];
}

export interface RunningHttpServer {
    url: string;
    close: () => Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Reads HOST, PORT and ALLOWED_HOSTS; throws a one-line error for a bad value. */
export function httpOptionsFromEnv(env: NodeJS.ProcessEnv): HttpOptions {
    const host = env.HOST || '127.0.0.1';
    const port = Number(env.PORT || 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);
    }
    const allowedHosts = (env.ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean);
    if (!LOOPBACK.has(host) && allowedHosts.length === 0) {
        // Binding beyond loopback without a Host allow-list would disable DNS-rebinding protection.
        throw new Error(`HOST=${host} serves beyond this machine: set ALLOWED_HOSTS to the host names clients use`);
    }
    return { host, port, allowedHosts };
}

/** Starts the HTTP server; resolves once it listens. */
export async function serveHttp(factory: McpServerFactory, options: HttpOptions): Promise<RunningHttpServer> {
    const handler = createMcpHandler(factory, {
        // Rejected probes and malformed requests land here too: log the message, not a stack.
        onerror: (error) => console.error('[mcp]', error.message),
    });
    const handle = toNodeHandler(handler);
    const validateHost = options.allowedHosts.length > 0 ? hostHeaderValidation(options.allowedHosts) : localhostHostValidation();
    const validateOrigin = options.allowedHosts.length > 0 ? originValidation(options.allowedHosts) : localhostOriginValidation();

    const server: Server = createHttpServer((req, res) => {
        // Each guard answers 403 itself when it refuses the request.
        if (!validateHost(req, res) || !validateOrigin(req, res)) return;
        if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') {
            res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the MCP endpoint is /mcp');
            return;
        }
        void handle(req, res);
    });

    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;

    return {
        url: `http://${host}:${port}/mcp`,
        close: async () => {
            await handler.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
