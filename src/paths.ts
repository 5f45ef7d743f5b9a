/**
 * Where the package's own files are. This module stays at the top of src/: the bundle puts every
 * chunk directly in dist/, so `../` means the package root both here and there.
 */
import { fileURLToPath } from 'node:url';

/** The package's package.json (its version). */
export const PACKAGE_JSON = new URL('../package.json', import.meta.url);

/** The built-in templates folder. */
export const BUILT_IN_TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

/** The built-in templates precompiled by the build; absent when running from source (tests). */
export const PRECOMPILED_TEMPLATES = new URL('./precompiled-templates.js', import.meta.url);
