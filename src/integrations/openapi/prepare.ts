/**
 * The openapi integration's prepare step (the edge): reads the document and the files it
 * references, and the tool table of the project being regenerated, if there is one. Loaded on
 * demand, so the other commands never load the YAML parser or this code.
 */
import { UsageError } from '../../shared/errors.js';
import { shown } from '../../shared/quote.js';
import type { OptionValue, PrepareIo } from '../types.js';
import { documentVersion, loadDocument } from './load.js';
import { readApi } from './model.js';
import {
    LEGACY_OPERATIONS_FILE,
    OPERATIONS_FILE,
    type OpenApiContribution,
    type OpenApiPrepared,
    SCHEMAS_FILE,
    openApiContribution,
    previousTable,
} from './project.js';

export async function prepareOpenApi(options: Record<string, OptionValue>, io: PrepareIo): Promise<OpenApiPrepared & { contribution: OpenApiContribution }> {
    const source = String(options.document);
    let loaded: Awaited<ReturnType<typeof loadDocument>>;
    let version: ReturnType<typeof documentVersion>;
    try {
        loaded = await loadDocument(source, io);
        version = documentVersion(loaded.document, source);
    } catch (error) {
        // One line naming the option (--openapi, or `document:` of the systems entry).
        throw new UsageError(`--openapi (systems: openapi document): ${(error as Error).message}`);
    }
    const read = async (path: string) => (io.readProjectFile ? await io.readProjectFile(path) : undefined);
    const operations = await read(OPERATIONS_FILE);
    const previous = previousTable(
        operations,
        operations === undefined ? undefined : await read(SCHEMAS_FILE),
        operations === undefined ? await read(LEGACY_OPERATIONS_FILE) : undefined,
    );
    return {
        api: readApi(loaded.document, version),
        url: loaded.url,
        source: loaded.source,
        ...(loaded.text !== undefined && { text: loaded.text }),
        ...(loaded.bytes !== undefined && { bytes: loaded.bytes }),
        maxBytes: io.policy.maxBytes,
        ...(previous !== undefined && { previous }),
        contribution: openApiContribution,
    };
}

/**
 * The wizard's look at a document it was given: how many operations, under which tags (for the
 * filter questions that follow), or why it cannot be read. Read as the generation will read it.
 */
export async function inspectDocument(source: string, io: PrepareIo): Promise<{ problem?: string; note?: string }> {
    try {
        const { document } = await loadDocument(source, io);
        const api = readApi(document, documentVersion(document, source));
        const tags = new Map<string, number>();
        for (const op of api.operations) for (const tag of op.tags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
        const listed = [...tags].slice(0, 30).map(([tag, n]) => `${shown(tag, 40)} (${n})`);
        const more = tags.size > listed.length ? `, and ${tags.size - listed.length} more` : '';
        return {
            note: `${shown(api.title, 80)}: ${api.operations.length} operation${api.operations.length === 1 ? '' : 's'}${listed.length > 0 ? `; tags: ${listed.join(', ')}${more}` : ''}`,
        };
    } catch (error) {
        return { problem: (error as Error).message };
    }
}
