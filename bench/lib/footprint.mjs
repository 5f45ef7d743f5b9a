/**
 * Installs and their size: npm in a directory, the packages in a node_modules tree, disk usage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs npm quietly in `cwd`; throws with its output when it fails. Returns stdout. */
export function npm(args, cwd) {
    const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
}

/** Every installed package under `dir`/node_modules, nested ones included, as names. */
export function installedPackages(dir) {
    const root = join(dir, 'node_modules');
    if (!existsSync(root)) return [];
    const names = [];
    for (const entry of readdirSync(root)) {
        if (entry.startsWith('.')) continue; // .bin, .package-lock.json
        const scoped = entry.startsWith('@') ? readdirSync(join(root, entry)).map((name) => `${entry}/${name}`) : [entry];
        for (const name of scoped) {
            names.push(name);
            names.push(...installedPackages(join(root, name)));
        }
    }
    return names;
}

/** Disk usage of `dir`/node_modules in MB (`du`, so what it really takes on disk). */
export function nodeModulesMB(dir) {
    const result = spawnSync('du', ['-sk', join(dir, 'node_modules')], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`du failed: ${result.stderr}`);
    return Number.parseInt(result.stdout, 10) / 1024;
}

/** Packages and MB of the install in `dir`. */
export function footprint(dir) {
    return { packages: installedPackages(dir).length, mb: nodeModulesMB(dir) };
}

export function readJson(file) {
    return JSON.parse(readFileSync(file, 'utf8'));
}
