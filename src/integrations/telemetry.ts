/**
 * OpenTelemetry for an HTTP server: a span per MCP request named and described by the semantic
 * conventions for MCP, and the mcp.server.operation.duration histogram, exported over OTLP
 * (http/protobuf or http/json) when OTEL_EXPORTER_OTLP_ENDPOINT is set. `src/telemetry.ts` imports the
 * SDK only then, so a server without it (and every stdio start) loads nothing of OpenTelemetry.
 */
import type { EnvVar, Integration } from './types.js';

const variable = (name: string, description: string, example: string): EnvVar => ({ name, description, example, required: false, secret: false });

export const telemetry: Integration = {
    id: 'telemetry',
    kind: 'system',
    label: 'OpenTelemetry',
    description: 'traces and metrics of every MCP request over OTLP, by the OpenTelemetry conventions for MCP',
    requires: { transports: ['http'] },
    dependencies: [
        '@opentelemetry/api',
        '@opentelemetry/sdk-trace-node',
        '@opentelemetry/sdk-metrics',
        '@opentelemetry/resources',
        '@opentelemetry/exporter-trace-otlp-http',
        '@opentelemetry/exporter-trace-otlp-proto',
        '@opentelemetry/exporter-metrics-otlp-http',
        '@opentelemetry/exporter-metrics-otlp-proto',
    ],
    env: ({ spec }) => [
        variable(
            'OTEL_EXPORTER_OTLP_ENDPOINT',
            'OpenTelemetry collector (OTLP over HTTP) receiving traces and metrics; unset: no telemetry',
            'http://127.0.0.1:4318',
        ),
        { ...variable('OTEL_EXPORTER_OTLP_PROTOCOL', 'OTLP encoding: http/protobuf or http/json', 'http/protobuf'), default: 'http/protobuf' },
        { ...variable('OTEL_EXPORTER_OTLP_HEADERS', 'Headers sent to the collector, such as authorization=Bearer%20<token>', ''), secret: true },
        { ...variable('OTEL_SERVICE_NAME', 'The service name traces and metrics carry', spec.name), default: spec.name },
        {
            ...variable(
                'OTEL_TRACES_SAMPLER',
                'Which traces are kept: parentbased_always_on, parentbased_traceidratio, always_off, …',
                'parentbased_traceidratio',
            ),
            default: 'parentbased_always_on',
        },
        variable('OTEL_TRACES_SAMPLER_ARG', 'The sampler ratio, from 0 to 1, for the traceidratio samplers', '0.1'),
        { ...variable('OTEL_METRIC_EXPORT_INTERVAL', 'Milliseconds between metric exports', '60000'), default: '60000' },
    ],
    lifecycle: { name: 'OpenTelemetry', module: 'telemetry', ping: false, close: true },
    readme: { operate: 'README.operate.md.hbs' },
    layout: [['src/telemetry.ts', 'OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (telemetry-sdk.ts: the SDK, loaded then)']],
};
