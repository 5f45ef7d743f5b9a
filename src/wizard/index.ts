/**
 * The interactive wizard: asks, on a terminal, only what flags and the spec left open.
 * (Being written: until then it asks nothing and the defaults apply, as with --yes.)
 */
import type { Environment, PartialOptions } from '../options.js';

export async function runWizard(partial: PartialOptions, _environment: Environment): Promise<PartialOptions> {
    return partial;
}
