/**
 * The command line: parses flags, runs the pipeline, prints, and maps outcomes to exit codes.
 * The only module that touches `process`.
 */
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CancelledError, UsageError } from './errors.js';
import { type GenerateResult, generate } from './generate.js';
import { type CliFlags, type Environment, finalizeOptions, resolveOptions } from './options.js';
import { PACKAGE_MANAGERS } from './pm.js';
import { createReporter } from './report.js';
import { SpecError } from './spec.js';
import { parseSpecText } from './spec-file.js';
import { SYSTEMS } from './systems/index.js';
import { TemplateError } from './handlebars.js';

export const EXIT = { ok: 0, usage: 1, step: 3, cancelled: 130 } as const;

async function version(): Promise<string> {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
}

function buildProgram(ver: string): Command {
    const systems = SYSTEMS.map((s) => `${s.id} (${s.description})`).join('; ');
    return new Command('create-mcp-server')
        .description('Create a complete, tested TypeScript MCP server (SDK v2) from flags, a spec file or questions.')
        .argument('[directory]', 'where the project goes; "." means the current directory (default: my-mcp-server)')
        .option('-n, --name <name>', 'npm package and MCP server name (default: the directory name)')
        .option('-d, --description <text>', 'one-line description')
        .option('-t, --transport <list>', 'stdio, http, or stdio,http (default: stdio,http)')
        .option('--tool <name>', 'add a tool skeleton (repeatable)', collect)
        .option('--resource <uri>', 'add a resource; {var} in the URI makes a template (repeatable)', collect)
        .option('--prompt <name>', 'add a prompt skeleton (repeatable)', collect)
        .option('-w, --with <systems>', `external systems, comma list: ${systems}`)
        .option('-s, --spec <file>', 'JSON or YAML server description; flags override its fields')
        .option('--template <dir>', "a team's template directory layered over the built-in one (also CREATE_MCP_SERVER_TEMPLATE)")
        .addOption(new Option('--pm <name>', 'package manager (default: the one that ran this, else npm)').choices(PACKAGE_MANAGERS))
        .option('--install', 'install dependencies (default)', true)
        .option('--no-install', 'do not install dependencies')
        .option('--git', 'git init and a first commit (default)', true)
        .option('--no-git', 'no git repository')
        .option('-y, --yes', 'never prompt; take defaults for everything unsaid')
        .option('--force', 'write into a non-empty directory (only generated files are replaced)')
        .option('--dry-run', 'print the files that would be written; write nothing, run nothing')
        .option('--json', 'print one JSON object on stdout; logs go to stderr')
        .version(ver, '-v, --version')
        .helpOption('-h, --help', 'show this help')
        .addHelpText(
            'after',
            `
Examples:
  npx create-mcp-server my-server
  npx create-mcp-server orders --spec orders.yaml --yes
  npx create-mcp-server db --with postgres --transport stdio --yes
  npx create-mcp-server demo --tool search --resource "docs://{page}" --prompt review --no-install

Exit codes: 0 done, 1 bad input (nothing written), 3 install or git failed (project kept), 130 cancelled.`,
        )
        .showSuggestionAfterError()
        .exitOverride()
        .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
}

function collect(value: string, previous: string[] = []): string[] {
    return [...previous, value];
}

function printResult(result: GenerateResult, out: (line: string) => void): void {
    if (result.dryRun) {
        out(`Dry run: would write ${result.files.length} files in ${result.directory}:`);
        for (const file of result.files) {
            const notes = [result.fromTeam.includes(file) ? 'team template' : '', result.replaced.includes(file) ? 'replaces existing' : ''].filter(Boolean);
            out(`  ${file}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`);
        }
        out('Nothing was written.');
        return;
    }
    if (result.replaced.length > 0) out(`Replaced ${result.replaced.length} existing files (--force).`);
    out('');
    out(result.finish ? 'The project is generated, but a step failed. Finish with:' : 'Done. Next steps:');
    out('');
    for (const step of result.finish ? [result.finish] : result.nextSteps) out(`  ${step}`);
    out('');
}

export async function main(argv: string[] = process.argv): Promise<number> {
    const ver = await version();
    const program = buildProgram(ver);
    try {
        program.parse(argv);
    } catch (error) {
        if (error instanceof CommanderError) {
            // --help and --version end here too, with exit code 0.
            return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        }
        throw error;
    }
    const flags = program.opts<CliFlags>();
    const json = flags.json ?? false;
    const color = !json && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const report = createReporter(json ? process.stderr : process.stdout, { color });
    const environment: Environment = {
        cwd: process.cwd(),
        env: process.env,
        isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    };

    // Interruptions during the write remove the staging folder, so nothing half-written stays.
    let staging: string | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
        if (staging) rmSync(staging, { recursive: true, force: true });
        process.stderr.write(`\nOperation cancelled (${signal})\n`);
        process.exit(EXIT.cancelled);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    try {
        let specData: { file: string; data: unknown } | undefined;
        if (flags.spec !== undefined) {
            let text: string;
            try {
                text = await readFile(flags.spec, 'utf8');
            } catch (error) {
                throw new UsageError(`--spec: cannot read ${flags.spec}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
            }
            specData = { file: flags.spec, data: parseSpecText(text, flags.spec) };
        }
        let partial = resolveOptions(program.args[0], flags, environment, specData);
        let reproduce: string | undefined;
        if (partial.interactive) {
            // Loaded only on a terminal: scripts and CI never pay for inquirer.
            const { runWizard, reproduceCommand } = await import('./wizard/index.js');
            // A typed --install/--no-install or --git/--no-git is an answer; commander's default is not.
            partial.installKnown = program.getOptionValueSource('install') === 'cli';
            partial.gitKnown = program.getOptionValueSource('git') === 'cli';
            partial = await runWizard(partial, environment);
            reproduce = reproduceCommand(partial);
        }
        const options = finalizeOptions(partial, environment);
        const result = await generate(options, report, { onStaging: (dir) => (staging = dir) });
        if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
            printResult(result, (line) => report.info(line));
            if (reproduce && !result.dryRun) report.info(`To make the same project again without questions:\n\n  ${reproduce}\n`);
        }
        return result.finish ? EXIT.step : EXIT.ok;
    } catch (error) {
        const known = error instanceof UsageError || error instanceof SpecError || error instanceof TemplateError;
        const code = error instanceof CancelledError ? EXIT.cancelled : known ? EXIT.usage : EXIT.usage;
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`${known || error instanceof CancelledError ? '' : 'Unexpected error: '}${message}\n`);
        if (!known && !(error instanceof CancelledError) && process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
        if (json) process.stdout.write(`${JSON.stringify({ error: message, exitCode: code })}\n`);
        return code;
    } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
    }
}
