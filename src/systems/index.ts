/**
 * The registry of external systems. Adding a system means one module here and one folder
 * under `templates/systems/`.
 */
import { postgres } from './postgres.js';
import type { SystemDefinition } from './types.js';

import type { SystemOption } from './types.js';

export type { SystemDefinition, SystemItem, SystemEnvVar, SystemOption } from './types.js';

export const SYSTEMS: readonly SystemDefinition[] = [postgres];
export const SYSTEM_IDS: readonly string[] = SYSTEMS.map((s) => s.id);

export function getSystem(id: string): SystemDefinition | undefined {
    return SYSTEMS.find((s) => s.id === id);
}

/** Returns why `value` is not allowed for the option, or undefined when it is. */
export function systemOptionProblem(option: SystemOption, value: unknown): string | undefined {
    if (!Number.isInteger(value) || (value as number) < option.min || (value as number) > option.max) {
        return `expected a whole number from ${option.min} to ${option.max}, got ${JSON.stringify(value)}`;
    }
    return undefined;
}

/** A system's options with defaults filled in. */
export function systemOptionValues(system: SystemDefinition, given: Record<string, unknown>): Record<string, number> {
    return Object.fromEntries(Object.entries(system.options).map(([key, option]) => [key, (given[key] as number | undefined) ?? option.default]));
}
