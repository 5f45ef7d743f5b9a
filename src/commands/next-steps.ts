/** The short list of commands a user runs after generation. Pure. */
import { type PackageManager, runScript } from '../shared/pm.js';

export interface NextStepsInput {
    directory: string;
    pm: PackageManager;
    installed: boolean;
    stdio: boolean;
    http: boolean;
}

/** A directory as a shell word: quoted when it holds anything but plain path characters. */
export function shellWord(text: string): string {
    return /[^\w./@-]/.test(text) ? `'${text.replace(/'/g, `'\\''`)}'` : text;
}

export function nextSteps({ directory, pm, installed, stdio, http }: NextStepsInput): string[] {
    const steps: string[] = [];
    if (directory !== '.') steps.push(`cd ${shellWord(directory)}`);
    if (!installed) steps.push(`${pm} install`);
    steps.push(runScript(pm, 'build'), runScript(pm, 'test'));
    if (stdio) steps.push(`${runScript(pm, 'inspect')}    # try it in the MCP Inspector`);
    if (http)
        steps.push(stdio ? 'node dist/index.js --http    # Streamable HTTP on http://127.0.0.1:3000/mcp' : 'node dist/index.js    # http://127.0.0.1:3000/mcp');
    return steps;
}
