/**
 * The Streamable HTTP transport: `src/http.ts` (loaded lazily by the entry) with its probes
 * (`/healthz`, `/readyz` over `src/lifecycle.ts`), drain on SIGTERM and rate limits
 * (`src/rate-limit.ts`), its tests, and the official
 * conformance suite run against the built server.
 */
import type { Integration } from './types.js';

export const http: Integration = {
    id: 'http',
    kind: 'transport',
    label: 'Streamable HTTP',
    description: 'Streamable HTTP on node:http at /mcp, with Host and Origin checks',
    dependencies: ['@modelcontextprotocol/node'],
    readme: { develop: 'README.develop.md.hbs', run: 'README.run.md.hbs', connect: 'README.connect.md.hbs', operate: 'README.operate.md' },
    layout: [
        ['src/http.ts', 'Streamable HTTP on node:http with Host/Origin checks, probes, the drain on SIGTERM, rate limits'],
        ['src/lifecycle.ts', 'the services /readyz pings and shutdown closes'],
        ['src/rate-limit.ts', "RATE_LIMIT and the tools' own limits"],
        ['conformance/', 'the conformance baseline and Node 20 shim (npm run conformance runs the suite)'],
    ],
    env: [
        {
            name: 'HTTP_REQUEST_TIMEOUT_MS',
            description: 'HTTP: the whole request (headers and body) must arrive within this many milliseconds',
            example: '30000',
            required: false,
            secret: false,
            default: '30000',
        },
        {
            name: 'HTTP_HEADERS_TIMEOUT_MS',
            description: 'HTTP: the request headers must arrive within this many milliseconds',
            example: '10000',
            required: false,
            secret: false,
            default: '10000',
        },
        {
            name: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
            description: 'HTTP: an idle keep-alive connection is closed after this many milliseconds',
            example: '5000',
            required: false,
            secret: false,
            default: '5000',
        },
        {
            name: 'SHUTDOWN_TIMEOUT_MS',
            description: 'HTTP: on SIGTERM, requests in flight may finish for this many milliseconds before they are stopped',
            example: '10000',
            required: false,
            secret: false,
            default: '10000',
        },
        {
            name: 'RATE_LIMIT',
            description: 'HTTP: requests per caller (token subject, else client address), such as 10/minute, 5/second or 1000/hour (unset: no limit)',
            example: '600/minute',
            required: false,
            secret: false,
        },
        {
            name: 'TRUSTED_PROXIES',
            description: 'HTTP: proxies whose X-Forwarded-For header names the client (addresses or ranges such as 10.0.0.0/8)',
            example: '10.0.0.0/8',
            required: false,
            secret: false,
        },
    ],
    scripts: ({ spec }) => ({
        ...(spec.transports.includes('stdio') && { 'start:http': 'node dist/index.js --http' }),
        conformance: 'node scripts/conformance.mjs',
    }),
};
