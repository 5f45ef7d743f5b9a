/**
 * The Redis client library, in a module of its own: `./redis.ts` loads it only when REDIS_URL is set.
 * (A bundle splits a CommonJS package loaded with `import()` into a chunk that exports it as
 * `default` only; imported here, statically, its named exports stay as they are.)
 */
export { createClient } from '@redis/client';
