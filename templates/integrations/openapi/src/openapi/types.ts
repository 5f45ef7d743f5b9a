/**
 * The shape of the generated data (./data/): the API and the index of its operations (api.json),
 * each operation's definition (operations.json), the schemas their inputs share (schemas.json) and
 * their output schemas (outputs.json).
 * All are generated from the OpenAPI document by create-mcp-server; regenerate rather than edit.
 */

/** A JSON Schema object (2020-12), as the document's schemas were converted. */
export type JsonSchema = { [key: string]: unknown };

/** How one input property reaches the request. */
export interface Param {
    /** The property in the tool's input. */
    key: string;
    in: 'path' | 'query' | 'header' | 'cookie';
    /** The name on the wire. */
    name: string;
    /** OpenAPI serialization: matrix, label, simple, form, spaceDelimited, pipeDelimited, deepObject (and cookie). */
    style: string;
    explode: boolean;
    /** Query only: reserved characters (`:/?@!$'()*,;`) are sent as they are. */
    allowReserved?: boolean;
    /** A parameter described by `content`: its value is written in this media type (JSON: as JSON text), not by style. */
    contentType?: string;
}

/** How one property of a form or multipart body is serialized (the document's Encoding Object). */
export interface Encoding {
    /** The part's media type (multipart), or how a form value is written when no style is given. */
    contentType?: string;
    style?: string;
    explode?: boolean;
    allowReserved?: boolean;
    /** A file: bytes decoded from base64 (or an array of them), sent as a part of its own. */
    binary?: true;
}

export interface Body {
    mediaType: string;
    /** The input property holding the whole body; absent when the body's properties are the input's own. */
    key?: string;
    /** Flattened body: input property -> body property. */
    fields?: Record<string, string>;
    /** The whole body sent as bytes decoded from base64. */
    binary?: true;
    /** Body property -> its encoding, where the document gives one or the part is a file. */
    encoding?: Record<string, Encoding>;
}

/** One API operation, registered as one tool. */
export interface Operation {
    name: string;
    title: string;
    description: string;
    method: string;
    path: string;
    tags: string[];
    annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint: boolean };
    /** Its `$ref`s (`#/$defs/<name>`) lead into the shared schemas (./data/schemas.json). */
    inputSchema: JsonSchema;
    /** `{ result }`: the JSON answer as the document describes it (absent when it describes none). */
    outputSchema?: JsonSchema;
    /** The name of its output schema in ./data/outputs.json (shared by the operations that answer alike); read into `outputSchema`. */
    output?: string;
    params: Param[];
    body?: Body;
    /** Alternatives of security scheme names that apply together; empty when no credentials are needed. */
    security: string[][];
}

/** A security scheme and the environment variables that hold its credentials. */
export type Scheme =
    | { name: string; type: 'apiKey'; in: 'header' | 'query' | 'cookie'; param: string; env: { value: string } }
    | { name: string; type: 'bearer'; env: { token: string } }
    | { name: string; type: 'basic'; env: { username: string; password: string } }
    | {
          name: string;
          type: 'oauth2';
          tokenUrl?: string;
          scopes: string[];
          env: { token: string; clientId?: string; clientSecret?: string };
      };

/** How the server offers the operations: one tool each, or three tools that search, describe and call them. */
export type ToolMode = 'operations' | 'search';

/** What the server knows of an operation from its start: enough to filter, find and list it. */
export interface OperationSummary {
    name: string;
    method: string;
    path: string;
    title: string;
    tags: string[];
    /** Its input schema is larger than a listing takes: tools/list shows its first levels. */
    outlined?: true;
}

export interface Api {
    title: string;
    /** Prefix of the environment variables (`<PREFIX>_BASE_URL`, ...). */
    prefix: string;
    /** The document's first server, with its variables' defaults; undefined when it names none usable. */
    baseUrl?: string;
    /** The mode when `<PREFIX>_TOOL_MODE` is unset. */
    mode: ToolMode;
    schemes: Scheme[];
    /** Every operation, in the document's order. */
    operations: OperationSummary[];
}
