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
    });

    it('`templates` without a subcommand prints its help, naming eject', async () => {
        const result = await run(['templates'], { cwd: tempDir() });
        expect(result.stderr).toContain('Usage: create-mcp-server templates');
        expect(result.stderr).toMatch(/eject \[options\] <dir>/);
    });
});
