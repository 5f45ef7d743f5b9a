/**
 * What the wizard shows before writing, and the command that repeats the run without questions. Pure.
 */
import { examplePrompts, exampleResources, exampleTools } from '../examples.js';
import type { Options, PartialOptions } from '../options.js';
import { uriVariables } from '../spec.js';
import { getSystem } from '../systems/index.js';

function list(names: string[]): string {
    return names.length === 0 ? 'none' : names.join(', ');
}

/** The summary shown before the one confirmation: directory, transports, systems, tools, resources, prompts. */
export function summaryText(options: Options, target: { existingEntries: number } = { existingEntries: 0 }): string {
    const { spec } = options;
    const examples = spec.tools.length + spec.resources.length + spec.prompts.length === 0 && spec.systems.length === 0;
    const fromSystems = (kind: 'tool' | 'resource' | 'prompt') =>
        spec.systems.flatMap((s) => (getSystem(s.type)?.items ?? []).filter((i) => i.kind === kind).map((i) => `${i.name} (${s.type})`));
    const resourceLabel = (r: { name: string; uri: string }) => `${r.name} (${uriVariables(r.uri) ? 'template ' : ''}${r.uri})`;

    const tools = examples ? exampleTools.map((t) => `${t.name} (example)`) : [...fromSystems('tool'), ...spec.tools.map((t) => t.name)];
    const resources = examples ? exampleResources.map((r) => `${resourceLabel(r)}, example`) : [...fromSystems('resource'), ...spec.resources.map(resourceLabel)];
    const prompts = examples ? examplePrompts.map((p) => `${p.name} (example)`) : [...fromSystems('prompt'), ...spec.prompts.map((p) => p.name)];

    const where =
        target.existingEntries > 0
            ? `${options.directory}  (${options.targetDir}; not empty: only the generated files are written)`
            : `${options.directory}  (${options.targetDir})`;
    const steps = [options.install ? `install with ${options.pm}` : `no install (${options.pm})`, options.git ? 'git init' : 'no git'];
    const rows: [string, string][] = [
        ['Directory', where],
        ['Package', `${spec.name} ${spec.version}: ${spec.description.split('\n')[0]}`],
        ['Transports', spec.transports.join(', ')],
        ['Systems', list(spec.systems.map((s) => `${getSystem(s.type)?.label ?? s.type} (${s.type})`))],
        [`Tools (${tools.length})`, list(tools)],
        [`Resources (${resources.length})`, list(resources)],
        [`Prompts (${prompts.length})`, list(prompts)],
        ['Then', options.dryRun ? 'dry run: nothing is written' : steps.join(', ')],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
    if (examples) lines.push('', '  No tools, resources or prompts described: the project gets small working examples to replace.');
    return ['', 'About to create:', ...lines, ''].join('\n');
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
    return /^[A-Za-z0-9_./@:=+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one-line command that makes the same project again without questions, from the spec the run
 * saved in the project (`<directory>/mcp-server.yaml`). Meant to be printed after a real (not dry) run.
 */
export function reproduceCommand(partial: PartialOptions): string {
    const directory = partial.directory ?? 'my-mcp-server';
    const specPath = directory === '.' ? 'mcp-server.yaml' : `${directory.replace(/\/+$/, '')}/mcp-server.yaml`;
    const words = ['npx', 'create-mcp-server', directory, '--spec', specPath, '--yes', '--pm', partial.pm];
    if (!partial.install) words.push('--no-install');
    if (!partial.git) words.push('--no-git');
    if (partial.force) words.push('--force');
    if (partial.dryRun) words.push('--dry-run');
    return words.map(shellWord).join(' ');
}
