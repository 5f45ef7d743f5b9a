/**
 * The ecosystem switches and the registry name, through the built binary: the flags, and the
 * default name read from the git remote of the repository the project lands in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { run, tempDir } from './run.js';

const noSteps = ['--no-install', '--no-git'];
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('ecosystem flags', () => {
    it('are listed in --help', async () => {
        const help = await run(['--help'], { cwd: tempDir() });
        for (const flag of ['--registry-name <name>', '--no-client-configs', '--no-registry', '--no-docker', '--no-ci', '--no-agents-md']) {
            expect(help.stdout).toContain(flag);
        }
    });

    it('leave out what they name', async () => {
        const cwd = tempDir();
        const result = await run(['demo', '--yes', ...noSteps, '--no-docker', '--no-ci', '--no-client-configs', '--no-agents-md', '--no-registry'], { cwd });
        expect(result.code, result.stderr).toBe(0);
        for (const path of ['Dockerfile', '.dockerignore', '.github', '.vscode', '.cursor', 'AGENTS.md', 'server.json']) {
            expect(existsSync(join(cwd, 'demo', path)), path).toBe(false);
        }
        expect(readJson(join(cwd, 'demo', 'package.json'))).not.toHaveProperty('mcpName');
        const spec = parseYaml(readFileSync(join(cwd, 'demo', 'mcp-server.yaml'), 'utf8')) as Record<string, unknown>;
        expect(spec.features).toEqual({ clientConfigs: false, registry: false, docker: false, ci: false, agentsMd: false });
    });

    it('switch a part back on over the spec with the positive flag (--docker)', async () => {
        const cwd = tempDir();
        writeFileSync(join(cwd, 'spec.yaml'), 'features: { docker: false, ci: false }\n');
        const result = await run(['demo', '--yes', ...noSteps, '--spec', 'spec.yaml', '--docker'], { cwd });
        expect(result.code, result.stderr).toBe(0);
        expect(existsSync(join(cwd, 'demo', 'Dockerfile'))).toBe(true);
        expect(existsSync(join(cwd, 'demo', '.github'))).toBe(false);
    });

    it('refuse a bad --registry-name, naming the flag, and write nothing', async () => {
        const cwd = tempDir();
        const result = await run(['demo', '--yes', ...noSteps, '--registry-name', 'not reverse dns'], { cwd });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^--registry-name: invalid registry name "not reverse dns"/);
        expect(existsSync(join(cwd, 'demo'))).toBe(false);
    });
});

describe('the registry name', () => {
    it('comes from the GitHub remote of the repository the project lands in, and is kept in the spec', async () => {
        const repo = tempDir();
        execFileSync('git', ['init', '-q'], { cwd: repo });
        execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:acme-labs/monorepo.git'], { cwd: repo });
        mkdirSync(join(repo, 'packages'));
        const result = await run(['weather', '--yes', ...noSteps], { cwd: join(repo, 'packages') });
        expect(result.code, result.stderr).toBe(0);
        const dir = join(repo, 'packages', 'weather');
        expect(readJson(join(dir, 'server.json')).name).toBe('io.github.acme-labs/weather');
        expect(readJson(join(dir, 'package.json')).mcpName).toBe('io.github.acme-labs/weather');
        expect((parseYaml(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')) as Record<string, unknown>).registryName).toBe('io.github.acme-labs/weather');
    });

    it('is --registry-name when given, whatever the remote says', async () => {
        const repo = tempDir();
        execFileSync('git', ['init', '-q'], { cwd: repo });
        execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/x.git'], { cwd: repo });
        const result = await run(['weather', '--yes', ...noSteps, '--registry-name', 'com.example/weather'], { cwd: repo });
        expect(result.code, result.stderr).toBe(0);
        expect(readJson(join(repo, 'weather', 'server.json')).name).toBe('com.example/weather');
    });

    it('is a placeholder outside a GitHub repository', async () => {
        const cwd = tempDir();
        expect((await run(['weather', '--yes', ...noSteps], { cwd })).code).toBe(0);
        expect(readJson(join(cwd, 'weather', 'server.json')).name).toBe('io.github.your-github-user/weather');
        expect(parseYaml(readFileSync(join(cwd, 'weather', 'mcp-server.yaml'), 'utf8'))).not.toHaveProperty('registryName');
    });
});
