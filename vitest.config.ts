import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        // Only this repository's tests: generated projects (e.g. ./demo from the README) have their own.
        include: ['test/**/*.test.ts'],
        testTimeout: 30_000,
        hookTimeout: 300_000,
    },
});
