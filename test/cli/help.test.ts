/** Help texts as printed: each default said once, and `templates` alone shows its own help. */
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './run.js';

describe('help', () => {
    it('--help says each default once', async () => {
        const result = await run(['--help'], { cwd: tempDir() });
        expect(result.code).toBe(0);
        const text = result.stdout.replace(/\s+/g, ' ');
        expect(text).not.toMatch(/\(default\)\s*\(default/);
        expect(text).toContain('--install install dependencies (default: true)');
        expect(text).toContain('--git git init and a first commit (default: true)');
        // No empty default, no word said twice in a row (`OpenAPI: OpenAPI document`), no bare `--no-` line.
        expect(text).not.toContain('(default: )');
        expect(text).not.toMatch(/(?<![-<\w])([a-z]{3,})[ :]+\1\b/i);
        expect(result.stdout).not.toMatch(/^\s*--no-[\w-]+\s*$/m);
        expect(text).toContain('--openapi <file-or-url>');
    });

    it('names the flag a system chosen with --with still needs', async () => {
        const result = await run(['api', '--with', 'openapi', '--yes', '--no-install', '--no-git'], { cwd: tempDir() });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('--with openapi: needs --openapi <file-or-url>');
        expect(result.stderr).not.toContain('systems[0]');
    });

    it('`templates` without a subcommand prints its help, naming eject', async () => {
        const result = await run(['templates'], { cwd: tempDir() });
        expect(result.stderr).toContain('Usage: create-mcp-server templates');
        expect(result.stderr).toMatch(/eject \[options\] <dir>/);
    });
});
