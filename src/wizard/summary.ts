/**
 * What the wizard shows before writing, and the command that repeats the run without questions. Pure.
 */
import { activeIntegrations, getIntegration, itemsOf } from '../integrations/index.js';
import type { Options, PartialOptions } from '../core/options.js';
import { uriVariables } from '../core/spec.js';
import { oneLine } from '../shared/quote.js';

function list(names: string[]): string {
    return names.length === 0 ? 'none' : names.join(', ');
}

/**
 * The summary shown before the one confirmation: directory, transports, systems, tools, resources,
 * prompts. `prepared` holds what the integrations' prepare steps read (the tools of an OpenAPI document).
 */
export function summaryText(options: Options, target: { existingEntries: number } = { existingEntries: 0 }, prepared: Record<string, unknown> = {}): string {
    const { spec } = options;
    // Items the integrations bring (a system's, the examples), each marked with where it comes from.
    const contributed = activeIntegrations(spec, prepared).flatMap(({ integration, ctx }) =>
        itemsOf(integration, ctx).map((item) => ({ item, from: integration })),
    );
    // Text from a spec file reaches the terminal escaped: no control character or escape sequence acts there.
    const resourceLabel = (r: { name: string; uri: string }) => `${r.name} (${uriVariables(r.uri) ? 'template ' : ''}${oneLine(r.uri, { max: 120 })})`;
    const fromIntegrations = (kind: 'tool' | 'resource' | 'prompt') =>
        contributed
            .filter(({ item }) => item.kind === kind)
            .flatMap(({ item, from }) => {
                // A module that registers many tools: the first few by name, the rest counted.
                if (!('spec' in item) && item.names) {
                    const shown = item.names.slice(0, 5).map((name) => `${name} (${from.id})`);
                    return item.names.length > 5 ? [...shown, `and ${item.names.length - 5} more (${from.id})`] : shown;
                }
                if (!('spec' in item)) return `${item.name} (${from.id})`;
                return item.kind === 'resource' ? `${resourceLabel(item.spec)}, ${from.id}` : `${item.spec.name} (${from.id})`;
            });

    const tools = [...fromIntegrations('tool'), ...spec.tools.map((t) => (t.ui ? `${t.name} (with a view)` : t.name))];
    const toolCount =
        contributed.reduce((n, { item }) => n + (item.kind !== 'tool' ? 0 : 'spec' in item ? 1 : (item.names?.length ?? 1)), 0) + spec.tools.length;
    const resources = [...fromIntegrations('resource'), ...spec.resources.map(resourceLabel)];
    const prompts = [...fromIntegrations('prompt'), ...spec.prompts.map((p) => p.name)];

    const where =
        target.existingEntries > 0
            ? `${options.directory}  (${options.targetDir}; not empty: only the generated files are written)`
            : `${options.directory}  (${options.targetDir})`;
    const steps = [options.install ? `install with ${options.pm}` : `no install (${options.pm})`, options.git ? 'git init' : 'no git'];
    const rows: [string, string][] = [
        ['Directory', where],
        ['Package', `${spec.name} ${spec.version}: ${oneLine(spec.description.split('\n')[0]!, { max: 120 })}`],
        ['Transports', spec.transports.join(', ')],
        ['Systems', list(spec.systems.map((s) => `${getIntegration(s.type)?.label ?? s.type} (${s.type})`))],
        [`Tools (${toolCount})`, list(tools)],
        [`Resources (${resources.length})`, list(resources)],
        [`Prompts (${prompts.length})`, list(prompts)],
        ['Then', options.dryRun ? 'dry run: nothing is written' : steps.join(', ')],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
    if (spec.examples) lines.push('', '  No tools, resources or prompts described: the project gets small working examples to replace.');
    return ['', 'About to create:', ...lines, ''].join('\n');
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
    return /^[A-Za-z0-9_./@:=+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one-line command that makes the same project again without questions, from the spec the run
 * saved in the project (`<directory>/mcp-server.yaml`, which also records a team template and its
 * revision), run from the same place. Meant to be printed
 * after a real (not dry) run.
 */
export function reproduceCommand(partial: PartialOptions): string {
    const directory = partial.directory ?? 'my-mcp-server';
    const specPath = directory === '.' ? 'mcp-server.yaml' : `${directory.replace(/\/+$/, '')}/mcp-server.yaml`;
    const words = ['npx', 'create-mcp-server', directory, '--spec', specPath, '--yes', '--pm', partial.pm];
    if (!partial.install) words.push('--no-install');
    if (!partial.git) words.push('--no-git');
    // The project is there once the run is done: only its generated files are written again.
    words.push('--force');
    if (partial.dryRun) words.push('--dry-run');
    return words.map(shellWord).join(' ');
}
