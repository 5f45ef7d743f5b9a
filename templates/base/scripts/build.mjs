// Bundles the server into dist/ with esbuild: one file to load instead of hundreds of modules, so
// clients that spawn the server per session get it started faster. Type checking is tsc's job
// (`npm run typecheck`, and `npm run build` runs it first). `--watch` rebuilds on every change.
import * as esbuild from 'esbuild';

/** @type {import('esbuild').BuildOptions} */
const options = {
    entryPoints: ['src/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The HTTP transport stays in its own chunk, loaded only when it is used.
    splitting: true,
    outdir: 'dist',
    sourcemap: true,
    // CommonJS dependencies (such as pg) call require(); ES modules have none, so give them one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
    const context = await esbuild.context({ ...options, logLevel: 'info' });
    await context.watch();
} else {
    await esbuild.build(options);
}
