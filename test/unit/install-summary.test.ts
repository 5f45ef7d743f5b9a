/**
 * failureSummary picks the package manager's own error code and summary line out of its output.
 * The npm outputs are what npm 11 printed here (test/e2e/install.e2e.test.ts checks a real one end
 * to end); the pnpm, yarn and bun ones follow the formats those tools print.
 */
import { describe, expect, it } from 'vitest';
import { failureSummary } from '../../src/steps/install.js';

const LOG = 'npm error A complete log of this run can be found in: /root/.npm/_logs/2026-11-30T03_17_01_174Z-debug-0.log';

describe('failureSummary', () => {
    it.each([
        [
            'npm, a package that does not exist',
            [
                'npm error code E404',
                'npm error 404 Not Found - GET https://registry.npmjs.org/no-such-package-x - Not found',
                'npm error 404',
                "npm error 404  'no-such-package-x@^1.0.0' is not in this registry.",
                'npm error 404',
                'npm error 404 Note that you can also install from a',
                'npm error 404 tarball, folder, http url, or git url.',
                LOG,
            ],
            ['npm error code E404', 'npm error 404 Not Found - GET https://registry.npmjs.org/no-such-package-x - Not found'],
        ],
        [
            'npm, offline with an empty cache',
            [
                'npm error code ENOTCACHED',
                "npm error request to https://registry.npmjs.org/zod failed: cache mode is 'only-if-cached' but no cached response is available.",
                LOG,
            ],
            [
                'npm error code ENOTCACHED',
                "npm error request to https://registry.npmjs.org/zod failed: cache mode is 'only-if-cached' but no cached response is available.",
            ],
        ],
        [
            'npm, a network error (errno and syscall lines skipped)',
            [
                'npm warn retry will retry',
                'npm error code ECONNREFUSED',
                'npm error syscall connect',
                'npm error errno ECONNREFUSED',
                'npm error FetchError: request to http://127.0.0.1:9/zod failed, reason: connect ECONNREFUSED 127.0.0.1:9',
                '    at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)',
                LOG,
            ],
            ['npm error code ECONNREFUSED', 'npm error FetchError: request to http://127.0.0.1:9/zod failed, reason: connect ECONNREFUSED 127.0.0.1:9'],
        ],
        [
            'npm, a failing install script',
            [
                'npm error code 1',
                'npm error path /p/node_modules/native',
                'npm error command failed',
                'npm error command sh -c node install.js',
                'npm error Error: boom',
                'npm error     at Object.<anonymous> (/p/node_modules/native/install.js:1:7)',
                LOG,
            ],
            ['npm error code 1', 'npm error command failed', 'npm error command sh -c node install.js'],
        ],
        [
            'npm 6-9',
            ['npm ERR! code E404', 'npm ERR! 404 Not Found - GET https://registry.npmjs.org/x - Not found', 'npm ERR! 404'],
            ['npm ERR! code E404', 'npm ERR! 404 Not Found - GET https://registry.npmjs.org/x - Not found'],
        ],
        [
            'pnpm',
            [
                'Progress: resolved 1, reused 0, downloaded 0, added 0',
                ' ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/x: Not Found - 404',
                '',
                'This error happened while installing a direct dependency of /p',
            ],
            ['ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/x: Not Found - 404'],
        ],
        [
            'yarn 1',
            [
                'yarn install v1.22.22',
                'info No lockfile found.',
                '[1/4] Resolving packages...',
                'error An unexpected error occurred: "https://registry.yarnpkg.com/x: Not found".',
                'info If you think this is a bug, please open a bug report with the information provided in "/p/yarn-error.log".',
            ],
            ['error An unexpected error occurred: "https://registry.yarnpkg.com/x: Not found".'],
        ],
        [
            'bun',
            ['bun install v1.1.0', 'error: GET https://registry.npmjs.org/x - 404', 'error: x@^1.0.0 failed to resolve'],
            ['error: GET https://registry.npmjs.org/x - 404'],
        ],
        [
            'anything else: the last lines that are not stack frames',
            ['Error: something odd', '    at a (/x.js:1:1)', '    at b (/x.js:2:2)', 'Node.js v20.20.2'],
            ['Error: something odd', 'Node.js v20.20.2'],
        ],
    ])('%s', (_, output, expected) => {
        expect(failureSummary(output.join('\n'))).toEqual(expected);
    });

    it('shortens and escapes long lines, and drops colors', () => {
        const [code, summary] = failureSummary(`\u001b[31mnpm error code E404\u001b[39m\nnpm error 404 Not Found - GET http://r/${'x'.repeat(5000)}\u0007`);
        expect(code).toBe('npm error code E404');
        expect(summary!.length).toBeLessThanOrEqual(201);
        expect(summary).toMatch(/^npm error 404 Not Found - GET http:\/\/r\/x+…$/);
    });
});
