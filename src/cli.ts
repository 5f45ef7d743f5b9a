/**
 * The command line: parses flags, runs the pipeline, prints, and maps outcomes to exit codes.
 * The only module that touches `process`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { AddKind, ViewRequest } from './commands/add.js';
import { CancelledError, InputError, InterruptedError, TemplateError, UsageError } from './shared/errors.js';
import type { GenerateResult } from './commands/generate.js';
import { type CliFlags, type Environment, finalizeOptions, resolveOptions } from './core/options.js';
import { PACKAGE_MANAGERS } from './shared/pm.js';
import { oneLine, quote, quotePath } from './shared/quote.js';
import { type Reporter, createReporter } from './shared/report.js';
import { SpecError } from './core/spec.js';
import { DEFAULT_INPUT_POLICY, OPTION_FLAGS, SWITCHABLE, SYSTEMS, optionDefaultText, optionPlaceholder } from './integrations/index.js';
import { PACKAGE_JSON } from './paths.js';
import { removeStagingNow } from './steps/write.js';

// What each command needs beyond parsing flags (templates, Handlebars, YAML, execa) is imported
// where it is used, so --help and bad flags answer without loading it.

export const EXIT = { ok: 0, usage: 1, step: 3, conflicts: 4, cancelled: 130 } as const;

async function version(): Promise<string> {
    const pkg = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string };
    return pkg.version;
}

/** The integrations' flags: their options' own (`--auth <mode>`), then `--no-<part>` for each switchable part. */
function addIntegrationFlags(program: Command): Command {
    for (const { integration, option } of OPTION_FLAGS) {
        const values = option.type === 'enum' ? `: ${option.values.join(', ')}` : '';
        // An empty default (a list that means "all") is said by the description itself.
        const defaultText = optionDefaultText(option);
        const fallback = defaultText === '' || option.type === 'boolean' ? '' : ` (default: ${defaultText})`;
        const help = `${integration.label}: ${option.description}${values}${fallback}`;
        if (option.type === 'boolean') program.option(`--${option.flag}`, help).addOption(new Option(`--no-${option.flag}`).hideHelp());
        else program.option(`--${option.flag} <${optionPlaceholder(option)}>`, help);
    }
    // Each part has a hidden positive twin (--docker …) that switches it back on over a spec's `false`;
    // declared first, so an untyped flag stays undefined and the spec decides.
    for (const part of SWITCHABLE) {
        program.addOption(new Option(`--${part.switchFlag}`).hideHelp()).option(`--no-${part.switchFlag}`, part.switchHelp);
    }
    // What an OpenAPI document may reach: flags only, so a spec file cannot widen it.
    return program
        .option('--openapi-ref-root <dir>', "OpenAPI: the folder the document's local $refs may reach (default: the document's own folder)")
        .option('--openapi-allow-network', "OpenAPI: fetch a local document's $refs to URLs, and a URL document's to other origins")
        .option('--openapi-max-size <MB>', 'OpenAPI: most megabytes the document and its references may take together (default: 50)')
        .option('--openapi-timeout <seconds>', 'OpenAPI: most seconds their downloads may take together (default: 60)');
}

