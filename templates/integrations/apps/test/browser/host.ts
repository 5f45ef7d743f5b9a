/**
 * The host page of the browser test: what a web host (a chat client) does with a tool's view. It
 * puts the sandbox proxy, on another origin, in an iframe, connects an AppBridge to it through a
 * PostMessageTransport, hands it the view's HTML and CSP, then sends the view the call's arguments
 * and result. The calls the view makes go to the test, whose MCP client forwards them to the server.
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { HostPage, TestSide } from './host-page.js';

declare global {
    interface Window extends HostPage, TestSide {}
}

let bridge: AppBridge | undefined;

window.showView = async (input) => {
    const iframe = document.createElement('iframe');
    // The sandbox proxy must run scripts, and keep its own origin for the view it loads.
    iframe.sandbox.add('allow-scripts', 'allow-same-origin');
    iframe.src = input.sandboxUrl;
    iframe.title = input.tool.title ?? input.tool.name;
    iframe.style.border = input.ui?.prefersBorder === false ? 'none' : '1px solid #8888';
    document.body.append(iframe);

    const host = new AppBridge(
        null,
        { name: 'views-test-host', version: '1.0.0' },
        { serverTools: {}, logging: {} },
        { hostContext: { ...input.hostContext, toolInfo: { tool: input.tool } } },
    );
    bridge = host;
    host.oncalltool = (params) => window.callServerTool(params);
    host.onsizechange = ({ width, height }) => {
        if (height !== undefined) iframe.style.height = `${height}px`;
        void window.reportSize({ width, height });
    };
    host.onsandboxready = () => {
        void host.sendSandboxResourceReady({ html: input.html, csp: input.ui?.csp });
    };
    const initialized = new Promise<void>((resolve) => {
        host.oninitialized = () => resolve();
    });
    const sandbox = iframe.contentWindow;
    if (!sandbox) throw new Error('the sandbox iframe has no window');
    // Connected before the sandbox has loaded, so its first message is not missed.
    await host.connect(new PostMessageTransport(sandbox, sandbox));
    await initialized;
    await host.sendToolInput({ arguments: input.arguments });
    await host.sendToolResult(input.result);
};

window.changeHostContext = async (context) => {
    await bridge?.sendHostContextChange(context);
};
