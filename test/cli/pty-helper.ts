/**
 * Drives a command through a real pseudo-terminal, as a person at a keyboard would, using
 * util-linux `script` (no native module): `script` gives the child a pty and forwards our
 * keystrokes from its stdin to the terminal, and the terminal's output to its stdout.
 *
 * Keys are sent only after the prompt waiting for them is on screen: inquirer discards keystrokes
 * typed before a prompt starts (they are stale for a real person too).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

export const KEYS = {
    enter: '\r',
    up: '\u001b[A',
    down: '\u001b[B',
    space: ' ',
    ctrlC: '\u0003',
    /** Readline: delete the line before the cursor. */
    ctrlU: '\u0015',
} as const;

/** Is util-linux `script` here (with -e to return the child's exit code)? */
export function hasScript(): boolean {
    const probe = spawnSync('script', ['-q', '-e', '-c', 'exit 7', '/dev/null'], { stdio: 'ignore', timeout: 10_000 });
    return probe.status === 7;
}

function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./=:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface PtyExit {
    code: number | null;
    /** Everything shown on the terminal, without escape sequences. */
    screen: string;
}

export interface PtySession {
    /** Waits until `pattern` appears in the output after what earlier waits consumed; returns the text up to it. */
    waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
    /** Sends keys: text, or KEYS values. */
    send(keys: string): void;
    /** Waits for `pattern`, then sends `keys` (after a short pause so the prompt is listening). */
    answer(pattern: RegExp | string, keys: string): Promise<void>;
    /** Resolves when the command ends (or rejects after the session's time limit, killing it). */
    readonly exited: Promise<PtyExit>;
    /** Output so far, without escape sequences. */
    screen(): string;
    kill(): void;
}

export interface PtyOptions {
    cwd: string;
    env: Record<string, string | undefined>;
    cols?: number;
    rows?: number;
    /** The whole session's limit; the child is killed after it. */
    timeoutMs?: number;
}

/** Starts `command args…` in a pseudo-terminal. */
export function startPty(command: string, args: string[], options: PtyOptions): PtySession {
    const env = { ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    env.TERM ??= 'xterm-256color';
    const inner = `stty cols ${options.cols ?? 120} rows ${options.rows ?? 40} 2>/dev/null; exec ${[command, ...args].map(shellQuote).join(' ')}`;
    const child: ChildProcessWithoutNullStreams = spawn('script', ['-q', '-e', '-f', '-c', inner, '/dev/null'], {
        cwd: options.cwd,
        env: env as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group, so a timeout can end script and everything under it.
        detached: true,
    });
    let raw = '';
    let consumed = 0;
    const listeners = new Set<() => void>();
    const onData = (chunk: Buffer) => {
        raw += chunk.toString('utf8');
        for (const listener of [...listeners]) listener();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const screen = () => stripVTControlCharacters(raw).replace(/\r/g, '');

    let closed = false;
    const killAll = () => {
        // Only while our own `script` still runs: its process group is ours (detached), nobody else's.
        if (closed || child.pid === undefined) return;
        try {
            process.kill(-child.pid, 'SIGKILL');
        } catch {
            // already gone
        }
    };

    const limit = options.timeoutMs ?? 60_000;
    const exited = new Promise<PtyExit>((resolve, reject) => {
        const timer = setTimeout(() => {
            killAll();
            reject(new Error(`pty session did not end within ${limit} ms; screen:\n${screen()}`));
        }, limit);
        child.on('error', (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            closed = true;
            for (const listener of [...listeners]) listener();
            resolve({ code, screen: screen() });
        });
    });
    // Callers that only wait for text must not see an unhandled rejection from the time limit.
    exited.catch(() => {});

    const waitFor = (pattern: RegExp | string, timeoutMs = 15_000) =>
        new Promise<string>((resolve, reject) => {
            const find = () => {
                const text = screen().slice(consumed);
                if (typeof pattern === 'string') {
                    const at = text.indexOf(pattern);
                    return at < 0 ? undefined : { end: at + pattern.length };
                }
                const m = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text);
                return m ? { end: m.index + m[0].length } : undefined;
            };
            const check = () => {
                const found = find();
                if (found) {
                    const text = screen().slice(consumed, consumed + found.end);
                    consumed += found.end;
                    done();
                    resolve(text);
                } else if (closed) {
                    done();
                    reject(new Error(`the command ended before showing ${String(pattern)}; screen:\n${screen()}`));
                }
            };
            const timer = setTimeout(() => {
                done();
                reject(new Error(`${String(pattern)} did not appear within ${timeoutMs} ms; screen:\n${screen()}`));
            }, timeoutMs);
            const done = () => {
                clearTimeout(timer);
                listeners.delete(check);
            };
            listeners.add(check);
            check();
        });

    const send = (keys: string) => {
        if (!child.stdin.destroyed) child.stdin.write(keys);
    };

    return {
        waitFor,
        send,
        async answer(pattern, keys) {
            await waitFor(pattern);
            // The prompt has rendered; give its key listener a moment before typing.
            await new Promise((r) => setTimeout(r, 50));
            send(keys);
        },
        exited,
        screen,
        kill: killAll,
    };
}
