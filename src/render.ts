/**
 * Produces the contents of every planned file. Pure: template sources come in as a map,
 * contents go out; nothing touches the disk.
 */
import { type Template, compile } from './handlebars.js';
import type { Plan } from './plan.js';

export interface RenderedFile {
    path: string;
    contents: string;
}

/** Template path (relative to the templates folder) -> its source text. */
export type TemplateSources = ReadonlyMap<string, string>;

export function render(plan: Plan, sources: TemplateSources): RenderedFile[] {
    const compiled = new Map<string, Template | null>();
    const get = (name: string): Template | null => {
        if (!compiled.has(name)) {
            const source = sources.get(name);
            if (source === undefined) throw new Error(`missing template ${name}`);
            // Only `.hbs` files are templates; everything else is copied as it is.
            compiled.set(name, name.endsWith('.hbs') ? compile(source, name) : null);
        }
        return compiled.get(name)!;
    };
    return plan.files.map((file) => {
        if ('text' in file) return { path: file.path, contents: file.text };
        const template = get(file.template);
        return { path: file.path, contents: template ? template(file.context) : sources.get(file.template)! };
    });
}
