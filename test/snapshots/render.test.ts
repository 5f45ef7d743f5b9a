/**
 * Snapshots of whole generated projects for representative specs: a change to any generated
 * file shows up here, in review, as a diff of real output.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { embedIconFiles } from '../../src/core/icons.js';
import { parseSpecText } from '../../src/core/spec-file.js';

const environment = { cwd: '/projects', env: {}, isTTY: false };

async function project(directory: string, data: unknown): Promise<string> {
    const partial = resolveOptions(directory, { install: false, git: false }, environment, { file: 'spec.yaml', data });
    const files = await renderProject(finalizeOptions(partial, environment).spec, undefined);
    return files.map((f) => `=== ${f.path}\n${f.contents}`).join('\n');
}

const fixture = (name: string) => parseSpecText(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'), name);
/** A fixture as the CLI reads it: its icon files embedded. */
const withIcons = (name: string) => embedIconFiles(fixture(name), name, (path) => readFile(new URL(`../fixtures/${path}`, import.meta.url)));

describe('rendered projects', () => {
    it('default project (examples, stdio and HTTP)', async () => {
        await expect(await project('default', {})).toMatchFileSnapshot('__snapshots__/default.txt');
    });

    it('the contract example spec', async () => {
        await expect(await project('orders', fixture('orders.yaml'))).toMatchFileSnapshot('__snapshots__/orders.txt');
    });

    it('every protocol feature: output, confirmations, icons, completions, subscriptions, cache hints', async () => {
        await expect(await project('everything', await withIcons('everything.yaml'))).toMatchFileSnapshot('__snapshots__/everything.txt');
    });

    it('production: PostgreSQL, Redis, OpenTelemetry and Kubernetes manifests', async () => {
        await expect(await project('production', { systems: ['postgres', 'redis', 'telemetry', 'kubernetes'] })).toMatchFileSnapshot(
            '__snapshots__/production.txt',
        );
    });

    it('hostile strings, stdio only', async () => {
        await expect(await project('hostile', fixture('hostile.yaml'))).toMatchFileSnapshot('__snapshots__/hostile.txt');
    });

    it('tools with interactive views (MCP Apps)', async () => {
        await expect(await project('apps', fixture('apps.yaml'))).toMatchFileSnapshot('__snapshots__/apps.txt');
    });
});
