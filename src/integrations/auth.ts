/**
 * Authorization of the HTTP transport: `src/auth.ts` makes the server an OAuth 2.1 resource
 * server (a shared token, JWT access tokens verified with jose, or token introspection), with its
 * own tests.
 *
 * It comes with every HTTP project, since one build serves every mode (`MCP_AUTH` chooses at run
 * time) and the server refuses to listen beyond loopback without authorization unless told
 * `MCP_AUTH=none`; `--auth` (spec `auth:`) sets the mode used when `MCP_AUTH` is unset, and so
 * which variables are required: exactly those the server refuses to start without in that mode.
 */
import type { EnvVar, Integration } from './types.js';

type Mode = 'none' | 'token' | 'jwt' | 'introspection';

/** The variables each mode cannot start without (the generated `authOptionsFromEnv` refuses to). */
export const REQUIRED_BY_MODE: Record<Mode, readonly string[]> = {
    none: [],
    token: ['MCP_AUTH_TOKEN'],
    jwt: ['MCP_AUTH_ISSUER'],
    introspection: ['MCP_AUTH_ISSUER', 'MCP_AUTH_CLIENT_ID', 'MCP_AUTH_CLIENT_SECRET'],
};

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
    dependencies: ['jose'],
    env: ({ options }) => {
        const required = new Set(REQUIRED_BY_MODE[options.mode as Mode]);
        const variable = (name: string, description: string, example = '', extra: Partial<EnvVar> = {}): EnvVar => ({
            name,
            description,
            example,
            required: required.has(name),
            secret: false,
            ...extra,
        });
        return [
            variable('MCP_AUTH', 'Authorization mode: none, token, jwt or introspection', '', { default: String(options.mode) }),
            variable('MCP_AUTH_TOKEN', 'token mode: the shared bearer token, at least 32 characters (openssl rand -hex 32)', '', {
                secret: true,
                // Clients send the same token: client configurations and the README ask for it.
                clientHeader: { name: 'Authorization', prefix: 'Bearer ' },
            }),
            variable(
                'MCP_AUTH_ISSUER',
                'jwt and introspection modes: issuer URL of the authorization server, exactly as tokens name it',
                'https://auth.example.com',
            ),
            variable('MCP_AUTH_RESOURCE', "This server's resource identifier, its public /mcp URL (default http://HOST:PORT/mcp)"),
            variable('MCP_AUTH_AUDIENCE', 'Audiences a token may name, separated by commas (default: the resource identifier)'),
            variable('MCP_AUTH_AUDIENCE_CLAIM', 'The claim holding the audience: aud, or client_id for Amazon Cognito access tokens', '', { default: 'aud' }),
            variable('MCP_AUTH_SCOPES', 'Scopes every request needs, separated by spaces or commas'),
            variable('MCP_AUTH_SCOPE_CLAIMS', 'Claims that carry scopes, separated by commas (add roles for Entra app roles, permissions for Auth0)', '', {
                default: 'scope,scp',
            }),
            variable(
                'MCP_AUTH_JWT_TYPES',
                'jwt mode: accepted typ headers, separated by commas (JWT for Entra ID, Auth0, Keycloak; untyped for Okta, Cognito)',
                '',
                {
                    default: 'at+jwt',
                },
            ),
            variable('MCP_AUTH_JWKS_URL', "jwt mode: URL of the issuer's signing keys (default: from the issuer's metadata)"),
            variable('MCP_AUTH_CLIENT_ID', 'introspection mode: client id of this server at the authorization server'),
            variable('MCP_AUTH_CLIENT_SECRET', 'introspection mode: client secret of this server at the authorization server', '', { secret: true }),
            variable('MCP_AUTH_INTROSPECTION_URL', "introspection mode: the introspection endpoint (default: from the issuer's metadata)"),
        ];
    },
};
