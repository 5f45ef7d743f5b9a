/**
 * Real servers on loopback for template sources: `git daemon` serving bare repositories, and a
 * Verdaccio registry (a devDependency) with a user to publish as. Ports are picked free.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../cli/run.js';
import { GIT_ENV } from '../cli/update-helpers.js';
import { freePort } from './harness.js';

const exec = promisify(execFile);

/** Retries `probe` until it succeeds (a server that is still starting), or gives up after `attempts`. */
async function waitFor(probe: () => Promise<unknown>, what: string, child: ChildProcess, log: () => string): Promise<void> {
    for (let attempt = 0; attempt < 300; attempt++) {
        if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log()}`);
        try {
            await probe();
            return;
        } catch {
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    throw new Error(`${what} did not start:\n${log()}`);
}

export interface Service {
    url: string;
    stop: () => Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
    return () =>
        new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
        });
}

/** `git daemon` exporting every repository under `root`, read-only, at git://127.0.0.1:<port>/. */
export async function startGitDaemon(root: string): Promise<Service> {
    const port = await freePort();
    const child = spawn('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${root}`, '--listen=127.0.0.1', `--port=${port}`, root], {
        env: { ...process.env, ...GIT_ENV },
        stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (d) => (log += d));
    const url = `git://127.0.0.1:${port}/`;
    await waitFor(
        () =>
            exec('git', ['ls-remote', `${url}probe.git`], { env: { ...process.env, ...GIT_ENV } }).catch((e: { stderr?: string }) => {
                // Started: it answers, and says the repository is missing.
                if (!/not exported|does not appear|No such|access denied|repository/.test(e.stderr ?? '')) throw e;
            }),
        'git daemon',
        child,
        () => log,
    );
    return { url, stop: stopper(child) };
}

const VERDACCIO = fileURLToPath(new URL('../../node_modules/verdaccio/bin/verdaccio', import.meta.url));

export interface Registry extends Service {
    /** An auth token of a user who may publish. */
    token: string;
    /** npm settings (as environment variables) that read from and publish to this registry only. */
    npmEnv: Record<string, string>;
}

/** A Verdaccio registry on loopback with no uplink (nothing leaves the machine), storage in a temp folder. */
export async function startRegistry(): Promise<Registry> {
    const dir = tempDir('cms-verdaccio-');
    const port = await freePort();
    const config = [
        `storage: ${join(dir, 'storage')}`,
        'auth:',
        '  htpasswd:',
        `    file: ${join(dir, 'htpasswd')}`,
        'uplinks: {}',
        'packages:',
        "  '**':",
        '    access: $all',
        '    publish: $authenticated',
        'log: { type: stdout, format: pretty, level: warn }',
        `listen: 127.0.0.1:${port}`,
        '',
    ].join('\n');
    writeFileSync(join(dir, 'config.yaml'), config);
    const child = spawn(process.execPath, [VERDACCIO, '--config', join(dir, 'config.yaml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    const url = `http://127.0.0.1:${port}/`;
    await waitFor(
        async () => {
            const response = await fetch(`${url}-/ping`);
            if (!response.ok) throw new Error(String(response.status));
        },
        'verdaccio',
        child,
        () => log,
    );
    const created = await fetch(`${url}-/user/org.couchdb.user:publisher`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'publisher', password: 'publisher-password', type: 'user', roles: [], date: new Date().toISOString() }),
    });
    const { token } = (await created.json()) as { token: string };
    const home = tempDir('cms-npm-home-');
    mkdirSync(join(home, 'cache'));
    // The user's own npm configuration: an empty user config and a private cache, the registry by environment.
    writeFileSync(join(home, 'npmrc'), '');
    const npmEnv = {
        npm_config_userconfig: join(home, 'npmrc'),
        npm_config_cache: join(home, 'cache'),
        npm_config_registry: url,
        npm_config_update_notifier: 'false',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
    };
    return { url, token, npmEnv, stop: stopper(child) };
}

/** Publishes a package made of `files` (package.json is written from name and version). */
export async function publish(registry: Registry, name: string, version: string, files: Record<string, string>, tag?: string): Promise<void> {
    const dir = tempDir('cms-pkg-');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, description: 'A team template', license: 'MIT' }, null, 2));
    for (const [path, contents] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), contents);
    }
    const host = registry.url.replace(/^http:/, '');
    writeFileSync(join(dir, '.npmrc'), `${host}:_authToken=${registry.token}\n`);
    await exec('npm', ['publish', '--ignore-scripts', ...(tag ? ['--tag', tag] : []), ...(name.startsWith('@') ? ['--access', 'public'] : [])], {
        cwd: dir,
        env: { ...process.env, ...registry.npmEnv },
    });
}

/** `npm pack` of a folder of files, as a local .tgz; returns its path. */
export async function packTarball(name: string, version: string, files: Record<string, string>): Promise<string> {
    const dir = tempDir('cms-tgz-');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, license: 'MIT' }, null, 2));
    for (const [path, contents] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), contents);
    }
    const { stdout } = await exec('npm', ['pack', '--json', '--ignore-scripts'], { cwd: dir });
    return join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
}
