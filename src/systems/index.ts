/**
 * The registry of external systems. Adding a system means one module here and one folder
 * under `templates/systems/`.
 */
import { postgres } from './postgres.js';
import type { SystemDefinition } from './types.js';

export type { SystemDefinition, SystemItem, SystemEnvVar } from './types.js';

export const SYSTEMS: readonly SystemDefinition[] = [postgres];
export const SYSTEM_IDS: readonly string[] = SYSTEMS.map((s) => s.id);

export function getSystem(id: string): SystemDefinition | undefined {
    return SYSTEMS.find((s) => s.id === id);
}
