/**
 * What the test's host page offers the test, and what the test offers it (through Playwright's
 * exposeFunction). Types only, shared by test/views.test.ts (Node) and host.ts (the browser).
 */
import type { CallToolRequest, CallToolResult, Tool } from '@modelcontextprotocol/client';
import type { McpUiHostContext, McpUiResourceMeta } from '@modelcontextprotocol/ext-apps';

/** A tool call to render: what a host has once the model called a tool that has a view. */
export interface ViewInput {
    tool: Tool;
    /** The view's HTML and its `_meta.ui`, as `resources/read` returned them. */
    html: string;
    ui: McpUiResourceMeta | undefined;
    arguments: Record<string, unknown>;
    result: CallToolResult;
    /** The sandbox proxy page, on another origin than the host page. */
    sandboxUrl: string;
    hostContext: McpUiHostContext;
}

/** Functions of the host page, called by the test. */
export interface HostPage {
    showView(input: ViewInput): Promise<void>;
    changeHostContext(context: McpUiHostContext): Promise<void>;
}

/** Functions of the test, called by the host page. */
export interface TestSide {
    /** Forwards a view's `tools/call` to the server, through the test's MCP client. */
    callServerTool(params: CallToolRequest['params']): Promise<CallToolResult>;
    /** The view's size, each time it reports a change (auto-resize). */
    reportSize(size: { width?: number; height?: number }): Promise<void>;
}
