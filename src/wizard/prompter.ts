/**
 * The wizard's only I/O: a small question-asking interface. The terminal implementation is
 * inquirer (./inquirer.ts); tests use a scripted one (./scripted.ts).
 *
 * Every question carries a stable `id` (e.g. `tool.name`) so a script can answer it and a test can
 * check which questions were asked. Validators return `true` or the reason shown to the person, who is
 * then asked again.
 */

export type Validator<T> = (value: T) => true | string | Promise<true | string>;

export interface InputQuestion {
    id: string;
    message: string;
    /** Taken when the person presses Enter on an empty line. */
    default?: string;
    validate?: Validator<string>;
    /** Shown after the answer once it is given (e.g. "template with {id}"). */
    describeAnswer?: (value: string) => string | undefined;
}

export interface ConfirmQuestion {
    id: string;
    message: string;
    default: boolean;
}

export interface Choice<T extends string> {
    value: T;
    name: string;
    description?: string;
    checked?: boolean;
}

export interface SelectQuestion<T extends string> {
    id: string;
    message: string;
    choices: readonly Choice<T>[];
    default?: T;
}

export interface CheckboxQuestion<T extends string> {
    id: string;
    message: string;
    choices: readonly Choice<T>[];
    validate?: Validator<readonly T[]>;
}

export interface Prompter {
    input(question: InputQuestion): Promise<string>;
    confirm(question: ConfirmQuestion): Promise<boolean>;
    select<T extends string>(question: SelectQuestion<T>): Promise<T>;
    checkbox<T extends string>(question: CheckboxQuestion<T>): Promise<T[]>;
    /** Prints information between questions (explanations, the summary). */
    note(text: string): void;
}

/** Ctrl-C (or a closed terminal) inside a prompt: inquirer's ExitPromptError and its siblings. */
export function isPromptCancel(error: unknown): boolean {
    return error instanceof Error && ['ExitPromptError', 'AbortPromptError', 'CancelPromptError'].includes(error.name);
}
