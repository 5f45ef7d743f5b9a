import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        // Only this repository's tests: generated projects (e.g. ./demo from the README) have their own.
        include: ['test/**/*.test.ts'],
        // One temporary folder per run, removed at its end (test/support/temp-root.ts).
        globalSetup: ['test/support/temp-root.ts'],
        testTimeout: 30_000,
        hookTimeout: 300_000,
    },
});
