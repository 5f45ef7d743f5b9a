/**
 * What an external system (a database, an API, the file system) contributes to a generated project,
 * declared as data. Prompts, help text, validation and the plan all read these declarations.
 */
import type { PackageName } from '../versions.js';

/** A tool, resource or prompt the system registers in `createServer()`. */
export interface SystemItem {
    kind: 'tool' | 'resource' | 'prompt';
    /** Name on the wire. */
    name: string;
    /** Module that exports the register function, relative to `src/`, without extension. */
    module: string;
    /** The exported `register…(server)` function. */
    register: string;
}

/** An environment variable the generated server reads. */
export interface SystemEnvVar {
    name: string;
    description: string;
    /** Written to `.env.example`. */
    example: string;
    required: boolean;
    secret: boolean;
}

/**
 * An option a spec may give in `systems: [{ type: id, option: value }]`; the wizard asks it as a
 * question when the system is chosen. Values are whole numbers (all options so far are).
 */
export interface SystemOption {
    /** The wizard's question. */
    question: string;
    default: number;
    min: number;
    max: number;
}

export interface SystemDefinition {
    id: string;
    label: string;
    /** One line for `--help` and the wizard. */
    description: string;
    dependencies: PackageName[];
    devDependencies: PackageName[];
    env: SystemEnvVar[];
    /** Folder under `templates/systems/` whose files are copied into the project, path for path. */
    templateDir: string;
    /** File in that folder holding the system's README section (not copied as a file). */
    readmeSection: string;
    items: SystemItem[];
    /** Options the generated code is built with (the README and `.env` can still override at run time). */
    options: Record<string, SystemOption>;
    /** Environment variable that, when set, makes the system's generated tests run against a real service. */
    testEnv?: string;
}
