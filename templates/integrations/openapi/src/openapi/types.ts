/**
 * The shape of the generated operation table (./operations.ts) and API description (./api.ts).
 * Both are generated from the OpenAPI document by create-mcp-server; regenerate rather than edit.
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
    /** OpenAPI serialization: simple, label, matrix, form, spaceDelimited, pipeDelimited, deepObject. */
    style: string;
    explode: boolean;
}

export interface Body {
    mediaType: string;
    /** The input property holding the whole body; absent when the body's properties are the input's own. */
    key?: string;
    /** Flattened body: input property -> body property. */
    fields?: Record<string, string>;
    /** Parts (multipart) or the whole body sent as bytes decoded from base64. */
    binary?: string[] | true;
}

/** One API operation, registered as one tool. */
export interface Operation {
    name: string;
    title: string;
    description: string;
    method: string;
    path: string;
    annotations: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint: boolean };
    inputSchema: JsonSchema;
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

export interface Api {
    title: string;
    /** Prefix of the environment variables (`<PREFIX>_BASE_URL`, ...). */
    prefix: string;
    /** The document's first server, with its variables' defaults; undefined when it names none usable. */
    baseUrl?: string;
    schemes: Scheme[];
}
