/**
 * Redis shared by every instance of an HTTP server: the rate-limit counts (one limit however many
 * instances serve) and the SDK's server event bus (a change notification raised on one instance
 * reaches clients listening on any). `src/systems/redis.ts` loads the client only when REDIS_URL is
 * set; without it, or while Redis is unreachable, each instance counts and notifies on its own.
 */
import { jsString } from '../shared/codegen.js';
import type { Integration } from './types.js';

export const redis: Integration = {
    id: 'redis',
    kind: 'system',
    label: 'Redis',
    description: 'rate limits and change notifications shared by every instance of the HTTP server (node-redis)',
    requires: { transports: ['http'] },
    dependencies: ['@redis/client'],
    env: ({ spec }) => [
        {
            name: 'REDIS_URL',
            description: 'Redis shared by every instance: rate-limit counts and change notifications (unset: each instance on its own)',
            example: 'redis://127.0.0.1:6379',
            required: false,
            secret: true,
        },
        {
            name: 'REDIS_KEY_PREFIX',
            description: 'What Redis keys and the notification channel start with, so several deployments can share one Redis',
            example: `${spec.name.replace(/^@[^/]+\//, '')}-staging:`,
            required: false,
            secret: false,
        },
    ],
    lifecycle: { name: 'Redis', module: 'systems/redis', ping: true, close: true },
    readme: { operate: 'README.operate.md.hbs' },
    layout: [['src/systems/redis.ts', 'Redis: rate limits and change notifications shared by every instance (REDIS_URL)']],
    view: (_ctx, project) => ({ prefixLiteral: jsString(`${project.binName}:`), prefix: `${project.binName}:` }),
    testEnv: 'TEST_REDIS_URL',
};
