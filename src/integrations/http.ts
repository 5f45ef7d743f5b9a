/**
 * The Streamable HTTP transport: `src/http.ts` (loaded lazily by the entry), its tests, and the
 * official conformance suite run against the built server.
 */
import type { Integration } from './types.js';

export const http: Integration = {
    id: 'http',
    kind: 'transport',
    label: 'Streamable HTTP',
    description: 'Streamable HTTP on node:http at /mcp, with Host and Origin checks',
    dependencies: ['@modelcontextprotocol/node'],
    readme: { run: 'README.run.md.hbs', connect: 'README.connect.md.hbs', operate: 'README.operate.md' },
    layout: [
        ['src/http.ts', 'Streamable HTTP on node:http with Host/Origin checks'],
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
    ],
    scripts: ({ spec }) => ({
        ...(spec.transports.includes('stdio') && { 'start:http': 'node dist/index.js --http' }),
        conformance: 'node scripts/conformance.mjs',
    }),
};
