/**
 * Vitest global setup: every temporary folder of one run (the tests', the CLI's they spawn, the
 * generated servers' and npm's) lands under one fresh folder that is removed when the run ends, so
 * repeated runs on one machine do not fill its disk.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
    const root = mkdtempSync(join(tmpdir(), 'cms-test-run-'));
    // Open to every user, sticky, as /tmp is: database servers the tests start run as their own users.
    chmodSync(root, 0o1777);
    // os.tmpdir() reads TMPDIR on every call, and the test workers and their children inherit it.
    process.env.TMPDIR = root;
    return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
