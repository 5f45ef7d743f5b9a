/**
 * The OpenTelemetry SDK, in a module of its own: `./telemetry.ts` loads it only when telemetry is on.
 * (A bundle splits a CommonJS package loaded with `import()` into a chunk that exports it as
 * `default` only; imported here, statically, their named exports stay as they are.)
 */
export * as api from '@opentelemetry/api';
export { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
export { OTLPMetricExporter as OTLPMetricExporterProtobuf } from '@opentelemetry/exporter-metrics-otlp-proto';
export { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
export { OTLPTraceExporter as OTLPTraceExporterProtobuf } from '@opentelemetry/exporter-trace-otlp-proto';
export { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
export { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
export { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
