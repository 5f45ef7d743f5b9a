/**
 * What the authorization mode chosen at generation decides outside `src/auth.ts`: which
 * variables are required (and so set in `.env.example`, `isRequired` in `server.json`, asked for by
 * the client configurations), the token the client configurations and the README's connection lines
 * send in token mode, and that the providers' settings the README documents are the ones the
 * generated tests run.
 */
import { describe, expect, it } from 'vitest';
import { renderProject } from '../../src/commands/generate.js';
import { type CliFlags, finalizeOptions, resolveOptions } from '../../src/core/options.js';
import { REQUIRED_BY_MODE } from '../../src/integrations/auth.js';
import { cursorMcpJson, httpCredentials, vscodeMcpJson } from '../../src/integrations/client-configs.js';
import type { EnvVar } from '../../src/integrations/types.js';

const environment = { cwd: '/projects', env: {}, isTTY: false };

async function project(data: Record<string, unknown>, flags: Partial<CliFlags> = {}): Promise<Map<string, string>> {
    const partial = resolveOptions('demo', { install: false, git: false, ...flags }, environment, { file: 'spec.yaml', data });
    const files = await renderProject(finalizeOptions(partial, environment).spec, undefined);
    return new Map(files.map((f) => [f.path, f.contents]));
}

const json = (files: Map<string, string>, path: string) => JSON.parse(files.get(path) ?? 'null') as Record<string, any>;

/** The variables `.env.example` sets (uncommented): the required ones. */
const setInEnvExample = (files: Map<string, string>) => [...(files.get('.env.example') ?? '').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);

const MODES = ['none', 'token', 'jwt', 'introspection'] as const;

describe('variables required by the authorization mode', () => {
    it.each(MODES)('%s: .env.example sets exactly what the mode needs, and server.json marks exactly those required', async (mode) => {
        const files = await project({ transports: ['http'], auth: mode });
        expect(setInEnvExample(files)).toEqual(REQUIRED_BY_MODE[mode]);
        const variables = json(files, 'server.json').packages[0].environmentVariables as { name: string; isRequired: boolean }[];
        expect(variables.filter((v) => v.isRequired).map((v) => v.name)).toEqual(REQUIRED_BY_MODE[mode]);
        // The README's table says the others are optional.
        for (const name of REQUIRED_BY_MODE[mode]) expect(files.get('README.md')).toMatch(new RegExp(`\\| \`${name}\` \\| [^|\\n]*(?<!\\(optional[^|]*) \\|`));
        expect(files.get('README.md')).toContain('| `MCP_AUTH_JWKS_URL` |');
        expect(files.get('README.md')).toMatch(/\| `MCP_AUTH_JWKS_URL` \| [^\n]*\(optional\) \|/);
    });

    it('the registry entry of a stdio package reads none of them, whatever the mode', async () => {
        const files = await project({ auth: 'introspection' });
        const variables = (json(files, 'server.json').packages[0].environmentVariables ?? []) as { name: string }[];
        expect(variables.filter((v) => v.name.startsWith('MCP_AUTH'))).toEqual([]);
        expect(json(files, 'server.json').packages[0].transport).toEqual({ type: 'stdio' });
    });
});

