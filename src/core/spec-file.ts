/**
 * Spec files as text: parsing JSON or YAML with locations in errors, and writing the
 * normalized spec back as the `mcp-server.yaml` a generated project keeps. Pure.
 */
import { YAMLParseError, parse, stringify } from 'yaml';
import { type Spec, SpecError, specToDocument } from './spec.js';

/** Parses a spec file's text; `file` names it in errors. JSON is YAML, but `.json` files get JSON's stricter parser. */
export function parseSpecText(text: string, file: string): unknown {
    try {
        if (file.toLowerCase().endsWith('.json')) return JSON.parse(text) as unknown;
        return parse(text, { uniqueKeys: true }) as unknown;
    } catch (error) {
        if (error instanceof YAMLParseError) {
            const pos = error.linePos?.[0];
            const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
            const firstLine = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
            throw new SpecError([{ path: '', message: `invalid YAML: ${firstLine}` }], where);
        }
        if (error instanceof SyntaxError) {
            throw new SpecError([{ path: '', message: `invalid JSON: ${error.message}` }], file);
        }
        throw error;
    }
}

const HEADER =
    '# The description this project was generated from (create-mcp-server).\n' + '# Regenerate with: npx create-mcp-server . --spec mcp-server.yaml --force\n';

/** The normalized spec as YAML, exactly as `mcp-server.yaml` stores it. */
export function specToYaml(spec: Spec): string {
    return HEADER + stringify(specToDocument(spec), { lineWidth: 0, aliasDuplicateObjects: false });
}
