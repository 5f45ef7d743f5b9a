#!/usr/bin/env node
// Node-version gate first, in syntax every Node understands, then the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
    process.stderr.write(`create-mcp-server needs Node.js 20.17 or newer; this is ${process.version}.\n`);
    process.exit(1);
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    // Answered without loading the CLI: the version is all that is asked.
    import('node:fs').then(({ readFileSync }) => {
        process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
    });
} else {
    if (major === 20) {
        // Still supported, and said once, after a run that went well (a refusal stays one line).
        process.once('exit', (code) => {
            if (code === 0) process.stderr.write('Note: Node.js 20 is past its end of life (April 2026); use Node 22 or 24 when you can.\n');
        });
    }
    import('../dist/cli.js').then(
        async ({ main }) => {
            process.exitCode = await main(process.argv);
        },
        (error) => {
            process.stderr.write(`create-mcp-server failed to start: ${error.message}\n`);
            process.exit(1);
        },
    );
}
