/**
 * The image files a spec file names as icons, embedded as `data:` URIs before validation, so the
 * project (its code and `mcp-server.yaml`) carries them. Reading is given by the caller.
 */
import { iconFromFile, isIconFile } from '../shared/icons.js';
import { quote } from '../shared/quote.js';
import { SpecError, type SpecProblem } from './spec.js';

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every place of a raw spec that may hold an icon, with its path for messages. */
function iconHolders(spec: Obj): { holder: Obj; path: string }[] {
    const holders = [{ holder: spec, path: '' }];
    for (const list of ['tools', 'resources', 'prompts']) {
        const items = spec[list];
        if (!Array.isArray(items)) continue;
        items.forEach((item, i) => {
            if (isObject(item)) holders.push({ holder: item, path: `${list}[${i}].` });
        });
    }
    return holders;
}

/**
 * Returns the raw spec with each icon that names a file (relative to `baseDir`'s spec) replaced by
 * its data: URI; throws a SpecError naming the field of a file that is missing, too large or not an
 * image. `read` reads a file's bytes, relative paths against the spec's directory.
 */
export async function embedIconFiles(raw: unknown, source: string, read: (path: string) => Promise<Uint8Array>): Promise<unknown> {
    if (!isObject(raw)) return raw;
    const problems: SpecProblem[] = [];
    const copy: Obj = { ...raw };
    for (const list of ['tools', 'resources', 'prompts']) {
        if (Array.isArray(copy[list])) copy[list] = (copy[list] as unknown[]).map((item) => (isObject(item) ? { ...item } : item));
    }
    for (const { holder, path } of iconHolders(copy)) {
        const file = holder.icon;
        if (typeof file !== 'string' || file.trim() === '' || !isIconFile(file)) continue;
        let bytes: Uint8Array;
        try {
            bytes = await read(file);
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
            problems.push({ path: `${path}icon`, message: `cannot read ${quote(file)}: ${why}` });
            continue;
        }
        const icon = iconFromFile(bytes, file);
        if ('problem' in icon) problems.push({ path: `${path}icon`, message: `${quote(file)} ${icon.problem}` });
        else holder.icon = icon.uri;
    }
    if (problems.length > 0) throw new SpecError(problems, source);
    return copy;
}
