#!/usr/bin/env node
/**
 * `npm run conformance`: the official MCP conformance suite against this server's Streamable HTTP
 * transport. Run `npm run build` first.
 *
 * Starts `node dist/index.js --http` on a free loopback port, waits for its "listening on" line,
 * runs @modelcontextprotocol/conformance (through npx, so its own dependencies stay out of this
 * project) with the baseline in conformance/expected-failures.yml, stops the server, and exits with
 * the suite's exit code. On Node < 22 the suite needs the small shim in conformance/ (it imports
 * fs.globSync, which Node 20 lacks); on Node 22+ it runs as it is.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const root = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const shim = new URL('../conformance/node20-register.mjs', import.meta.url);

if (!existsSync(entry)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exit(1);
}

/** Starts the server on a free port of 127.0.0.1; resolves with its URL and a stop function. */
function startServer() {
    return new Promise((resolve, reject) => {
        // Loopback only, no ALLOWED_HOSTS: the suite also checks that foreign Host headers are refused.
        const env = { ...process.env, HOST: '127.0.0.1', PORT: '0', MCP_TRANSPORT: 'http', ALLOWED_HOSTS: '' };
        const server = spawn(process.execPath, [entry, '--http'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let log = '';
        const timer = setTimeout(() => {
            server.kill('SIGKILL');
            reject(new Error(`the server did not start within 15 s:\n${log}`));
        }, 15_000);
        server.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`the server exited with code ${code} before listening:\n${log}`));
        });
        let listening = false;
        server.stderr.setEncoding('utf8');
        server.stderr.on('data', (chunk) => {
            log += chunk;
            const url = listening ? undefined : /listening on (http:\/\/\S+)/.exec(log)?.[1];
            if (!url) return;
            listening = true;
            clearTimeout(timer);
            server.removeAllListeners('exit');
            const stop = () =>
                new Promise((done) => {
                    if (server.exitCode !== null || server.signalCode !== null) return done();
                    server.once('exit', () => done());
                    server.kill('SIGTERM');
                });
            resolve({ url, stop, log: () => log });
        });
    });
}

/** Runs the suite against `url`; resolves with its exit code. */
function runSuite(url) {
    const env = { ...process.env, npm_config_loglevel: 'error' };
    if (Number(process.versions.node.split('.')[0]) < 22) {
        // Registered in every node process npx starts; it only redirects the suite's own `fs` import.
        env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${shim.href}`.trim();
    }
    const args = ['-y', SUITE, 'server', '--url', url, '--suite', 'all', '--expected-failures', 'conformance/expected-failures.yml'];
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    return new Promise((resolve) => {
        const suite = spawn(npx, args, { cwd: root, env, stdio: 'inherit', shell: process.platform === 'win32' });
        suite.once('error', (error) => {
            console.error(`could not run ${SUITE}: ${error.message}`);
            resolve(1);
        });
        suite.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
}

let server;
try {
    server = await startServer();
} catch (error) {
    console.error(error.message);
    process.exit(1);
}
const stopAndExit = async (code) => {
    await server.stop();
    process.exit(code);
};
process.once('SIGINT', () => void stopAndExit(130));
process.once('SIGTERM', () => void stopAndExit(143));

console.error(`Conformance suite ${SUITE} against ${server.url}`);
const code = await runSuite(server.url);
if (code !== 0) console.error(`\nServer log:\n${server.log()}`);
await stopAndExit(code);
