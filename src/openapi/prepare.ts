/**
 * The openapi integration's prepare step (the edge): reads the document and the files it
 * references, and the tool table of the project being regenerated, if there is one. Loaded on
 * demand, so the other commands never load the YAML parser or this code.
 */
import { UsageError } from '../errors.js';
import type { OptionValue, PrepareIo } from '../integrations/types.js';
import { documentVersion, loadDocument } from './load.js';
import { readApi } from './model.js';
import { type OpenApiContribution, type OpenApiPrepared, OPERATIONS_FILE, openApiContribution, previousTools } from './project.js';

export async function prepareOpenApi(options: Record<string, OptionValue>, io: PrepareIo): Promise<OpenApiPrepared & { contribution: OpenApiContribution }> {
    const source = String(options.document);
    let loaded: Awaited<ReturnType<typeof loadDocument>>;
    let version: ReturnType<typeof documentVersion>;
    try {
        loaded = await loadDocument(source, io);
        version = documentVersion(loaded.document, source);
    } catch (error) {
        // One line naming the option (--openapi, or `document:` of the systems entry).
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${source}: no such file` : (error as Error).message;
        throw new UsageError(`--openapi (systems: openapi document): ${reason}`);
    }
    const previousText = io.readProjectFile ? await io.readProjectFile(OPERATIONS_FILE) : undefined;
    return {
        api: readApi(loaded.document, version),
        url: loaded.url,
        ...(previousText !== undefined && { previous: previousTools(previousText) }),
        contribution: openApiContribution,
    };
}