describe('token mode: what clients are given', () => {
    const authorization = (reference: string) => ({ Authorization: `Bearer ${reference}` });

    it('an HTTP-only project: both editors send the token, VS Code asking for it as a password, Cursor reading its environment', async () => {
        const files = await project({ transports: ['http'], auth: 'token' });
        const vscode = json(files, '.vscode/mcp.json');
        expect(vscode.inputs).toEqual([
            { type: 'promptString', id: 'mcp-auth-token', description: expect.stringContaining('shared bearer token'), password: true },
        ]);
        expect(vscode.servers).toEqual({ demo: { type: 'http', url: 'http://127.0.0.1:3000/mcp', headers: authorization('${input:mcp-auth-token}') } });
        expect(json(files, '.cursor/mcp.json').mcpServers).toEqual({
            demo: { url: 'http://127.0.0.1:3000/mcp', headers: authorization('${env:MCP_AUTH_TOKEN}') },
        });
    });

    it('a project serving both: the stdio entries as before, and an HTTP entry beside them that sends the token', async () => {
        const files = await project({ auth: 'token' });
        const vscode = json(files, '.vscode/mcp.json');
        expect(Object.keys(vscode.servers)).toEqual(['demo', 'demo-dev', 'demo-http']);
        expect(vscode.servers.demo).toEqual({ type: 'stdio', command: 'node', args: ['${workspaceFolder}/dist/index.js'] });
        expect(vscode.servers['demo-http'].headers).toEqual(authorization('${input:mcp-auth-token}'));
        expect(vscode.inputs.map((i: { id: string }) => i.id)).toEqual(['mcp-auth-token']);
        expect(json(files, '.cursor/mcp.json').mcpServers['demo-http'].headers).toEqual(authorization('${env:MCP_AUTH_TOKEN}'));
    });

    it.each(['none', 'jwt', 'introspection'])('%s mode: no token in any client configuration', async (mode) => {
        for (const data of [{ auth: mode }, { transports: ['http'], auth: mode }]) {
            const files = await project(data);
            for (const path of ['.vscode/mcp.json', '.cursor/mcp.json']) expect(files.get(path)).not.toMatch(/MCP_AUTH|Authorization|-http/);
            expect(json(files, 'server.json').packages[0].transport).not.toHaveProperty('headers');
        }
    });

    it('server.json of an HTTP-only package sends the token in the transport header, naming the variable', async () => {
        const transport = json(await project({ transports: ['http'], auth: 'token' }), 'server.json').packages[0].transport;
        expect(transport).toEqual({
            type: 'streamable-http',
            url: 'http://127.0.0.1:{PORT}/mcp',
            headers: [{ name: 'Authorization', value: 'Bearer {MCP_AUTH_TOKEN}', description: expect.any(String), isRequired: true, isSecret: true }],
        });
    });

    it("the README's Claude Code and mcp-remote lines send the token from the environment", async () => {
        const readme = (await project({ auth: 'token' })).get('README.md') ?? '';
        expect(readme).toContain('`claude mcp add --transport http demo http://127.0.0.1:3000/mcp --header "Authorization: Bearer $MCP_AUTH_TOKEN"`');
        const block = /```json\n(\{\n {2}"mcpServers": \{\n {4}"demo": \{\n {6}"command": "npx",[\s\S]*?)```/.exec(readme)?.[1];
        expect(JSON.parse(block ?? 'null')).toEqual({
            mcpServers: {
                demo: {
                    command: 'npx',
                    args: ['-y', 'mcp-remote', 'http://127.0.0.1:3000/mcp', '--header', 'Authorization:${AUTHORIZATION_HEADER}'],
                    env: { AUTHORIZATION_HEADER: 'Bearer <MCP_AUTH_TOKEN>' },
                },
            },
        });
        const plain = (await project({ auth: 'jwt' })).get('README.md') ?? '';
        expect(plain).toContain('`claude mcp add --transport http demo http://127.0.0.1:3000/mcp`.');
        expect(plain).not.toContain('--header');
    });
});

describe('the mechanism, beyond the shared token', () => {
    const variable = (name: string, required: boolean, clientHeader?: EnvVar['clientHeader']): EnvVar => ({
        name,
        description: name,
        example: '',
        required,
        secret: true,
        ...(clientHeader && { clientHeader }),
    });

    it('any required variable with a client header becomes a header clients send, optional ones do not', () => {
        const env = [
            variable('API_KEY', true, { name: 'X-Api-Key', prefix: '' }),
            variable('OPTIONAL_KEY', false, { name: 'X-Other', prefix: '' }),
            variable('DATABASE_URL', true),
        ];
        const credentials = httpCredentials(env);
        expect(credentials.map((v) => v.name)).toEqual(['API_KEY']);
        const input = { key: 'svc', stdio: false, env: [], credentials };
        expect(JSON.parse(vscodeMcpJson(input)).servers.svc.headers).toEqual({ 'X-Api-Key': '${input:api-key}' });
        expect(JSON.parse(cursorMcpJson(input)).mcpServers.svc.headers).toEqual({ 'X-Api-Key': '${env:API_KEY}' });
    });
});

describe('the providers the README documents', () => {
    it('are configured with exactly the settings the generated tests run', async () => {
        const files = await project({ transports: ['http'], auth: 'jwt' });
        const readme = files.get('README.md') ?? '';
        const table = readme.slice(readme.indexOf('#### Providers'), readme.indexOf('\n\n', readme.indexOf('| Google |')));
        const rows = table.split('\n').filter((line) => /^\| (Microsoft|Auth0|Okta|Keycloak|Amazon|Google)/.test(line));
        expect(rows).toHaveLength(7);
        const tests = files.get('test/auth.test.ts') ?? '';
        let checked = 0;
        for (const row of rows) {
            const settings = [...row.matchAll(/`(MCP_AUTH_[A-Z_]+)=([^`<]+)`/g)].map(([, name, value]) => ({ name, value }));
            for (const { name, value } of settings) {
                // Each documented setting without a placeholder is one the provider tests set, with this value.
                if (value.endsWith('>')) continue;
                expect(tests, `${name}=${value} (${row.slice(0, 40)})`).toMatch(new RegExp(`${name}: '${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
                checked++;
            }
        }
        expect(checked).toBeGreaterThanOrEqual(10);
    });
});
