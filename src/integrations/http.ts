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
    scripts: ({ spec }) => ({
        ...(spec.transports.includes('stdio') && { 'start:http': 'node dist/index.js --http' }),
        conformance: 'node scripts/conformance.mjs',
    }),
};
