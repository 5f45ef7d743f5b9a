import { describe, expect, it } from 'vitest';
import { type CliFlags, type Environment, finalizeOptions, resolveNameFromUri, resolveOptions } from '../../src/core/options.js';
import { detectPackageManager } from '../../src/shared/pm.js';

const env = (extra: Partial<Environment> = {}): Environment => ({ cwd: '/work', env: {}, isTTY: false, ...extra });
const flags = (extra: Partial<CliFlags> = {}): CliFlags => ({ install: true, git: true, ...extra });
const resolve = (dir: string | undefined, f: Partial<CliFlags> = {}, e: Partial<Environment> = {}, spec?: unknown) =>
    finalizeOptions(resolveOptions(dir, flags(f), env(e), spec === undefined ? undefined : { file: 'spec.yaml', data: spec }), env(e));

describe('resolveOptions', () => {
    it('defaults the directory, name and description without a TTY', () => {
        const options = resolve(undefined);
        expect(options).toMatchObject({ directory: 'my-mcp-server', targetDir: '/work/my-mcp-server', pm: 'npm', install: true, git: true });
        expect(options.spec).toMatchObject({ name: 'my-mcp-server', description: 'A Model Context Protocol server' });
    });

    it('takes the name from "." as the current directory', () => {
        expect(resolve('.', {}, { cwd: '/home/me/Weather Server' }).spec.name).toBe('weather-server');
    });

    it('merges flags over the spec file', () => {
        const options = resolve(
            'x',
            { name: 'flag-name', transport: 'stdio', tool: ['extra'], with: 'postgres' },
            {},
            {
                name: 'spec-name',
                description: 'From the spec',
                transports: ['http'],
                tools: [{ name: 'first', description: 'First' }],
            },
        );
        expect(options.spec.name).toBe('flag-name');
        expect(options.spec.description).toBe('From the spec');
        expect(options.spec.transports).toEqual(['stdio']);
        expect(options.spec.tools.map((t) => t.name)).toEqual(['first', 'extra']);
        expect(options.spec.systems).toEqual([{ type: 'postgres', options: {} }]);
    });

    it('turns --resource URIs into resources and templates', () => {
        const options = resolve('x', { resource: ['docs://shipping-policy', 'orders://{id}'] });
        expect(options.spec.resources).toEqual([
            { name: 'shipping-policy', uri: 'docs://shipping-policy', description: 'The shipping-policy resource' },
            { name: 'orders', uri: 'orders://{id}', description: 'The orders resource template' },
        ]);
    });

    it.each<[Partial<CliFlags>, string]>([
        [{ name: 'Bad' }, '--name: invalid package name "Bad": must be lower case'],
        [{ transport: 'ws' }, '--transport: unknown transport "ws"; expected stdio, http or stdio,http'],
        [{ with: 'mongo' }, '--with: unknown system "mongo"; expected postgres, mysql, sqlite, filesystem'],
        [{ tool: ['no spaces'] }, '--tool: invalid name "no spaces"; expected 1-128 characters of A-Z a-z 0-9 _ - .'],
        [{ pm: 'pip' }, '--pm: unknown package manager "pip"; expected npm, pnpm, yarn, bun'],
        [{ tool: ['a', 'a'] }, '--tool a: tool "a" is already defined at "a" (tools[0].name); rename one'],
        [{ resource: ['bad uri'] }, '--resource: invalid URI "bad uri"; expected scheme:rest without spaces, e.g. docs://policy or orders://{id}'],
    ])('refuses %j naming the flag', (f, message) => {
        expect(() => resolve('x', f)).toThrow(message);
    });

    it('prompts only on a terminal, outside CI, without --yes or --json', () => {
        const interactive = (f: Partial<CliFlags>, e: Partial<Environment>) => resolveOptions('x', flags(f), env(e)).interactive;
        expect(interactive({}, { isTTY: true })).toBe(true);
        expect(interactive({}, { isTTY: false })).toBe(false);
        expect(interactive({}, { isTTY: true, env: { CI: 'true' } })).toBe(false);
        expect(interactive({ yes: true }, { isTTY: true })).toBe(false);
        expect(interactive({ json: true }, { isTTY: true })).toBe(false);
    });

    it('runs nothing on a dry run', () => {
        expect(resolve('x', { dryRun: true })).toMatchObject({ install: false, git: false, dryRun: true });
    });
});

describe('package manager detection', () => {
    it.each([
        ['pnpm/9.1.0 npm/? node/v20.20.2 linux x64', 'pnpm'],
        ['yarn/1.22.22 npm/? node/v20.20.2 linux x64', 'yarn'],
        ['bun/1.1.0 npm/? node/v20.20.2 linux x64', 'bun'],
        ['npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', 'npm'],
        ['deno/2.0.0', undefined],
        [undefined, undefined],
    ])('%s -> %s', (agent, pm) => {
        expect(detectPackageManager(agent)).toBe(pm);
    });

    it('uses the detected one unless --pm says otherwise', () => {
        const e = { env: { npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20' } };
        expect(resolve('x', {}, e).pm).toBe('pnpm');
        expect(resolve('x', { pm: 'yarn' }, e).pm).toBe('yarn');
    });
});

describe('resource names from URIs', () => {
    it.each([
        ['docs://shipping-policy', 'shipping-policy'],
        ['orders://{id}', 'orders'],
        ['file:///var/log/{name}.log', 'log'],
        ['weather://forecast/{city}/today', 'today'],
    ])('%s -> %s', (uri, name) => {
        expect(resolveNameFromUri(uri)).toBe(name);
    });
});

describe('next steps', () => {
    it('quotes a directory for the shell only when it needs it', async () => {
        const { nextSteps, shellWord } = await import('../../src/commands/next-steps.js');
        expect(shellWord('my-server')).toBe('my-server');
        expect(shellWord("it's $HOME")).toBe("'it'\\''s $HOME'");
        expect(nextSteps({ directory: 'My Server', pm: 'pnpm', installed: false, stdio: true, http: false })).toEqual([
            "cd 'My Server'",
            'pnpm install',
            'pnpm build',
            'pnpm test',
            'pnpm inspect    # try it in the MCP Inspector',
        ]);
    });
});
