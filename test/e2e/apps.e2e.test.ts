/**
 * Tools with interactive views (MCP Apps), end to end: generated projects are installed from the npm
 * registry, checked, built and type-checked, and their own tests render every view in Chromium. When
 * a browser is on this machine (or under CI, which installs one), those browser tests must have run
 * and passed, not been skipped. The built server is also read over HTTP as an MCP Apps host reads it,
 * and `add view` gives an implemented tool of an HTTP-only project a view whose tests pass the same way.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../cli/run.js';
import { type HttpServer, connectHttp, generateProject, npmRun, startHttp } from './harness.js';

const exec = promisify(execFile);

/** The browser the generated tests look for, by the same rules. */
const browser =
    process.env.CHROME_BIN ??
    ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'].find(
        (path) => existsSync(path),
    );
/** Under CI a browser is installed (.ci/run), so the browser tests may never be skipped there. */
const browserRequired = browser !== undefined || Boolean(process.env.CI);

interface TestReport {
    numFailedTests: number;
    numPassedTests: number;
    testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

/** Runs the project's own tests with vitest's JSON report; resolves to the report. */
async function projectTests(dir: string): Promise<TestReport> {
    const report = join(tempDir('cms-apps-report-'), 'report.json');
    try {
        await exec('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`], {
            cwd: dir,
            env: { ...process.env, NO_COLOR: '1' },
            timeout: 300_000,
        });
    } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        throw new Error(`the project's tests failed in ${dir}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    return JSON.parse(readFileSync(report, 'utf8')) as TestReport;
}

/** The results of the tests that render views in Chromium. */
function browserTests(report: TestReport): { title: string; status: string }[] {
    return report.testResults.flatMap((file) => file.assertionResults.filter((test) => test.ancestorTitles.includes('in Chromium')));
}

/** Every browser test ran and passed (when one must run), and there is one set per view. */
function expectBrowserTestsPassed(report: TestReport, views: number): void {
    const tests = browserTests(report);
    expect(tests.length).toBe(views * 5);
    if (!browserRequired) {
        console.warn('No Chromium on this machine: the views were not rendered (install chromium-headless-shell to run them).');
        return;
    }
    expect(tests.filter((test) => test.status !== 'passed')).toEqual([]);
}

/** A PNG file of some size. */
function expectScreenshot(path: string): void {
    const bytes = readFileSync(path);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(2_000);
}

const spec = {
    name: 'sales-views',
    description: 'Sales with views',
    tools: [
        {
            name: 'sales.chart',
            title: "Sales </title><script>alert('x')</script> & `${chart}`",
            description: 'A chart of sales',
            ui: { prefersBorder: true, csp: { connectDomains: ['https://api.example.com'], resourceDomains: ['https://*.cdn.example.com'] } },
            input: { region: { type: 'string', enum: ['north', 'south'] }, year: { type: 'integer', minimum: 2000, maximum: 2100, default: 2026 } },
        },
        { name: 'table', description: 'A table', ui: true },
        { name: 'refresh_table', description: 'Refreshes the table (only its view calls it)', visibility: ['app'] },
        { name: 'plain', description: 'No view' },
    ],
};

describe('a project with views, stdio and HTTP', () => {
    let dir: string;
    let report: TestReport;

    beforeAll(async () => {
        const specFile = join(tempDir('cms-apps-spec-'), 'spec.json');
        writeFileSync(specFile, JSON.stringify(spec));
        dir = await generateProject('sales-views', ['--spec', specFile]);
        await npmRun(dir, 'check');
        await npmRun(dir, 'build');
        await npmRun(dir, 'typecheck');
        report = await projectTests(dir);
    }, 600_000);

    it("passes its own tests, the views' browser tests included, which ran in Chromium", () => {
        expect(report.numFailedTests).toBe(0);
        expectBrowserTestsPassed(report, 2);
    });

    it.runIf(browserRequired)('saved a screenshot of each view', () => {
        expectScreenshot(join(dir, 'test-results/view-sales_chart.png'));
        expectScreenshot(join(dir, 'test-results/view-table.png'));
    });

    it('builds each view into one self-contained HTML file', () => {
        const html = readFileSync(join(dir, 'dist/ui/sales_chart.html'), 'utf8');
        expect(html).toMatch(/^<!doctype html>/i);
        expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
        // The App class of the extension, bundled in.
        expect(html).toContain('ui/initialize');
    });

    describe('read over HTTP as an MCP Apps host reads it', () => {
        let server: HttpServer;
        beforeAll(async () => {
            server = await startHttp(dir);
        }, 60_000);
        afterAll(async () => {
            await server?.stop();
        });

        it('lists the tools with their _meta.ui and serves the views with their CSP', async () => {
            const client = await connectHttp(server.url, 'auto');
            const { tools } = await client.listTools();
            const ui = Object.fromEntries(tools.map((tool) => [tool.name, tool._meta?.ui]));
            expect(ui).toEqual({
                'sales.chart': { resourceUri: 'ui://sales-views/sales.chart.html' },
                table: { resourceUri: 'ui://sales-views/table.html' },
                refresh_table: { visibility: ['app'] },
                plain: undefined,
            });
            const { contents } = await client.readResource({ uri: 'ui://sales-views/sales.chart.html' });
            expect(contents).toEqual([
                {
                    uri: 'ui://sales-views/sales.chart.html',
                    mimeType: 'text/html;profile=mcp-app',
                    text: readFileSync(join(dir, 'dist/ui/sales_chart.html'), 'utf8'),
                    _meta: {
                        ui: { prefersBorder: true, csp: { connectDomains: ['https://api.example.com'], resourceDomains: ['https://*.cdn.example.com'] } },
                    },
                },
            ]);
            await client.close();
        }, 60_000);
    });
});

describe('add view on an implemented tool of an HTTP-only project', () => {
    let dir: string;
    let report: TestReport;

    beforeAll(async () => {
        dir = await generateProject('lookup-http', ['--tool', 'lookup', '--transport', 'http']);
        // The tool has been implemented since it was generated.
        const tool = join(dir, 'src/tools/lookup.ts');
        writeFileSync(tool, readFileSync(tool, 'utf8').replace(/text: `Skeleton tool lookup[^`]*`/, 'text: `Found ${JSON.stringify(args)}`'));
        await exec(process.execPath, [BIN, 'add', 'view', 'lookup', '--connect-domain', 'https://api.example.com'], {
            cwd: dir,
            env: { ...process.env, NO_COLOR: '1' },
        });
        await exec('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, timeout: 300_000 });
        await npmRun(dir, 'check');
        await npmRun(dir, 'build');
        await npmRun(dir, 'typecheck');
        report = await projectTests(dir);
    }, 600_000);

    it('keeps the implementation and adds the view', () => {
        const tool = readFileSync(join(dir, 'src/tools/lookup.ts'), 'utf8');
        expect(tool).toContain('text: `Found ${JSON.stringify(args)}`');
        expect(tool).toContain("_meta: { ui: { resourceUri: 'ui://lookup-http/lookup.html' } },");
        expect(readFileSync(join(dir, 'mcp-server.yaml'), 'utf8')).toMatch(/ui:\n\s+csp:\n\s+connectDomains:\n\s+- https:\/\/api\.example\.com/);
    });

    it('passes its own tests over HTTP, the view rendered in Chromium', () => {
        expect(report.numFailedTests).toBe(0);
        expectBrowserTestsPassed(report, 1);
    });
});
