/**
 * Dependency ranges written into generated projects: the one place to move the SDK line.
 * Each was installed and run together on Node 20.20, 22 and 24 (see README, "Versions").
 */
export const versions = {
    '@modelcontextprotocol/server': '^2.4.0',
    '@modelcontextprotocol/node': '^2.1.2',
    '@modelcontextprotocol/client': '^2.4.0',
    zod: '^4.6.7',
    // JWT and JWKS verification in generated servers' jwt mode (RFC 7515, 7517, 8725); ESM, so Node 20 runs it.
    jose: '^6.2.19',
    // The native compiler (tsgo); it runs on Node 20.
    typescript: '^7.0.2',
    // Exact: a formatter's output may change in any release, and `npm run check` must not.
    '@biomejs/biome': '2.6.8',
    esbuild: '^0.28.2',
    '@types/node': '^20.19.0',
    vitest: '^4.1.12',
    // vitest's bundler, held below 8.4.0: that release lists an optional dependency the npm registry
    // does not serve, so npm leaves it out of package-lock.json and `npm ci` then refuses the lockfile.
    vite: '~8.3.8',
    pg: '^8.23.1',
    'pg-cursor': '^2.22.0',
    '@types/pg': '^8.23.1',
    '@types/pg-cursor': '^2.7.2',
    // The other SQL systems: MySQL/MariaDB, and SQLite as WebAssembly (no native build at install).
    mysql2: '^3.24.6',
    'sql.js': '^1.17.0',
    '@types/sql.js': '^1.4.11',
    // MCP Apps (tools with a view): the views' App class, and the AppBridge their browser test hosts them with.
    '@modelcontextprotocol/ext-apps': '^2.0.4',
    // Drives the system's Chromium in the views' browser test (it downloads no browser). Exact: each
    // release speaks the DevTools protocol of the Chromium it was made with.
    'playwright-core': '1.65.2',
    // Redis (node-redis without its module extensions), for limits and notifications shared by instances.
    '@redis/client': '^6.4.0',
    // OpenTelemetry: the API, and the SDK packages released together as one set (moved together,
    // exact). The 2.x/0.2xx line runs on Node 20; the next one (3.x/0.3xx) needs Node 22.15.
    '@opentelemetry/api': '^1.9.1',
    '@opentelemetry/sdk-trace-node': '2.12.0',
    '@opentelemetry/sdk-metrics': '2.12.0',
    '@opentelemetry/resources': '2.12.0',
    '@opentelemetry/exporter-trace-otlp-http': '0.223.0',
    '@opentelemetry/exporter-trace-otlp-proto': '0.223.0',
    '@opentelemetry/exporter-metrics-otlp-http': '0.223.0',
    '@opentelemetry/exporter-metrics-otlp-proto': '0.223.0',
} as const;

export type PackageName = keyof typeof versions;

/** `{ name: range }` for the given packages, sorted by name as npm writes them. */
export function pick(names: PackageName[]): Record<string, string> {
    return Object.fromEntries([...names].sort().map((n) => [n, versions[n]]));
}
