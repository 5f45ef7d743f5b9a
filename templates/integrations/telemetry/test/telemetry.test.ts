/**
 * OpenTelemetry over a collector this test runs on loopback (OTLP over HTTP, JSON): one span per MCP
 * request, named and described by the conventions for MCP, with the caller's trace as parent (from
 * the traceparent header, or from the request's _meta), error.type on failures, and the duration
 * histogram; nothing starts without OTEL_EXPORTER_OTLP_ENDPOINT, and bad settings are one-line errors.
 */
import { type Server, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type RunningHttpServer, serveHttp } from '../src/http.js';
import { close, startTelemetry } from '../src/telemetry.js';

interface Span {
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    name: string;
    kind: number;
    attributes: { key: string; value: Record<string, unknown> }[];
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';
const META_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const META_PARENT = '00f067aa0ba902b7';

/** Receives OTLP/JSON exports, as a collector would, and keeps what arrived by path. */
function collector() {
    const received: Record<string, unknown[]> = {};
    const server: Server = createHttpServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
            const path = req.url ?? '';
            received[path] = [...(received[path] ?? []), JSON.parse(body)];
            res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
    });
    return { server, received };
}

const attribute = (span: Span | undefined, key: string) => Object.values(span?.attributes.find((a) => a.key === key)?.value ?? {})[0];

describe('without a collector', () => {
    it('starts nothing', async () => {
        const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
        delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
        expect(await startTelemetry()).toBeUndefined();
        if (saved !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    });
});

describe('with a collector (OTLP over HTTP, JSON)', () => {
    const { server: receiver, received } = collector();
    let mcp: RunningHttpServer;
    let spans: Span[] = [];

    beforeAll(async () => {
        await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
        const { port } = receiver.address() as AddressInfo;
        Object.assign(process.env, {
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
            OTEL_SERVICE_NAME: 'telemetry-test',
        });
        for (const [name, value] of [
            ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
            ['OTEL_TRACES_EXPORTER', 'console'],
            ['OTEL_METRIC_EXPORT_INTERVAL', 'often'],
        ]) {
            const saved = process.env[name];
            process.env[name] = value;
            await expect(startTelemetry()).rejects.toThrow(name);
            if (saved === undefined) delete process.env[name];
            else process.env[name] = saved;
        }

        const observer = await startTelemetry();
        const factory = () => {
            const server = new McpServer({ name: 'traced', version: '1.0.0' });
            server.registerTool(
                'echo',
                { description: 'Echo', inputSchema: z.object({ fail: z.boolean().default(false) }) },
                async ({ fail }) => ({
                    content: [{ type: 'text', text: fail ? 'failed' : 'ok' }],
                    isError: fail,
                }),
            );
            return server;
        };
        mcp = await serveHttp(factory, { host: '127.0.0.1', port: 0, allowedHosts: [], observer });

        const client = new Client({ name: 'test', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
        await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url)));
        await client.callTool({ name: 'echo', arguments: {} });
        await client.callTool({ name: 'echo', arguments: { fail: true } });
        await expect(client.callTool({ name: 'missing', arguments: {} })).rejects.toThrow();
        await client.close();

        /** A raw JSON-RPC request with a traceparent header and, optionally, one in _meta. */
        const traced = (id: number, meta?: Record<string, string>) =>
            fetch(mcp.url, {
                method: 'POST',
                headers: {
                    'content-type': 'application/json',
                    accept: 'application/json, text/event-stream',
                    traceparent: `00-${TRACE}-${PARENT}-01`,
                },
                body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params: meta ? { _meta: meta } : {} }),
            }).then((response) => response.text());
        await traced(101);
        await traced(102, { traceparent: `00-${META_TRACE}-${META_PARENT}-01` });

        await mcp.close();
        // Flushes what is buffered, as shutdown does.
        await close();
        spans = (received['/v1/traces'] ?? []).flatMap((body) =>
            (body as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] }).resourceSpans.flatMap((r) =>
                r.scopeSpans.flatMap((s) => s.spans),
            ),
        );
    });

    afterAll(async () => {
        await new Promise((resolve) => receiver.close(resolve));
    });

    it('names each request’s span by method and tool, as a server span with the MCP attributes', () => {
        const calls = spans.filter((span) => span.name === 'tools/call echo');
        expect(calls).toHaveLength(2);
        for (const span of calls) {
            expect(span.kind).toBe(2); // SERVER
            expect(attribute(span, 'mcp.method.name')).toBe('tools/call');
            expect(attribute(span, 'gen_ai.tool.name')).toBe('echo');
            expect(attribute(span, 'jsonrpc.request.id')).toEqual(expect.any(String));
        }
        expect(spans.map((span) => span.name)).toContain('initialize');
    });

    it('marks failures with error.type: a tool result with isError, a JSON-RPC error', () => {
        const [ok, failed] = spans.filter((span) => span.name === 'tools/call echo');
        expect(ok).toBeDefined();
        expect(attribute(ok, 'error.type')).toBeUndefined();
        expect(attribute(failed, 'error.type')).toBe('tool_error');
        const missing = spans.find((span) => span.name === 'tools/call missing');
        expect(attribute(missing, 'error.type')).toMatch(/^-32\d{3}$/);
    });

    it('continues the caller’s trace: the traceparent header, or the request’s own _meta first', () => {
        const fromHeader = spans.find((span) => attribute(span, 'jsonrpc.request.id') === '101');
        expect(fromHeader).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, name: 'tools/list' });
        const fromMeta = spans.find((span) => attribute(span, 'jsonrpc.request.id') === '102');
        expect(fromMeta).toMatchObject({ traceId: META_TRACE, parentSpanId: META_PARENT });
    });

    it('records the duration histogram and names the service', () => {
        const exports = JSON.stringify(received['/v1/metrics'] ?? []);
        expect(exports).toContain('"mcp.server.operation.duration"');
        expect(JSON.stringify(received['/v1/traces'])).toContain('"telemetry-test"');
    });
});
