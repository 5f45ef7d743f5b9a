/**
 * One version of the server, started by scripts/dev.mjs for each build:
 *
 *   node scripts/dev/child.mjs <build>/dist [--list-only] [--http]
 *
 * It lists what the build exposes and reports it to the dev server (IPC), then serves exactly as
 * `node dist/index.js` does: on its stdin/stdout, or over HTTP with `--http` (the dev server passes
 * PORT). With `--list-only` it stops after the listing.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listSurface } from './surface.mjs';

const [folder, ...flags] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(join(folder, file)).href);

// Should the dev server itself go away, this version shuts down as on SIGTERM.
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));

const { createServer } = await load('server.js');
const surface = await listSurface(createServer);
if (flags.includes('--list-only')) {
    process.send({ surface }, () => process.exit(0));
} else {
    // The entry's top level returns once it serves (listens, or reads stdin).
    await load('index.js');
    // Then the IPC channel must not keep the process alive: on stdio it ends when the client closes stdin.
    process.send({ surface }, () => process.channel?.unref());
}
