import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitPromptError } from '@inquirer/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/shared/errors.js';
import { type CliFlags, type Environment, type PartialOptions, finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { SpecError, validateSpec } from '../../src/core/spec.js';
import { askViewTool, describeUri, openQuestions, reproduceCommand, runWizard, summaryText } from '../../src/wizard/index.js';
import type { Prompter } from '../../src/wizard/prompter.js';
import { CTRL_C, ENTER, type ScriptedAnswer, createScriptedPrompter } from '../support/scripted-prompter.js';
import { checkDefault, parseDefault } from '../../src/wizard/validate.js';

const root = mkdtempSync(join(tmpdir(), 'cms-wizard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const environment = (cwd = root): Environment => ({ cwd, env: {}, isTTY: true });
const partialOf = (directory?: string, flags: Partial<CliFlags> = {}, spec?: unknown, cwd = root): PartialOptions =>
    resolveOptions(directory, { install: true, git: true, ...flags }, environment(cwd), spec === undefined ? undefined : { file: 'spec.yaml', data: spec });

async function wizard(partial: PartialOptions, script: [string, ScriptedAnswer][], opts: { thenEnter?: boolean; cwd?: string } = {}) {
    const prompter = createScriptedPrompter(script, { thenEnter: opts.thenEnter });
    const result = await runWizard(partial, environment(opts.cwd), prompter);
    expect(prompter.remaining).toEqual([]);
    return { result, prompter, options: finalizeOptions(result, environment(opts.cwd)) };
}

/** The message validateSpec itself gives for a spec, to compare the wizard's wording with. */
function specMessage(raw: unknown): string {
    try {
        validateSpec(raw, { name: 'x', description: 'x' });
    } catch (error) {
        return (error as SpecError).problems[0]!.message;
    }
    throw new Error('expected a problem');
}

describe('which questions are asked', () => {
    it('asks everything, in order, when nothing is given; Enter everywhere gives the default project', async () => {
        const { prompter, options, result } = await wizard(partialOf(), [], { thenEnter: true });
        expect(prompter.asked.map((q) => q.id)).toEqual([
            'directory',
            'name',
            'description',
            'transports',
            'systems',
            'auth.mode',
            'tool.add',
            'resource.add',
            'prompt.add',
            'pm',
            'install',
            'git',
            'confirm',
        ]);
        expect(result.directory).toBe('my-mcp-server');
        expect(options.spec).toMatchObject({
            name: 'my-mcp-server',
            description: 'A Model Context Protocol server',
            transports: ['stdio', 'http'],
            systems: [],
            tools: [],
            resources: [],
            prompts: [],
        });
        expect(options).toMatchObject({ pm: 'npm', install: true, git: true, force: false });
        // The summary names what the generator adds when nothing is described.
        const summary = prompter.notes.join('\n');
        expect(summary).toContain('Tools (1)');
        expect(summary).toContain('add (examples)');
        expect(summary).toContain('my-mcp-server');
    });

    it('does not ask what flags answered (--name, --description, directory, --pm, --no-install, --no-git)', async () => {
        const partial = partialOf('svc', { name: 'acme', description: 'Given', pm: 'pnpm', install: false, git: false });
        const { prompter, options } = await wizard(partial, [], { thenEnter: true });
        expect(prompter.asked.map((q) => q.id)).toEqual(['transports', 'systems', 'auth.mode', 'tool.add', 'resource.add', 'prompt.add', 'confirm']);
        expect(options).toMatchObject({ directory: 'svc', pm: 'pnpm', install: false, git: false });
        expect(options.spec).toMatchObject({ name: 'acme', description: 'Given' });
    });

    it('does not ask what the spec answered, and skips the item loops the spec or flags filled', async () => {
        const spec = { name: 'from-spec', transports: ['stdio'], tools: [{ name: 'lookup', description: 'Look up' }], prompts: [] };
        const partial = partialOf('x', { resource: ['docs://faq'], with: 'postgres' }, spec);
        const { prompter, options } = await wizard(partial, [], { thenEnter: true });
        expect(prompter.asked.map((q) => q.id)).toEqual(['description', 'pm', 'install', 'git', 'confirm']);
        expect(options.spec.tools.map((t) => t.name)).toEqual(['lookup']);
        expect(options.spec.resources.map((r) => r.name)).toEqual(['faq']);
        expect(options.spec.systems.map((s) => s.type)).toEqual(['postgres']);
    });

    it('lists open questions purely from the partial options', () => {
        expect(openQuestions(partialOf('d', { name: 'n', dryRun: true, pm: 'npm' }))).toEqual([
            'description',
            'transports',
            'systems',
            'tools',
            'resources',
            'prompts',
        ]);
    });

    it('does not ask install or git when the CLI reports them as typed (installKnown, gitKnown)', () => {
        const partial = {
            ...partialOf('d', { name: 'n', description: 'd', transport: 'stdio', with: 'postgres', pm: 'npm' }, { tools: [], resources: [], prompts: [] }),
        };
        expect(openQuestions(partial)).toEqual(['install', 'git']);
        expect(openQuestions({ ...partial, installKnown: true, gitKnown: true } as PartialOptions)).toEqual([]);
    });

    it('derives the default package name from the typed directory', async () => {
        const { options } = await wizard(partialOf(), [['directory', 'Weather Server']], { thenEnter: true });
        expect(options.spec.name).toBe('weather-server');
        expect(options.directory).toBe('Weather Server');
    });

    it('fails on a broken spec before asking anything', async () => {
        const prompter = createScriptedPrompter([]);
        await expect(runWizard(partialOf('x', {}, { tools: [{ name: 'bad name' }] }), environment(), prompter)).rejects.toBeInstanceOf(SpecError);
        expect(prompter.asked).toEqual([]);
    });
});

describe('answers become the raw spec', () => {
    it('builds tools with typed parameters and annotations, resources, templates and prompts', async () => {
        const { result, options, prompter } = await wizard(partialOf(), [
            ['directory', 'orders'],
            ['name', ENTER],
            ['description', 'Look up and summarize customer orders'],
            ['transports', 'stdio'],
            ['systems', []],
            ['tool.add', true],
            ['tool.name', 'search_orders'],
            ['tool.title', ENTER],
            ['tool.description', 'Find orders by customer email'],
            ['param.add', true],
            ['param.name', 'email'],
            ['param.type', 'string'],
            ['param.description', 'Customer email'],
            ['param.required', true],
            ['param.add', true],
            ['param.name', 'limit'],
            ['param.type', 'integer'],
            ['param.description', 'Max rows'],
            ['param.required', false],
            ['param.default', '20'],
            ['param.add', true],
            ['param.name', 'tags'],
            ['param.type', 'array'],
            ['param.items', 'string'],
            ['param.description', ENTER],
            ['param.required', false],
            ['param.default', ENTER],
            ['param.add', false],
            ['tool.annotations', ['readOnlyHint']],
            ['tool.ui', true],
            ['tool.add', true],
            ['tool.name', 'cancel_order'],
            ['tool.title', 'Cancel an order'],
            ['tool.description', ENTER],
            ['param.add', false],
            ['tool.annotations', ['destructiveHint', 'idempotentHint']],
            ['tool.ui', ENTER],
            // A destructive tool is asked whether it confirms first.
            ['tool.confirm', 'optional'],
            ['tool.add', false],
            ['resource.add', true],
            ['resource.name', 'order'],
            ['resource.uri', 'orders://{id}'],
            ['resource.description', ENTER],
            ['resource.mimeType', 'application/json'],
            ['resource.add', true],
            ['resource.name', 'shipping-policy'],
            ['resource.uri', ENTER],
            ['resource.description', 'The shipping policy in force'],
            ['resource.mimeType', 'text/markdown'],
            ['resource.add', false],
            ['prompt.add', true],
            ['prompt.name', 'summarize_orders'],
            ['prompt.description', 'Summarize the orders of a period'],
            ['argument.add', true],
            ['argument.name', 'period'],
            ['argument.description', 'For example last week'],
            ['argument.required', true],
            ['argument.add', true],
            ['argument.name', 'style'],
            ['argument.description', ENTER],
            ['argument.required', false],
            ['argument.add', false],
            ['prompt.add', false],
            ['pm', 'npm'],
            ['install', false],
            ['git', false],
            ['confirm', true],
        ]);
        expect(result.raw).toEqual({
            name: 'orders',
            description: 'Look up and summarize customer orders',
            transports: ['stdio'],
            tools: [
                {
                    name: 'search_orders',
                    description: 'Find orders by customer email',
                    annotations: { readOnlyHint: true },
                    ui: true,
                    input: {
                        email: { type: 'string', description: 'Customer email' },
                        limit: { type: 'integer', description: 'Max rows', default: 20 },
                        tags: { type: 'array', items: 'string', required: false },
                    },
                },
                {
                    name: 'cancel_order',
                    title: 'Cancel an order',
                    description: 'cancel_order (skeleton: implement it in src/tools/)',
                    annotations: { destructiveHint: true, idempotentHint: true },
                    confirm: 'optional',
                },
            ],
            resources: [
                { name: 'order', uri: 'orders://{id}', description: 'The order resource template', mimeType: 'application/json' },
                { name: 'shipping-policy', uri: 'docs://shipping-policy', description: 'The shipping policy in force', mimeType: 'text/markdown' },
            ],
            prompts: [
                {
                    name: 'summarize_orders',
                    description: 'Summarize the orders of a period',
                    arguments: [
                        { name: 'period', description: 'For example last week' },
                        { name: 'style', required: false },
                    ],
                },
            ],
        });
        // The same pipeline as --spec accepts it, normalized.
        expect(options.spec.tools[0]!.input).toEqual({
            email: { type: 'string', description: 'Customer email', required: true },
            limit: { type: 'integer', description: 'Max rows', default: 20, required: false },
            tags: { type: 'array', items: 'string', required: false },
        });
        expect(options).toMatchObject({ directory: 'orders', install: false, git: false });
        // A template URI is recognized and explained when typed.
        expect(prompter.notes.join('\n')).toContain('orders://{id} is a resource template: clients read orders://<id>, and the handler receives id');
        const summary = prompter.notes.at(-1)!;
        expect(summary).toContain('Tools (2)');
        expect(summary).toContain('search_orders (with a view), cancel_order');
        // The view question's answer: a view without options, for the first tool only.
        expect(options.spec.tools.map((t) => t.ui)).toEqual([{}, undefined]);
        expect(summary).toContain('order (template orders://{id})');
        expect(summary).toContain('Prompts (1)');
        expect(summary).toContain('summarize_orders');
        expect(summary).toContain('Transports');
    });

    it('chooses systems from the registry and counts their items in the summary', async () => {
        const { options, prompter } = await wizard(
            partialOf('db', { name: 'db', description: 'D' }),
            [
                ['transports', ENTER],
                ['systems', ['postgres']],
            ],
            { thenEnter: true },
        );
        expect(options.spec.systems).toEqual([{ type: 'postgres', options: {} }]);
        const summary = prompter.notes.at(-1)!;
        expect(summary).toContain('PostgreSQL (postgres)');
        expect(summary).toContain('query (postgres)');
    });

    it('asks the questions a chosen system declares, keeping only answers that differ from the default', async () => {
        const { options, prompter } = await wizard(
            partialOf('db', { name: 'db', description: 'D' }),
            [
                ['transports', ENTER],
                ['systems', ['postgres']],
                ['system.postgres.maxRows', '0'],
                ['system.postgres.maxRows', '500'],
                ['system.postgres.statementTimeoutMs', ENTER],
            ],
            { thenEnter: true },
        );
        expect(prompter.rejected.map((r) => r.reason)).toEqual(['expected a whole number from 1 to 10000, got 0']);
        expect(options.spec.systems).toEqual([{ type: 'postgres', options: { maxRows: 500 } }]);
    });
});

describe('answers are validated where they are typed, in the spec’s words', () => {
    it('asks again for a bad tool name, showing the spec validator’s message', async () => {
        const { prompter, options } = await wizard(
            partialOf('x', { name: 'x', description: 'x', pm: 'npm', install: false, git: false }),
            [
                ['transports', ENTER],
                ['systems', ENTER],
                ['auth.mode', ENTER],
                ['tool.add', true],
                ['tool.name', 'search orders'],
                ['tool.name', ''],
                ['tool.name', 'search_orders'],
            ],
            { thenEnter: true },
        );
        expect(prompter.rejected).toEqual([
            { id: 'tool.name', answer: 'search orders', reason: specMessage({ tools: [{ name: 'search orders', description: 'd' }] }) },
            { id: 'tool.name', answer: '', reason: specMessage({ tools: [{ name: '', description: 'd' }] }) },
        ]);
        expect(prompter.rejected[0]!.reason).toBe('invalid name "search orders"; expected 1-128 characters of A-Z a-z 0-9 _ - .');
        expect(options.spec.tools.map((t) => t.name)).toEqual(['search_orders']);
    });

    it('refuses a tool name that clashes with an earlier tool or a chosen system', async () => {
        const { prompter } = await wizard(
            partialOf('x', { name: 'x', description: 'x', pm: 'npm', install: false, git: false }),
            [
                ['transports', ENTER],
                ['systems', ['postgres']],
                ['system.postgres.maxRows', ENTER],
                ['system.postgres.statementTimeoutMs', ENTER],
                ['auth.mode', ENTER],
                ['tool.add', true],
                ['tool.name', 'query'],
                ['tool.name', 'a'],
                ['tool.title', ENTER],
                ['tool.description', ENTER],
                ['param.add', false],
                ['tool.annotations', []],
                ['tool.ui', false],
                ['tool.rateLimit', ENTER],
                ['tool.add', true],
                ['tool.name', 'a'],
                ['tool.name', 'A'],
                ['tool.name', 'b'],
            ],
            { thenEnter: true },
        );
        expect(prompter.rejected.map((r) => r.reason)).toEqual([
            'tool "query" is already defined at "query" (systems (postgres)); rename one',
            'tool "a" is already defined at "a" (tools[0].name); rename one',
            'tool "A" would share a file name (ignoring case) with "a" (tools[0].name); rename one',
        ]);
    });

    it('validates package name, parameter names, defaults, URIs and argument names', async () => {
        const { prompter, options } = await wizard(
            partialOf('x', { description: 'x', pm: 'npm', install: false, git: false }),
            [
                ['name', 'Bad Name'],
                ['name', 'good-name'],
                ['transports', ENTER],
                ['systems', ENTER],
                ['auth.mode', ENTER],
                ['tool.add', true],
                ['tool.name', 't'],
                ['tool.title', ENTER],
                ['tool.description', ENTER],
                ['param.add', true],
                ['param.name', '1st'],
                ['param.name', '__proto__'],
                ['param.name', 'count'],
                ['param.type', 'integer'],
                ['param.description', ENTER],
                ['param.required', false],
                ['param.default', 'many'],
                ['param.default', '2.5'],
                ['param.default', '3'],
                ['param.add', true],
                ['param.name', 'count'],
                ['param.name', 'flags'],
                ['param.type', 'array'],
                ['param.items', 'boolean'],
                ['param.description', ENTER],
                ['param.required', false],
                ['param.default', 'yes, maybe'],
                ['param.default', 'yes, no'],
                ['param.add', false],
                ['tool.annotations', []],
                ['tool.ui', false],
                ['tool.rateLimit', '30 per minute'],
                ['tool.rateLimit', '30/minute'],
                ['tool.add', false],
                ['resource.add', true],
                ['resource.name', 'doc'],
                ['resource.uri', 'no scheme'],
                ['resource.uri', 'docs://{a-b}'],
                ['resource.uri', 'docs://{page}'],
                ['resource.description', ENTER],
                ['resource.mimeType', ENTER],
                ['resource.add', false],
                ['prompt.add', true],
                ['prompt.name', 'p'],
                ['prompt.description', ENTER],
                ['argument.add', true],
                ['argument.name', 'a'],
                ['argument.description', ENTER],
                ['argument.required', ENTER],
                ['argument.add', true],
                ['argument.name', 'a'],
                ['argument.name', 'b'],
            ],
            { thenEnter: true },
        );
        expect(prompter.rejected.map((r) => `${r.id}: ${r.reason}`)).toEqual([
            'name: invalid package name "Bad Name": must be lower case',
            'param.name: invalid parameter name: must be a letter, _ or $ followed by up to 63 of A-Z a-z 0-9 _ $ - .',
            'param.name: invalid parameter name: "__proto__" is reserved by JavaScript objects; choose another name',
            'param.default: expected integer, got "many"',
            'param.default: expected integer, got 2.5',
            'param.name: duplicate parameter "count"',
            'param.default: expected boolean, got "maybe"',
            'tool.rateLimit: "30 per minute" is not a rate limit; expected a count from 1 to 1000000, a slash and second, minute or hour, such as 30/minute',
            'resource.uri: invalid URI "no scheme"; expected scheme:rest without spaces, e.g. docs://policy or orders://{id}',
            'resource.uri: invalid template variable "{a-b}"; expected {name} with letters, digits and _',
            'argument.name: duplicate argument "a"',
        ]);
        expect(options.spec.tools[0]!.input).toEqual({
            count: { type: 'integer', default: 3, required: false },
            flags: { type: 'array', items: 'boolean', default: [true, false], required: false },
        });
        expect(options.spec.tools[0]!.rateLimit).toBe('30/minute');
        expect(options.spec.prompts[0]!.arguments.map((a) => a.name)).toEqual(['a', 'b']);
    });

    it('reads typed defaults by type', () => {
        expect(parseDefault('', { type: 'string' })).toBeUndefined();
        expect(parseDefault(' two words ', { type: 'string' })).toBe(' two words ');
        expect(parseDefault('-1.5e2', { type: 'number' })).toBe(-150);
        expect(parseDefault('No', { type: 'boolean' })).toBe(false);
        expect(parseDefault('a, b ,c', { type: 'array', items: 'string' })).toEqual(['a', 'b', 'c']);
        expect(parseDefault('[1, 2]', { type: 'array', items: 'integer' })).toEqual([1, 2]);
        expect(checkDefault('1, x', { type: 'array', items: 'number' })).toBe('expected number, got "x"');
    });
});

describe('production parts', () => {
    const answers = (transports: string, systems: string[]): [string, ScriptedAnswer][] => [
        ['transports', transports],
        ['systems', systems],
        ['auth.mode', ENTER],
        ['tool.add', true],
        ['tool.name', 't'],
    ];
    const partial = () => partialOf('x', { name: 'x', description: 'x', pm: 'npm', install: false, git: false });

    it('offers Redis, OpenTelemetry and Kubernetes with HTTP, and a rate limit for each tool', async () => {
        const { prompter, options } = await wizard(partial(), answers('stdio,http', ['redis', 'telemetry', 'kubernetes']), { thenEnter: true });
        expect(options.spec.systems.map((s) => s.type)).toEqual(['redis', 'telemetry', 'kubernetes']);
        expect(prompter.asked.map((q) => q.id)).toContain('tool.rateLimit');
    });

    it('offers neither them nor rate limits to a stdio-only project', async () => {
        await expect(wizard(partial(), answers('stdio', ['redis']), { thenEnter: true })).rejects.toThrow(
            '"systems" offers postgres, mysql, sqlite, filesystem, openapi; the script gave redis',
        );
        const { prompter } = await wizard(
            partial(),
            answers('stdio', []).filter(([id]) => id !== 'auth.mode'),
            { thenEnter: true },
        );
        expect(prompter.asked.map((q) => q.id)).not.toContain('tool.rateLimit');
    });
});

describe('cancel', () => {
    const stop = (at: string): [string, ScriptedAnswer][] => [[at, CTRL_C]];

    it.each(['directory', 'name', 'transports', 'systems', 'tool.add', 'pm', 'confirm'])('Ctrl-C at %s becomes CancelledError', async (id) => {
        const ids = [
            'directory',
            'name',
            'description',
            'transports',
            'systems',
            'auth.mode',
            'tool.add',
            'resource.add',
            'prompt.add',
            'pm',
            'install',
            'git',
            'confirm',
        ];
        const before = ids.slice(0, ids.indexOf(id)).map((q): [string, ScriptedAnswer] => [q, ENTER]);
        const prompter = createScriptedPrompter([...before, ...stop(id)]);
        await expect(runWizard(partialOf(), environment(), prompter)).rejects.toBeInstanceOf(CancelledError);
    });

    it('maps inquirer’s own ExitPromptError to CancelledError', async () => {
        const fail = async (): Promise<never> => {
            throw new ExitPromptError('User force closed the prompt with SIGINT');
        };
        const prompter: Prompter = { input: fail, confirm: fail, select: fail, checkbox: fail, note: () => {} };
        const error = await runWizard(partialOf(), environment(), prompter).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CancelledError);
        expect((error as Error).message).toBe('Operation cancelled');
    });

    it('declining the final confirmation cancels', async () => {
        const prompter = createScriptedPrompter([['confirm', false]]);
        await expect(
            runWizard(
                partialOf(
                    'x',
                    { name: 'x', description: 'x', transport: 'stdio', with: 'postgres', pm: 'npm', install: false, git: false },
                    { tools: [], resources: [], prompts: [] },
                ),
                environment(),
                prompter,
            ),
        ).rejects.toBeInstanceOf(CancelledError);
        expect(prompter.asked.map((q) => q.id)).toEqual(['confirm']);
    });

    it('lets other errors through unchanged', async () => {
        const boom = new Error('boom');
        const fail = async (): Promise<never> => {
            throw boom;
        };
        const prompter: Prompter = { input: fail, confirm: fail, select: fail, checkbox: fail, note: () => {} };
        await expect(runWizard(partialOf(), environment(), prompter)).rejects.toBe(boom);
    });
});

describe('a non-empty target directory is asked about', () => {
    const full = (dir: string) => {
        mkdirSync(join(root, dir), { recursive: true });
        writeFileSync(join(root, dir, 'notes.txt'), 'keep me');
    };
    const given = { name: 'x', description: 'x', transport: 'stdio', pm: 'npm', install: false, git: false } as const;

    it('cancel', async () => {
        full('full-1');
        const prompter = createScriptedPrompter([['nonEmpty', 'cancel']]);
        await expect(runWizard(partialOf('full-1', given), environment(), prompter)).rejects.toBeInstanceOf(CancelledError);
        expect(prompter.asked[0]!.message).toContain('"full-1" is not empty (notes.txt)');
    });

    it('write only the planned files: force', async () => {
        full('full-2');
        const { result, prompter } = await wizard(partialOf('full-2', given), [['nonEmpty', 'force']], { thenEnter: true });
        expect(result.force).toBe(true);
        expect(prompter.notes.at(-1)).toContain('not empty: only the generated files are written');
    });

    it('choose another directory', async () => {
        full('full-3');
        const { options } = await wizard(
            partialOf(undefined, given),
            [
                ['directory', 'full-3'],
                ['nonEmpty', 'other'],
                ['directory', 'fresh'],
            ],
            { thenEnter: true },
        );
        expect(options).toMatchObject({ directory: 'fresh', force: false });
    });

    it('is not asked with --force', async () => {
        full('full-4');
        const { prompter } = await wizard(partialOf('full-4', { ...given, force: true }), [], { thenEnter: true });
        expect(prompter.asked.map((q) => q.id)).not.toContain('nonEmpty');
    });

    it('refuses a typed directory that is a file, and asks again', async () => {
        writeFileSync(join(root, 'a-file'), '');
        const { prompter } = await wizard(
            partialOf(undefined, given),
            [
                ['directory', 'a-file'],
                ['directory', '  '],
                ['directory', 'ok-dir'],
            ],
            { thenEnter: true },
        );
        expect(prompter.rejected.map((r) => r.reason)).toEqual([`${join(root, 'a-file')} exists and is not a directory`, 'must not be empty']);
    });
});

describe('pure helpers', () => {
    it('explains URIs', () => {
        expect(describeUri('docs://faq')).toBe('a static resource: one fixed document');
        expect(describeUri('repo://{owner}/{name}')).toBe('a resource template: clients read repo://<owner>/<name>, and the handler receives owner, name');
    });

    it('reproduces the run as one non-interactive command', () => {
        expect(reproduceCommand(partialOf('orders', { install: false, git: false }))).toBe(
            'npx create-mcp-server orders --spec orders/mcp-server.yaml --yes --pm npm --no-install --no-git --force',
        );
        expect(reproduceCommand(partialOf('.', { pm: 'pnpm' }))).toBe('npx create-mcp-server . --spec mcp-server.yaml --yes --pm pnpm --force');
        expect(reproduceCommand({ ...partialOf('My Server'), force: true })).toBe(
            "npx create-mcp-server 'My Server' --spec 'My Server/mcp-server.yaml' --yes --pm npm --force",
        );
    });

    it('summarizes a dry run without install or git', () => {
        const options = finalizeOptions(partialOf('d', { dryRun: true }), environment());
        expect(summaryText(options)).toContain('dry run: nothing is written');
    });
});

describe('add view on a terminal', () => {
    const spec = (tools: unknown[]) => validateSpec({ tools }, { name: 'x', description: 'x' });

    it('offers only the tools of the spec that have no view yet', async () => {
        const prompter = createScriptedPrompter([['view.tool', 'table']]);
        const chosen = await askViewTool(
            spec([
                { name: 'chart', description: 'C', ui: true },
                { name: 'table', description: 'Rows\nand more' },
            ]),
            prompter,
        );
        expect(chosen).toBe('table');
        expect(prompter.asked.map((q) => q.id)).toEqual(['view.tool']);
    });

    it('says why there is nothing to choose', async () => {
        await expect(askViewTool(spec([]), createScriptedPrompter([]))).rejects.toThrow(/^add view: mcp-server\.yaml describes no tool;/);
        await expect(askViewTool(spec([{ name: 'chart', description: 'C', ui: true }]), createScriptedPrompter([]))).rejects.toThrow(
            'add view: every tool of mcp-server.yaml has a view already',
        );
    });

    it('is cancelled by Ctrl-C', async () => {
        await expect(askViewTool(spec([{ name: 'table', description: 'T' }]), createScriptedPrompter([['view.tool', CTRL_C]]))).rejects.toBeInstanceOf(
            CancelledError,
        );
    });
});
