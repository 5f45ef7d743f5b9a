/**
 * The stdio transport. The entry serves it in every project that has it (`src/index.ts`); this
 * integration brings what only such projects need: the stdio side of the dev loop
 * (`scripts/dev/stdio.mjs`, behind `node scripts/dev.mjs --stdio`).
 */
import type { Integration } from './types.js';

export const stdio: Integration = {
    id: 'stdio',
    kind: 'transport',
    label: 'stdio',
    description: 'stdio, for clients that start the server themselves',
    readme: { develop: 'README.develop.md.hbs' },
};
