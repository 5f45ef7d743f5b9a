/**
 * `--openapi` through the built binary: a bad document is one line and nothing written; renames
 * and the tool count are printed; the spec file's `document:` is read against the spec's folder;
 * a re-run over the project with --dry-run says which tools appear, change or go.
 */
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, run, tempDir } from './run.js';

const require = createRequire(import.meta.url);
const examples = join(dirname(require.resolve('@readme/oas-examples/package.json')), '3.0/json');
const noSteps = ['--yes', '--no-install', '--no-git'];

describe('create-mcp-server --openapi', () => {
    it('refuses a missing or non-OpenAPI document in one line naming the flag, writing nothing', async () => {
        const cwd = tempDir();
        for (const [document, reason] of [
            ['missing.yaml', /missing\.yaml: no such file/],
            [join(FIXTURES, 'orders.yaml'), /no "openapi" or "swagger" field; expected Swagger 2\.0 or OpenAPI 3\.0 or 3\.1/],
        ] as const) {
            const result = await run(['api', '--openapi', document, ...noSteps], { cwd });
            expect(result.code).toBe(1);
            const lines = result.stderr.trim().split('\n');
            expect(lines).toHaveLength(1);
            expect(lines[0]).toMatch(/--openapi/);
            expect(lines[0]).toMatch(reason);
        }
        expect(readdirSync(cwd)).toEqual([]);
    });

    it('prints the renames and, above 40 tools, the count, the client limits, the filter flags and search mode', async () => {
        const cwd = tempDir();
        const result = await run(['tree', '--openapi', join(FIXTURES, 'openapi/main.yaml'), ...noSteps], { cwd });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout + result.stderr).toContain('operation "replace node!" (PUT /nodes/{id}) is the tool replace_node');

        const few = await run(['styles', '--openapi', join(examples, 'parameters-style.json'), '--dry-run', ...noSteps], { cwd });
        expect(few.code, few.stderr).toBe(0);
        expect(few.stdout + few.stderr).not.toMatch(/Clients take only so many/);
        const github = join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');
        const many = await run(['github', '--openapi', github, '--dry-run', ...noSteps], { cwd });
        expect(many.code, many.stderr).toBe(0);
        expect(many.stdout + many.stderr).toContain(
            'OpenAPI: 1223 tools. Clients take only so many: Cursor 40, Windsurf 100, VS Code 128 per request. ' +
                'Narrow them with --openapi-tags, --openapi-include, --openapi-exclude or --openapi-read-only (or GITHUB_TOOLS at run time), ' +
                'or serve them through three tools that search, describe and call them: --openapi-mode search (or GITHUB_TOOL_MODE=search at run time).',
        );
        // 1223 operations rename more than 20: the first 20 are named, the rest counted.
        expect((many.stdout.match(/^! operation /gm) ?? []).length).toBe(20);
        expect(many.stdout).toMatch(/OpenAPI: \d+ more operations are renamed the same ways/);
        const search = await run(['github', '--openapi', github, '--openapi-mode', 'search', '--dry-run', ...noSteps], { cwd });
        expect(search.code, search.stderr).toBe(0);
        expect(search.stdout + search.stderr).not.toMatch(/Clients take only so many/);
        const filtered = await run(['styles', '--openapi', join(examples, 'parameters-style.json'), '--openapi-include', 'query_*', '--dry-run', ...noSteps], {
            cwd,
        });
        expect(filtered.stdout + filtered.stderr).toContain('OpenAPI: 6 of 25 operations kept by the filters');
    });

    it('reads a spec file document next to the spec, copies it, and tells on a re-run what appears, changes or goes', async () => {
        const cwd = tempDir();
        const specDir = join(cwd, 'specs');
        cpSync(join(FIXTURES, 'openapi'), join(specDir, 'api'), { recursive: true });
        writeFileSync(join(specDir, 'server.yaml'), 'name: tree\nsystems:\n  - type: openapi\n    document: api/main.yaml\n');
        const first = await run(['tree', '--spec', join(specDir, 'server.yaml'), ...noSteps], { cwd });
        expect(first.code, first.stderr).toBe(0);
        const dir = join(cwd, 'tree');
        expect(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')).toContain('document: openapi.json');
        // The copy is one bundled document: the files it referenced are inside it.
        const copy = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8'));
        expect(Object.keys(copy['x-bundled'])).toEqual(['parameters', 'schemas', 'owner']);

        // The API changes: getNode is offered now, and the PUT takes a new field.
        copy.paths['/nodes/{id}'].get['x-mcp'] = true;
        copy['x-bundled'].schemas.Node.properties.color = { type: 'string' };
        writeFileSync(join(dir, 'openapi.json'), JSON.stringify(copy));
        const again = await run(['.', '--spec', 'mcp-server.yaml', '--force', '--dry-run', ...noSteps], { cwd: dir });
        expect(again.code, again.stderr).toBe(0);
        const out = again.stdout + again.stderr;
        expect(out).toContain('OpenAPI: 1 tool appear: getNode');
        expect(out).toContain('OpenAPI: 1 tool change: replace_node');
        expect(existsSync(join(dir, 'src/openapi/data/operations.json'))).toBe(true);
        expect(readFileSync(join(dir, 'src/openapi/data/operations.json'), 'utf8')).not.toContain('getNode');
    });
});
