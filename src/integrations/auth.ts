/**
 * Authorization of the HTTP transport: `src/auth.ts` makes the server an OAuth 2.1 resource
 * server (a shared token, JWT access tokens or token introspection), with its own tests.
 *
 * It comes with every HTTP project, since one build serves every mode (`MCP_AUTH` chooses at run
 * time) and the server refuses to listen beyond loopback without authorization unless told
 * `MCP_AUTH=none`; `--auth` (spec `auth:`) only sets the mode used when `MCP_AUTH` is unset.
 */
import type { EnvVar, Integration } from './types.js';

const variable = (name: string, description: string, example: string, secret = false): EnvVar => ({ name, description, example, required: false, secret });

export const auth: Integration = {
    id: 'auth',
    kind: 'feature',
    label: 'HTTP authorization',
    description: 'OAuth 2.1 resource server for the HTTP transport: a shared token, JWT access tokens or token introspection',
    // On wherever HTTP is; the requirement below keeps it off for stdio-only projects.
    activeWhen: () => true,
    requires: { transports: ['http'] },
    readme: { run: 'README.run.md.hbs' },
    layout: [['src/auth.ts', 'authorization of the HTTP transport (MCP_AUTH)']],
    options: {
        mode: {
            type: 'enum',
            values: ['none', 'token', 'jwt', 'introspection'],
            default: 'none',
            flag: 'auth',
            placeholder: 'mode',
            specField: 'auth',
            description: 'the mode when MCP_AUTH is unset at run time',
        },
    },
    env: ({ options }) => [
        { ...variable('MCP_AUTH', 'Authorization mode: none, token, jwt or introspection', ''), default: String(options.mode) },
        variable('MCP_AUTH_TOKEN', 'token mode: the shared bearer token, at least 32 characters', '', true),
        variable('MCP_AUTH_ISSUER', 'jwt and introspection modes: issuer URL of the authorization server', 'https://auth.example.com'),
        variable('MCP_AUTH_RESOURCE', "This server's resource identifier, the audience tokens must name (default http://HOST:PORT/mcp)", ''),
        variable('MCP_AUTH_SCOPES', 'Scopes every request needs, separated by spaces or commas', ''),
        variable('MCP_AUTH_JWKS_URL', "jwt mode: URL of the issuer's signing keys (default: from the issuer's metadata)", ''),
        variable('MCP_AUTH_CLIENT_ID', 'introspection mode: client id of this server at the authorization server', ''),
        variable('MCP_AUTH_CLIENT_SECRET', 'introspection mode: client secret of this server at the authorization server', '', true),
        variable('MCP_AUTH_INTROSPECTION_URL', "introspection mode: the introspection endpoint (default: from the issuer's metadata)", ''),
    ],
};
