/**
 * A Prompter that plays a script, for tests: answers are given in order, each for a question id,
 * and are put through the question's validator exactly as a person's typing would be. A rejected
 * answer is recorded with its reason, and the next scripted answer for the same question is tried,
 * like a person typing again.
 */
import type { CheckboxQuestion, ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from '../../src/wizard/prompter.js';

/** Press Enter: take the question's default. */
export const ENTER = Symbol('enter');

/** An error shaped like inquirer's Ctrl-C error. */
export class FakeExitPromptError extends Error {
    override name = 'ExitPromptError';
    constructor() {
        super('User force closed the prompt with SIGINT');
    }
}

/** Throw this (e.g. `['tool.name', CTRL_C]`) to simulate Ctrl-C at that question. */
export const CTRL_C = Symbol('ctrl-c');

export type ScriptedAnswer = string | boolean | readonly string[] | typeof ENTER | typeof CTRL_C;

export interface AskedQuestion {
    id: string;
    message: string;
}

export interface Rejection {
    id: string;
    answer: unknown;
    reason: string;
}

export interface ScriptedPrompter extends Prompter {
    /** Every question asked, in order (a re-asked question appears once per asking). */
    readonly asked: AskedQuestion[];
    /** Answers the validators refused, with the reason shown. */
    readonly rejected: Rejection[];
    /** Text passed to note(). */
    readonly notes: string[];
    /** Scripted answers not consumed. */
    readonly remaining: [string, ScriptedAnswer][];
}

export interface ScriptOptions {
    /** When the script runs out, press Enter on every further question instead of failing. */
    thenEnter?: boolean;
}

export function createScriptedPrompter(script: [id: string, answer: ScriptedAnswer][], options: ScriptOptions = {}): ScriptedPrompter {
    const queue = [...script];
    const asked: AskedQuestion[] = [];
    const rejected: Rejection[] = [];
    const notes: string[] = [];

    const next = (q: { id: string; message: string }): ScriptedAnswer => {
        asked.push({ id: q.id, message: q.message });
        const entry = queue[0];
        if (!entry) {
            if (options.thenEnter) return ENTER;
            throw new Error(`script ended, but the wizard asked "${q.id}" (${q.message})`);
        }
        if (entry[0] !== q.id) {
            throw new Error(`the wizard asked "${q.id}" (${q.message}) but the script answers "${entry[0]}" next`);
        }
        queue.shift();
        if (entry[1] === CTRL_C) throw new FakeExitPromptError();
        return entry[1];
    };

    /** Asks until the validator accepts, as inquirer does. */
    async function validated<T>(
        q: { id: string; message: string },
        take: (answer: ScriptedAnswer) => T,
        validate?: (value: T) => true | string | Promise<true | string>,
    ): Promise<T> {
        for (;;) {
            const value = take(next(q));
            const verdict = validate ? await validate(value) : true;
            if (verdict === true) return value;
            rejected.push({ id: q.id, answer: value, reason: verdict });
        }
    }

    return {
        asked,
        rejected,
        notes,
        get remaining() {
            return [...queue];
        },
        input(q: InputQuestion) {
            return validated(
                q,
                (a) => {
                    if (a === ENTER) return q.default ?? '';
                    if (typeof a !== 'string') throw new Error(`"${q.id}" is a text question; the script gave ${String(a)}`);
                    // Like inquirer: an empty line takes the default.
                    return a === '' ? (q.default ?? '') : a;
                },
                q.validate,
            );
        },
        async confirm(q: ConfirmQuestion) {
            const a = next(q);
            if (a === ENTER) return q.default;
            if (typeof a !== 'boolean') throw new Error(`"${q.id}" is a yes/no question; the script gave ${String(a)}`);
            return a;
        },
        async select<T extends string>(q: SelectQuestion<T>) {
            const a = next(q);
            if (a === ENTER) return q.default ?? q.choices[0]!.value;
            const choice = q.choices.find((c) => c.value === a);
            if (!choice) throw new Error(`"${q.id}" offers ${q.choices.map((c) => c.value).join(', ')}; the script gave ${String(a)}`);
            return choice.value;
        },
        checkbox<T extends string>(q: CheckboxQuestion<T>) {
            return validated(
                q,
                (a) => {
                    if (a === ENTER) return q.choices.filter((c) => c.checked).map((c) => c.value);
                    if (!Array.isArray(a)) throw new Error(`"${q.id}" is a checkbox; the script gave ${String(a)}`);
                    const values = q.choices.map((c) => c.value as string);
                    const bad = a.find((v) => !values.includes(v));
                    if (bad !== undefined) throw new Error(`"${q.id}" offers ${values.join(', ')}; the script gave ${bad}`);
                    return a as T[];
                },
                q.validate,
            );
        },
        note(text: string) {
            notes.push(text);
        },
    };
}
