/**
 * The terminal Prompter, backed by @inquirer/prompts. The library is imported on first use, so
 * loading the wizard module costs nothing until a question is really asked.
 */
import type { CheckboxQuestion, ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from './prompter.js';

type Inquirer = typeof import('@inquirer/prompts');

interface Output {
    write(chunk: string): unknown;
}

function withDescription(describe: (value: string) => string | undefined) {
    return (value: string, { isFinal }: { isFinal: boolean }) => {
        const extra = isFinal ? describe(value) : undefined;
        return extra ? `${value}  (${extra})` : value;
    };
}

export function createInquirerPrompter(output: Output = process.stdout): Prompter {
    let loaded: Promise<Inquirer> | undefined;
    const inquirer = () => (loaded ??= import('@inquirer/prompts'));

    return {
        async input(q: InputQuestion) {
            const { input } = await inquirer();
            return input({
                message: q.message,
                default: q.default,
                validate: q.validate,
                // Only the final rendering is decorated: while typing, inquirer places the cursor
                // assuming the line ends with what was typed.
                transformer: q.describeAnswer && withDescription(q.describeAnswer),
            });
        },
        async confirm(q: ConfirmQuestion) {
            const { confirm } = await inquirer();
            return confirm({ message: q.message, default: q.default });
        },
        async select<T extends string>(q: SelectQuestion<T>) {
            const { select } = await inquirer();
            const answer = await select<string>({
                message: q.message,
                choices: q.choices.map((c) => ({ value: c.value, name: c.name, description: c.description })),
                default: q.default,
            });
            return answer as T;
        },
        async checkbox<T extends string>(q: CheckboxQuestion<T>) {
            const { checkbox } = await inquirer();
            const validate = q.validate;
            const answer = await checkbox<string>({
                message: q.message,
                choices: q.choices.map((c) => ({ value: c.value, name: c.name, description: c.description, checked: c.checked ?? false })),
                validate: validate ? (chosen) => validate(chosen.map((c) => c.value as T)) : undefined,
            });
            return answer as T[];
        },
        note(text: string) {
            output.write(`${text}\n`);
        },
    };
}
