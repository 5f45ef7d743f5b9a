/**
 * Errors that reach the user as one line, without a stack trace.
 * The CLI entry maps them to exit codes (1 and 130; a failed install or git step is reported
 * in the result and exits 3); nothing below it exits the process.
 */

/** Bad input or a refused operation: exit code 1, nothing written. */
export class UsageError extends Error {
    override name = 'UsageError';
}

/** Ctrl-C during questions: exit code 130, nothing written. */
export class CancelledError extends Error {
    override name = 'CancelledError';
    constructor() {
        super('Operation cancelled');
    }
}

/** A template that failed to parse or render; the message starts with `path:line:column`. */
export class TemplateError extends Error {
    override name = 'TemplateError';
}

/**
 * SIGINT/SIGTERM during the install, after the project was written: exit code 130. The project
 * is kept; the message says in what state, and `finish` is the command that completes it.
 */
export class InterruptedError extends Error {
    override name = 'InterruptedError';
    constructor(
        message: string,
        readonly finish: string,
    ) {
        super(message);
    }
}

/**
 * An input (a document, a file it references) that could not be read, in a few words; whoever
 * reads it names the input. `kind` tells the refusals apart: over the byte cap, outside the
 * allowed folder or origin, no such file, over the time limit.
 */
export class InputError extends Error {
    override name = 'InputError';
    constructor(
        message: string,
        readonly kind: 'too-large' | 'outside' | 'missing' | 'timeout' | 'other' = 'other',
    ) {
        super(message);
    }
}