function buildProgram(ver: string): Command {
    const systems = SYSTEMS.map((s) => `${s.id} (${s.description})`).join('; ');
    return (
        addIntegrationFlags(
            new Command('create-mcp-server')
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
                .option('--template <source>', `a team's template layered over the built-in one (also CREATE_MCP_SERVER_TEMPLATE): ${TEMPLATE_FORMS}`)
                .addOption(new Option('--pm <name>', 'package manager (default: the one that ran this, else npm)').choices(PACKAGE_MANAGERS))
                .option('--install', 'install dependencies', true)
                .option('--no-install', 'do not install dependencies')
                .option('--git', 'git init and a first commit', true)
                .option('--no-git', 'no git repository')
                .option('-y, --yes', 'never prompt; take defaults for everything unsaid')
                .option('--force', 'write into a non-empty directory (only generated files are replaced)')
                .option('--dry-run', 'print the files that would be written; write nothing, run nothing')
                .option('--json', 'print one JSON object on stdout; logs go to stderr')
                .option(
                    '--registry-name <name>',
                    'name in the MCP registry, e.g. io.github.you/server (default: from the git remote, else the npm scope, else a placeholder)',
                ),
        )
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
  npx create-mcp-server svc --template github:acme/mcp-template#v2     (then, inside it: npx create-mcp-server update)

Exit codes: 0 done, 1 bad input (nothing written), 3 install or git failed (project kept), 4 update left conflicts, 130 cancelled.`,
            )
            .showSuggestionAfterError()
            // Options after `add`/`templates` belong to them (add's -d is not the project's --description).
            .enablePositionalOptions()
            .exitOverride()
            .configureOutput({
                writeErr: (s) => process.stderr.write(s),
                writeOut: (s) => process.stdout.write(s),
                // Commander quotes what was typed in '…': shortened and escaped like every other message.
                outputError: (s, write) => write(s.replace(/'([^']*)'/g, (_, v: string) => `'${oneLine(v)}'`)),
            })
    );
}

const TEMPLATE_FORMS = 'a directory, git+file|https|ssh://…[#ref], github:owner/repo[/subdir][#ref], npm:<name>[@range], or a .tgz';

/** What fetching a template needs from the run: the user's environment, whether git may ask, and where temporary folders are kept track of. */
function templateIo(ctx: RunContext) {
    return {
        env: ctx.environment.env,
        interactive: ctx.environment.isTTY && !ctx.json,
        onTemporary: (dir: string, exists: boolean) => (exists ? ctx.temporary.add(dir) : ctx.temporary.delete(dir)),
    };
}

/** --template, else CREATE_MCP_SERVER_TEMPLATE (an empty variable counts as unset). */
function givenTemplate(flag: string | undefined, environment: Environment): string | undefined {
    return flag ?? (environment.env.CREATE_MCP_SERVER_TEMPLATE || undefined);
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

/** Reads and parses the --spec file, with one-line errors. */
async function readSpecFile(file: string): Promise<{ file: string; data: unknown }> {
    let text: string;
    try {
        // A regular file of reasonable size: a FIFO or a device cannot make the CLI wait.
        const { readRegularFile } = await import('./steps/input.js');
        text = await readRegularFile(resolve(file), { maxBytes: DEFAULT_INPUT_POLICY.maxBytes });
    } catch (error) {
        if (error instanceof InputError) throw new UsageError(`--spec: cannot read ${quotePath(file)}: ${error.message}`);
        throw error;
    }
    const [{ parseSpecText }, { embedIconFiles }] = await Promise.all([import('./core/spec-file.js'), import('./core/icons.js')]);
    // Icon files are read here, at the edge, relative to the spec, and carried on as data: URIs.
    const data = await embedIconFiles(parseSpecText(text, file), file, (path) => readFile(resolve(dirname(file), path)));
    return { file, data };
}

interface RunContext {
    environment: Environment;
    report: Reporter;
    json: boolean;
    /** Remembers the staging folder so an interruption can remove it. */
    setStaging: (dir: string | undefined) => void;
    /** Temporary folders (fetched templates) an interruption removes. */
    temporary: Set<string>;
    /** Says when an install runs, and is aborted to stop it: an interruption then ends the install before the run. */
    install: { onInstall: (running: boolean) => void; cancel: AbortSignal };
}

/** `create-mcp-server [directory]`: a new project. */
async function create(program: Command, directory: string | undefined, flags: CliFlags, ctx: RunContext): Promise<number> {
    const specData = flags.spec === undefined ? undefined : await readSpecFile(flags.spec);
    let partial = resolveOptions(directory, flags, ctx.environment, specData);
    let reproduce: string | undefined;
    if (partial.interactive) {
        // Loaded only on a terminal: scripts and CI never pay for inquirer.
        const { runWizard, reproduceCommand } = await import('./wizard/index.js');
        // A typed --install/--no-install or --git/--no-git is an answer; commander's default is not.
        partial.installKnown = program.getOptionValueSource('install') === 'cli';
        partial.gitKnown = program.getOptionValueSource('git') === 'cli';
        partial = await runWizard(partial, ctx.environment);
        reproduce = reproduceCommand(partial);
    }
    let options = finalizeOptions(partial, ctx.environment);
    if (options.spec.features.registry && options.spec.registryName === undefined) {
        // I/O at the edge: the GitHub owner of the repository the project lands in names it in the registry.
        const [{ githubOwnerOf }, { defaultRegistryName }] = await Promise.all([import('./steps/git-remote.js'), import('./integrations/registry.js')]);
        const owner = githubOwnerOf(options.targetDir);
        if (owner) options = { ...options, spec: { ...options.spec, registryName: defaultRegistryName(options.spec.name, owner).name } };
    }
    // The team template, fetched into a temporary folder (the one given, else the one the spec records, at its revision).
    const { openProjectTemplate } = await import('./steps/template-source.js');
    const template = await openProjectTemplate(givenTemplate(flags.template, ctx.environment), options.spec.template, {
        cwd: ctx.environment.cwd,
        specDir: options.baseDir,
        specLabel: flags.spec,
        ...templateIo(ctx),
        newest: false,
    });
    const spec = { ...options.spec };
    delete spec.template;
    options = { ...options, templateDir: template?.dir, spec: template ? { ...spec, template: template.record } : spec };
    const { generate } = await import('./commands/generate.js');
    let result: GenerateResult;
    try {
        result = await generate(options, ctx.report, { onStaging: ctx.setStaging, ...ctx.install });
    } finally {
        await template?.cleanup();
    }
    if (ctx.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
        printResult(result, (line) => ctx.report.info(line));
        if (reproduce && !result.dryRun) ctx.report.info(`To make the same project again without questions:\n\n  ${reproduce}\n`);
    }
    return result.finish ? EXIT.step : EXIT.ok;
}

interface AddFlags {
    description?: string;
    name?: string;
    mime?: string;
    param?: string[];
    arg?: string[];
    ui?: boolean;
    viewTitle?: string;
    prefersBorder?: boolean;
    connectDomain?: string[];
    resourceDomain?: string[];
    output?: string[];
    confirm?: string | boolean;
    subscribe?: boolean;
    ttl?: string;
    icon?: string;
    template?: string;
    json?: boolean;
}

/** The view the flags describe (`--ui` and the view's options, which imply it), if any. */
function viewOf(flags: AddFlags): true | ViewRequest | undefined {
    const options: ViewRequest = {
        ...(flags.viewTitle !== undefined && { title: flags.viewTitle }),
        ...(flags.prefersBorder !== undefined && { prefersBorder: flags.prefersBorder }),
        ...(flags.connectDomain && { connectDomains: flags.connectDomain }),
        ...(flags.resourceDomain && { resourceDomains: flags.resourceDomain }),
    };
    if (Object.keys(options).length > 0) return options;
    return flags.ui ? true : undefined;
}

/** `create-mcp-server add <kind> <name|uri>`: grows the project in the current directory. */
async function add(kind: string, target: string | undefined, flags: AddFlags, ctx: RunContext): Promise<number> {
    const { ADD_KINDS, readProjectSpec } = await import('./commands/add.js');
    if (!(ADD_KINDS as readonly string[]).includes(kind) && kind !== 'view') {
        throw new UsageError(`add: unknown kind ${quote(kind)}; expected tool, resource, prompt or view`);
    }
    const { cwd } = ctx.environment;
    // The template the project was made with, at its recorded revision (or the one given).
    const { openProjectTemplate } = await import('./steps/template-source.js');
    const template = await openProjectTemplate(givenTemplate(flags.template, ctx.environment), (await readProjectSpec(cwd)).template, {
        cwd,
        specDir: cwd,
        ...templateIo(ctx),
        newest: false,
    });
    try {
        return await addWith(kind, target, flags, ctx, template?.dir);
    } finally {
        await template?.cleanup();
    }
}

async function addWith(kind: string, target: string | undefined, flags: AddFlags, ctx: RunContext, templateDir: string | undefined): Promise<number> {
    const { addItem, addSpecItem, addView, readProjectSpec } = await import('./commands/add.js');
    const { cwd } = ctx.environment;
    const interactive = ctx.environment.isTTY && !ctx.environment.env.CI && !ctx.json;
    let result: Awaited<ReturnType<typeof addItem>>;
    if (kind === 'view') {
        if (target === undefined && interactive) {
            const { askViewTool } = await import('./wizard/index.js');
            target = await askViewTool(await readProjectSpec(cwd));
        }
        if (target === undefined) throw new UsageError('add view: missing the tool, e.g. create-mcp-server add view lookup_sku');
        result = await addView(cwd, target, viewOf(flags) ?? true, templateDir, { onStaging: ctx.setStaging });
    } else if (target !== undefined) {
        result = await addItem(
            cwd,
            {
                kind: kind as AddKind,
                target,
                description: flags.description,
                name: flags.name,
                mime: flags.mime,
                params: flags.param,
                args: flags.arg,
                ui: viewOf(flags),
                output: flags.output,
                confirm: flags.confirm,
                subscribe: flags.subscribe,
                ttl: flags.ttl,
                icon: flags.icon === undefined ? undefined : await iconFlag(flags.icon, cwd),
            },
            templateDir,
            { onStaging: ctx.setStaging },
        );
    } else if (interactive) {
        // On a terminal, the missing item is asked for with the wizard's questions.
        const [{ askItem }, { specToDocument }] = await Promise.all([import('./wizard/index.js'), import('./core/spec.js')]);
        const item = await askItem(kind as AddKind, specToDocument(await readProjectSpec(cwd)));
        result = await addSpecItem(cwd, kind as AddKind, { ...item }, templateDir, { onStaging: ctx.setStaging });
        target = item.name;
    } else {
        throw new UsageError(
            `add ${kind}: missing the ${kind === 'resource' ? 'URI' : 'name'}, e.g. create-mcp-server add ${kind} ${kind === 'resource' ? 'docs://{page}' : 'lookup_sku'}`,
        );
    }
    if (ctx.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
        ctx.report.success(`${kind === 'view' ? `Gave tool ${target} a view` : `Added ${kind} ${target}`}: ${result.written.join(', ')}`);
        for (const file of result.skipped) ctx.report.warn(`${file} was edited by hand, so it was left as it is; describe the new ${kind} there yourself`);
        // New dependencies (a view's) are installed first.
        ctx.report.info(`Next: ${result.written.includes('package.json') ? 'npm install && ' : ''}npm run build && npm test`);
    }
    return EXIT.ok;
}

/** `--icon`: an https URL as it is, an image file (relative to `cwd`) embedded as a data: URI. */
async function iconFlag(value: string, cwd: string): Promise<string> {
    const { iconFromFile, iconProblem, isIconFile } = await import('./shared/icons.js');
    if (!isIconFile(value)) {
        const problem = iconProblem(value);
        if (problem) throw new UsageError(`--icon ${quote(value)}: ${problem}`);
        return value;
    }
    const bytes = await readFile(resolve(cwd, value)).catch(() => {
        throw new UsageError(`--icon: cannot read ${quotePath(value)}`);
    });
    const icon = iconFromFile(bytes, value);
    if ('problem' in icon) throw new UsageError(`--icon: ${quotePath(value)} ${icon.problem}`);
    return icon.uri;
}

interface UpdateFlags {
    template?: string;
    dryRun?: boolean;
    force?: boolean;
    json?: boolean;
}

/** `create-mcp-server update`: exit 0 when merged cleanly (or nothing changed), 4 with conflicts. */
async function update(flags: UpdateFlags, ctx: RunContext): Promise<number> {
    const [{ readProjectSpec }, { checkCleanTree, hasBaseSnapshot, updateProject }, { openProjectTemplate }] = await Promise.all([
        import('./commands/add.js'),
        import('./commands/update.js'),
        import('./steps/template-source.js'),
    ]);
    const { cwd } = ctx.environment;
    const spec = await readProjectSpec(cwd, 'update');
    if (!flags.dryRun && !flags.force) await checkCleanTree(cwd);
    const template = await openProjectTemplate(givenTemplate(flags.template, ctx.environment), spec.template, {
        cwd,
        specDir: cwd,
        ...templateIo(ctx),
        newest: true,
    });
    // A project made before the record of its last generation existed: its base is rendered again from
    // the recorded revision (when that cannot be fetched any more, from the new one: differences then count as edits).
    const recover = !hasBaseSnapshot(cwd) && spec.template?.resolved !== undefined && template?.record.resolved !== spec.template.resolved;
    const oldTemplate = recover
        ? await openProjectTemplate(undefined, spec.template, { cwd, specDir: cwd, ...templateIo(ctx), newest: false }).catch(() => undefined)
        : undefined;
    let result: Awaited<ReturnType<typeof updateProject>>;
    try {
        result = await updateProject(
            cwd,
            {
                spec,
                templateDir: template?.dir,
                record: template?.record,
                baseTemplateDir: oldTemplate?.dir ?? template?.dir,
                dryRun: flags.dryRun ?? false,
            },
            { onStaging: ctx.setStaging },
        );
    } finally {
        await Promise.all([template?.cleanup(), oldTemplate?.cleanup()]);
    }
    if (ctx.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
        const from = result.template
            ? `${result.template.source}${result.template.resolved ? ` (${result.template.resolved})` : ''}`
            : 'the built-in templates';
        if (result.changes.length === 0) ctx.report.info(`Up to date with ${from}.`);
        else {
            ctx.report.info(`${result.dryRun ? 'Dry run: would update' : 'Updated'} from ${from}:`);
            for (const change of result.changes) ctx.report.info(`  ${change.action.padEnd(10)}${change.path}${change.note ? `  (${change.note})` : ''}`);
        }
        if (result.recoveredBase)
            ctx.report.warn(
                'No record of the last generation in .create-mcp-server/: files that differ from the recorded revision were treated as your edits.',
            );
        if (result.dryRun) ctx.report.info('Nothing was written.');
        else if (result.conflicts.length > 0) {
            ctx.report.warn(`Conflicts in ${result.conflicts.join(', ')}: resolve the <<<<<<< ======= >>>>>>> markers, then build, test and commit.`);
        } else if (result.changes.length > 0) {
            const install = result.changes.some((c) => c.path === 'package.json') ? 'npm install && ' : '';
            ctx.report.info(`Next: review the changes (git diff), then ${install}npm run build && npm test`);
        }
    }
    return result.conflicts.length > 0 ? EXIT.conflicts : EXIT.ok;
}

export async function main(argv: string[] = process.argv): Promise<number> {
    // `create-mcp-server --help | head` closes the pipe early: that is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(EXIT.ok);
        throw error;
    });
    const program = buildProgram(await version());
    let job: ((ctx: RunContext) => Promise<number>) | undefined;
    program.action((directory: string | undefined, flags: CliFlags) => {
        job = (ctx) => create(program, directory, flags, ctx);
    });
    program
        .command('add')
        .description('add a tool, resource or prompt to the generated project in the current directory, or a view to one of its tools')
        .argument('<kind>', 'tool, resource, prompt, or view (an interactive view of an existing tool, MCP Apps)')
        .argument('[name]', 'tool or prompt name; for a resource, its URI ({var} makes a template); for a view, the tool')
        .option('-d, --description <text>', 'description')
        .option('--param <spec>', 'tool parameter name:type[?][:description]; type[] for a list; ? = optional (repeatable)', collect)
        .option('--arg <spec>', 'prompt argument name[?][:description] (repeatable)', collect)
        .option('--name <name>', 'resource name (default: from the URI)')
        .option('--mime <type>', 'resource MIME type (default: text/plain)')
        .option('--ui', 'tool: with an interactive view, ui/<tool>/ (MCP Apps)')
        .option('--view-title <text>', "view: its title (default: the tool's)")
        .option('--prefers-border', 'view: ask hosts for a border around it')
        .addOption(new Option('--no-prefers-border', 'view: ask hosts for no border').hideHelp())
        .option('--connect-domain <origin>', 'view: an origin it may fetch from, e.g. https://api.example.com (repeatable)', collect)
        .option('--resource-domain <origin>', 'view: an origin it may load scripts, styles, images or fonts from (repeatable)', collect)
        .option('--output <spec>', 'tool result field, as --param: its structured content (outputSchema) (repeatable)', collect)
        .option('--confirm [when]', 'tool asks the user first: always, or optional (only where the client can ask)')
        .option('--subscribe', 'resource: clients may subscribe to its changes')
        .option('--ttl <seconds>', 'resource: how long 2026-07-28 clients may cache a read')
        .option('--icon <file-or-url>', 'icon: an image file (embedded) or an https URL')
        .option('--template <source>', "the team's template (default: the one mcp-server.yaml records, at its recorded revision)")
        .option('--json', 'print one JSON object on stdout')
        .action((kind: string, target: string | undefined, flags: AddFlags) => {
            job = (ctx) => add(kind, target, flags, ctx);
        });
    program
        .command('update')
        .description(
            'merge the newest template (and this version of create-mcp-server) into the generated project in the current directory, keeping your edits',
        )
        .option('--template <source>', `the template to update from (default: the one mcp-server.yaml records, newest revision): ${TEMPLATE_FORMS}`)
        .option('--dry-run', 'print what would change; write nothing')
        .option('--force', 'update even with uncommitted changes to tracked files (they are merged like any edit)')
        .option('--json', 'print one JSON object on stdout')
        .action((flags: UpdateFlags) => {
            job = (ctx) => update(flags, ctx);
        });
    program
        .command('templates')
        .description('work with templates')
        .command('eject')
        .description('copy the built-in templates into <dir>, as a starting point for --template')
        .argument('<dir>', 'where to copy them')
        .option('--force', 'write into a non-empty directory')
        .action((dir: string, flags: { force?: boolean }) => {
            job = async (ctx) => {
                const target = resolve(ctx.environment.cwd, dir);
                const { ejectTemplates } = await import('./commands/eject.js');
                const count = await ejectTemplates(target, dir, flags.force ?? false);
                ctx.report.success(`Copied ${count} template files to ${target}`);
                ctx.report.info(`Use them with: create-mcp-server my-server --template ${dir}   (or CREATE_MCP_SERVER_TEMPLATE)`);
                return EXIT.ok;
            };
        });

    try {
        await program.parseAsync(argv);
    } catch (error) {
        if (error instanceof CommanderError) {
            // --help and --version end here too, with exit code 0.
            return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        }
        throw error;
    }
    if (!job) return EXIT.ok;

    const json = argv.includes('--json');
    const color = !json && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    const report = createReporter(json ? process.stderr : process.stdout, { color });
    const environment: Environment = {
        cwd: process.cwd(),
        env: process.env,
        isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    };

    // Interruptions during the write remove the staging folder, so nothing half-written stays.
    // During the install, the first one stops the install (which removes what it half made) and
    // the run ends below with the command that finishes the job; a second one exits at once.
    let staging: string | undefined;
    const temporary = new Set<string>();
    let installing = false;
    const cancel = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
        if (staging) removeStagingNow(staging);
        for (const dir of temporary) removeStagingNow(dir);
        if (installing && !cancel.signal.aborted) {
            cancel.abort(signal);
            return;
        }
        process.stderr.write(`\nOperation cancelled (${signal})\n`);
        process.exit(EXIT.cancelled);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    try {
        const install = { onInstall: (running: boolean) => (installing = running), cancel: cancel.signal };
        return await job({ environment, report, json, setStaging: (dir) => (staging = dir), temporary, install });
    } catch (error) {
        if (error instanceof InterruptedError) {
            process.stderr.write(`\n${error.message} Finish with:\n\n  ${error.finish}\n\n`);
            if (json) process.stdout.write(`${JSON.stringify({ error: error.message, exitCode: EXIT.cancelled, finish: error.finish })}\n`);
            return EXIT.cancelled;
        }
        const cancelled = error instanceof CancelledError;
        const known = cancelled || error instanceof UsageError || error instanceof SpecError || error instanceof TemplateError;
        const code = cancelled ? EXIT.cancelled : EXIT.usage;
        const message = error instanceof Error ? error.message : String(error);
        // Known errors quote what they echo; anything else (a system error naming a long path) is made one line here.
        process.stderr.write(`${known ? message : `Unexpected error: ${oneLine(message, { max: 400 })}`}\n`);
        if (!known && process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
        if (json) process.stdout.write(`${JSON.stringify({ error: message, exitCode: code })}\n`);
        return code;
    } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
    }
}
