/**
 * The sandbox proxy of the browser test, as the MCP Apps specification asks of web hosts: a page on
 * an origin of its own (not the host page's) that loads the view's HTML into an inner iframe under a
 * Content Security Policy built from the view's `_meta.ui.csp`, and relays every other message
 * between the host page and the view.
 */
import type { McpUiResourceCsp } from '@modelcontextprotocol/ext-apps';

const host = new URLSearchParams(location.search).get('host');
let view: HTMLIFrameElement | undefined;

/** The policy a host builds from the declared origins: the view reaches nothing else. */
function contentSecurityPolicy(csp: McpUiResourceCsp = {}): string {
    const resources = (csp.resourceDomains ?? []).join(' ');
    return [
        "default-src 'none'",
        `script-src 'self' 'unsafe-inline' ${resources}`,
        `style-src 'self' 'unsafe-inline' ${resources}`,
        `img-src 'self' data: ${resources}`,
        `font-src 'self' ${resources}`,
        `media-src 'self' data: ${resources}`,
        `connect-src ${(csp.connectDomains ?? []).join(' ') || "'none'"}`,
        `frame-src ${(csp.frameDomains ?? []).join(' ') || "'none'"}`,
        "object-src 'none'",
        `base-uri ${(csp.baseUriDomains ?? []).join(' ') || "'self'"}`,
    ]
        .map((directive) => directive.trim())
        .join('; ');
}

/** The view's document with the policy in a meta element, first thing in its head. */
function withPolicy(html: string, policy: string): string {
    const meta = `<meta http-equiv="Content-Security-Policy" content="${policy.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}">`;
    return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => head + meta) : meta + html;
}

function load(html: string, csp: McpUiResourceCsp | undefined): void {
    view = document.createElement('iframe');
    view.sandbox.add('allow-scripts', 'allow-same-origin', 'allow-forms');
    view.srcdoc = withPolicy(html, contentSecurityPolicy(csp));
    document.body.append(view);
}

window.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as { method?: unknown; params?: { html: string; csp?: McpUiResourceCsp } } | undefined;
    if (event.source === window.parent && event.origin === host) {
        const method = String(message?.method);
        if (method === 'ui/notifications/sandbox-resource-ready' && message?.params) load(message.params.html, message.params.csp);
        // The sandbox's own messages stop here; everything else is the view's.
        else if (!method.startsWith('ui/notifications/sandbox-')) view?.contentWindow?.postMessage(event.data, location.origin);
    } else if (host && view && event.source === view.contentWindow) {
        window.parent.postMessage(event.data, host);
    }
});

if (host) window.parent.postMessage({ jsonrpc: '2.0', method: 'ui/notifications/sandbox-proxy-ready', params: {} }, host);
