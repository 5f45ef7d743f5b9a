/** `create-mcp-server templates eject <dir>`: the built-in templates, copied out as a team's starting point. */
import { cp, readdir } from 'node:fs/promises';
import { BUILT_IN_TEMPLATES } from '../render/templates.js';
import { checkTargetPolicy, inspectTarget } from '../steps/write.js';

/** Copies every built-in template into `targetDir`; returns how many files were copied. */
export async function ejectTemplates(targetDir: string, directory: string, force: boolean): Promise<number> {
    checkTargetPolicy(await inspectTarget(targetDir, BUILT_IN_TEMPLATES), directory, force);
    await cp(BUILT_IN_TEMPLATES, targetDir, { recursive: true, force: true });
    const entries = await readdir(BUILT_IN_TEMPLATES, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).length;
}
