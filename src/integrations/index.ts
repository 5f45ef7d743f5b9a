/**
 * The registry of integrations: everything that adds to a generated project. Adding one means a
 * module here, a line in INTEGRATIONS and a folder `templates/integrations/<id>/`; nothing else.
 *
 * The order is the order of the generated `createServer()` registrations and of `--help`.
 */
import type { Spec, Transport } from '../shared/spec-types.js';
import { apps } from './apps.js';
import { auth } from './auth.js';
import { confirmations } from './confirmations.js';
import { examples } from './examples.js';
import { http } from './http.js';
import { stdio } from './stdio.js';
import { optionValues } from './options.js';
import { clientConfigs } from './client-configs.js';
import { openapi } from './openapi.js';
import { agentsMd, ci, docker } from './parts.js';
import { registry } from './registry.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { sqlite } from './sqlite.js';
import { filesystem } from './filesystem.js';
import { kubernetes } from './kubernetes.js';
import { redis } from './redis.js';
import { telemetry } from './telemetry.js';
import type { ContributedItem, EnvVar, Integration, IntegrationContext, IntegrationOption, Lifecycle } from './types.js';

export type {
    ContributedItem,
    EnvVar,
    InputPolicy,
    Integration,
    IntegrationContext,
    IntegrationOption,
    LayoutLine,
    Lifecycle,
    OptionValue,
    PrepareIo,
    ProjectFacts,
    ReadmePlace,
} from './types.js';
export { DEFAULT_INPUT_POLICY } from './types.js';
export { optionDefaultText, optionPlaceholder, optionProblem, optionValues, parseOptionText } from './options.js';

export const INTEGRATIONS: readonly Integration[] = [
    postgres,
    mysql,
    sqlite,
    filesystem,
    openapi,
    redis,
    telemetry,
    kubernetes,
    http,
    stdio,
    auth,
    apps,
    confirmations,
    examples,
    clientConfigs,
    registry,
    docker,
    ci,
    agentsMd,
];

export function getIntegration(id: string): Integration | undefined {
    return INTEGRATIONS.find((i) => i.id === id);
}

/** Integrations chosen in the spec's `systems:` (and `--with`). */
export const SYSTEMS: readonly Integration[] = INTEGRATIONS.filter((i) => i.kind === 'system');
export const SYSTEM_IDS: readonly string[] = SYSTEMS.map((s) => s.id);

/** Features switched on and off in the spec's `features:` and by `--no-…` flags. */
export const SWITCHABLE: readonly Integration[] = INTEGRATIONS.filter((i) => i.switchFlag !== undefined);
export const FEATURE_IDS: readonly string[] = SWITCHABLE.map((f) => f.id);

/** Options that live at the spec's top level (`auth: jwt`), with the integration that owns each. */
export const TOP_LEVEL_OPTIONS = INTEGRATIONS.flatMap((integration) =>
    Object.entries(integration.options ?? {}).flatMap(([key, option]) => (option.specField ? [{ integration, key, option, field: option.specField }] : [])),
);

/** Options that have a command-line flag (`--auth`, `--openapi`), with the integration that owns each. */
export const OPTION_FLAGS = INTEGRATIONS.flatMap((integration) =>
    Object.entries(integration.options ?? {}).flatMap(([key, option]) =>
        option.flag ? [{ integration, key, option: option as IntegrationOption & { flag: string } }] : [],
    ),
);

/** Is the requirement of `integration` met by the transports and the other active integrations? */
export function unmetRequirement(integration: Integration, transports: readonly Transport[], active: ReadonlySet<string>): string | undefined {
    const need = integration.requires;
    const transport = need?.transports?.find((t) => !transports.includes(t));
    if (transport) return `the ${transport} transport`;
    const other = need?.integrations?.find((id) => !active.has(id));
    if (other) return getIntegration(other)?.label ?? other;
    return undefined;
}

/** Ids of the integrations a validated spec switches on, in registry order. */
export function activeIds(spec: Spec): Set<string> {
    const chosen = new Set<string>();
    for (const integration of INTEGRATIONS) {
        const on =
            integration.kind === 'system'
                ? spec.systems.some((s) => s.type === integration.id)
                : integration.kind === 'transport'
                  ? spec.transports.includes(integration.id as Transport)
                  : integration.activeWhen
                    ? integration.activeWhen(spec)
                    : (spec.features[integration.id] ?? true);
        if (on) chosen.add(integration.id);
    }
    // A feature on only by default stays off where its requirement is unmet (Docker without HTTP);
    // validation has already refused one that was asked for explicitly.
    for (const id of [...chosen]) {
        if (unmetRequirement(getIntegration(id)!, spec.transports, chosen)) chosen.delete(id);
    }
    return chosen;
}

/** The options an integration was given in the spec (system entry, or top-level fields). */
export function givenOptions(spec: Spec, integration: Integration): Record<string, unknown> {
    if (integration.kind === 'system') return spec.systems.find((s) => s.type === integration.id)?.options ?? {};
    return spec.settings[integration.id] ?? {};
}

/** The active integrations of a spec, each with the context its functions see. */
export function activeIntegrations(spec: Spec, prepared: Record<string, unknown> = {}): { integration: Integration; ctx: IntegrationContext }[] {
    const active = activeIds(spec);
    return INTEGRATIONS.filter((i) => active.has(i.id)).map((integration) => ({
        integration,
        ctx: { spec, options: optionValues(integration.options, givenOptions(spec, integration)), active, prepared: prepared[integration.id] },
    }));
}

/** Evaluates a field that is either a value or a function of the context. */
export function resolve<T>(field: T | ((ctx: IntegrationContext) => T) | undefined, ctx: IntegrationContext, fallback: T): T {
    if (field === undefined) return fallback;
    return typeof field === 'function' ? (field as (ctx: IntegrationContext) => T)(ctx) : field;
}

/** The items an active integration contributes. */
export function itemsOf(integration: Integration, ctx: IntegrationContext): ContributedItem[] {
    return resolve(integration.items, ctx, []);
}

/**
 * The environment variables an active integration adds, each marked with the transport it is read
 * under when the integration is one, or requires exactly one.
 */
export function envOf(integration: Integration, ctx: IntegrationContext): EnvVar[] {
    const needs = integration.requires?.transports;
    const transport = integration.kind === 'transport' ? (integration.id as Transport) : needs?.length === 1 ? needs[0] : undefined;
    return resolve(integration.env, ctx, []).map((v) => (transport === undefined || v.transport !== undefined ? v : { ...v, transport }));
}

/** The service an active integration brings (readiness check and close hook), if any. */
export function lifecycleOf(integration: Integration, ctx: IntegrationContext): Lifecycle | undefined {
    return resolve<Lifecycle | undefined>(integration.lifecycle, ctx, undefined);
}
