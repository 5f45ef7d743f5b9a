/**
 * Change notifications for clients that listen (`subscriptions/listen` over HTTP): call
 * `notify.resourceUpdated(uri)` when a resource changes, or `notify.toolsChanged()` when the list of
 * tools does, from a tool or from anywhere else in the server. They reach every listening client of
 * this process, and of every instance once a shared bus is in use (Redis, with REDIS_URL).
 */
import { InMemoryServerEventBus, type ServerEventBus, type ServerNotifier } from '@modelcontextprotocol/server';

let bus: ServerEventBus = new InMemoryServerEventBus((error) => console.error('[events]', error.message));

/** The bus the HTTP handler's listening streams subscribe to. */
export function eventBus(): ServerEventBus {
    return bus;
}

/** Publishes on `shared` from now on, a bus every instance listens to (call it before serving). */
export function useEventBus(shared: ServerEventBus): void {
    bus = shared;
}

/** Publishes a change to every client listening for it. */
export const notify: ServerNotifier = {
    toolsChanged: () => bus.publish({ kind: 'tools_list_changed' }),
    promptsChanged: () => bus.publish({ kind: 'prompts_list_changed' }),
    resourcesChanged: () => bus.publish({ kind: 'resources_list_changed' }),
    resourceUpdated: (uri) => bus.publish({ kind: 'resource_updated', uri }),
};
