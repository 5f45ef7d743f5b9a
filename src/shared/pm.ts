/** Package managers: detection and the commands each one takes. Pure. */

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export function isPackageManager(value: string): value is PackageManager {
    return (PACKAGE_MANAGERS as readonly string[]).includes(value);
}

/**
 * The package manager that launched us, from `npm_config_user_agent`
 * (e.g. `pnpm/9.1.0 npm/? node/v20.20.2 linux x64`), or undefined when unknown.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager | undefined {
    const name = userAgent?.split(' ')[0]?.split('/')[0];
    return name && isPackageManager(name) ? name : undefined;
}

/** `<pm> run <script>` as people type it. */
export function runScript(pm: PackageManager, script: string): string {
    if (script === 'test') return `${pm} test`;
    return pm === 'npm' || pm === 'bun' ? `${pm} run ${script}` : `${pm} ${script}`;
}

export function installArgs(_pm: PackageManager): string[] {
    return ['install'];
}
