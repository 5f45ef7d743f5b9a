/**
 * MCP Apps (the `io.modelcontextprotocol/ui` extension): tools with an interactive view. A tool with
 * `ui` in the spec gets `ui/<tool>/` (index.html and view.ts, from the item templates), which
 * `npm run build` turns into one self-contained HTML file; `src/views.ts` reads those files when the
 * server starts and serves each as a `ui://` resource the tool's listing points to. The project's
 * tests check what hosts read and render every view in Chromium through the extension's AppBridge.
 */
import { jsLiteral, jsString, sampleValue } from '../shared/codegen.js';
import { fileBase, titleFromName } from '../shared/names.js';
import type { Spec, ToolSpec, ViewSpec } from '../shared/spec-types.js';
import type { Integration } from './types.js';

/** The URI of a tool's view: `ui://<server>/<tool>.html` (the server's npm name without its scope). */
export function viewUri(spec: Spec, tool: ToolSpec): string {
    return `ui://${spec.name.replace(/^@[^/]+\//, '')}/${tool.name}.html`;
}

/** The title of a tool's view: its own, else the tool's. */
export function viewTitle(tool: ToolSpec & { ui: ViewSpec }): string {
    return tool.ui.title ?? tool.title ?? titleFromName(tool.name);
}

/** The view resource's `_meta.ui` (the extension's McpUiResourceMeta): what hosts read for the border and the CSP. */
export function viewResourceMeta(view: ViewSpec): Record<string, unknown> {
    return { ...(view.prefersBorder !== undefined && { prefersBorder: view.prefersBorder }), ...(view.csp && { csp: view.csp }) };
}

/**
 * A tool's `_meta.ui` in `tools/list` (McpUiToolMeta): the URI of its view and who may call it, in
 * the current form (not the deprecated `_meta["ui/resourceUri"]`); undefined for a tool outside MCP Apps.
 */
export function toolUiMeta(spec: Spec, tool: ToolSpec): Record<string, unknown> | undefined {
    if (!tool.ui && !tool.visibility) return undefined;
    return { ...(tool.ui && { resourceUri: viewUri(spec, tool) }), ...(tool.visibility && { visibility: tool.visibility }) };
}

function withView(tool: ToolSpec): tool is ToolSpec & { ui: ViewSpec } {
    return tool.ui !== undefined;
}

export const apps: Integration = {
    id: 'apps',
    kind: 'feature',
    label: 'MCP Apps views',
    description: 'interactive views of tools (MCP Apps), built into one HTML file each and tested in Chromium',
    activeWhen: (spec) => spec.tools.some(withView),
    devDependencies: ['@modelcontextprotocol/ext-apps', 'playwright-core'],
    // The views and the browser test's pages are browser code: each folder has a tsconfig with the DOM.
    scripts: () => ({
        build: 'tsc --noEmit && tsc --noEmit -p ui && node scripts/build.mjs',
        typecheck: 'tsc --noEmit && tsc --noEmit -p ui && tsc --noEmit -p test/browser',
    }),
    items: [{ kind: 'resource', name: 'views', module: 'views', register: 'registerViews' }],
    readme: { exposes: 'README.section.md.hbs' },
    layout: [
        ['ui/', "the tools' views (MCP Apps): ui/<tool>/index.html and view.ts, built into dist/ui/"],
        ['src/views.ts', 'serves the built views as ui:// resources'],
        ['test/browser/', "the views' browser test: a host page and a sandbox proxy"],
    ],
    view: (ctx) => {
        const tools = ctx.spec.tools.filter(withView);
        return {
            views: tools.map((tool) => ({
                tool: tool.name,
                file: fileBase(tool.name),
                uri: viewUri(ctx.spec, tool),
                toolLiteral: jsString(tool.name),
                fileLiteral: jsString(fileBase(tool.name)),
                uriLiteral: jsString(viewUri(ctx.spec, tool)),
                titleLiteral: jsString(viewTitle(tool)),
                descriptionLiteral: jsString(`The interactive view of the ${tool.name} tool (MCP Apps)`),
                uiLiteral: jsLiteral(viewResourceMeta(tool.ui)),
                argsLiteral: jsLiteral(Object.fromEntries(Object.entries(tool.input).map(([key, param]) => [key, sampleValue(param)]))),
                connectDomains: tool.ui.csp?.connectDomains ?? [],
                resourceDomains: tool.ui.csp?.resourceDomains ?? [],
            })),
            /** `_meta.ui` of every tool of the spec that has one, for the listing test. */
            toolUiLiteral: jsLiteral(
                ctx.spec.tools.flatMap((tool) => {
                    const ui = toolUiMeta(ctx.spec, tool);
                    return ui ? [{ tool: tool.name, ui }] : [];
                }),
            ),
        };
    },
};
