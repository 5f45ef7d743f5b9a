/**
 * How the tool talks to the person running it: plain lines, a progress line, colors only on a
 * terminal and never with NO_COLOR. The CLI entry picks the stream (stderr under --json).
 */
export interface Progress {
    done(message: string): void;
    fail(message: string): void;
}

export interface Reporter {
    info(message: string): void;
    warn(message: string): void;
    success(message: string): void;
    progress(label: string): Progress;
}

interface Stream {
    write(chunk: string): unknown;
    isTTY?: boolean;
}

export function createReporter(stream: Stream, { color }: { color: boolean }): Reporter {
    const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[39m` : text);
    const line = (text: string) => stream.write(`${text}\n`);
    return {
        info: (message) => line(message),
        warn: (message) => line(paint(33, `! ${message}`)),
        success: (message) => line(paint(32, `✔ ${message}`)),
        progress(label) {
            const started = Date.now();
            if (!stream.isTTY) {
                line(`${label}…`);
                return { done: (m) => line(paint(32, `✔ ${m}`)), fail: (m) => line(paint(31, `✖ ${m}`)) };
            }
            // On a terminal, one line that counts the seconds, replaced by the outcome.
            const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let i = 0;
            const draw = () => stream.write(`\r${paint(36, frames[i++ % frames.length]!)} ${label}… ${Math.floor((Date.now() - started) / 1000)}s`);
            draw();
            const timer = setInterval(draw, 100);
            const end = (text: string) => {
                clearInterval(timer);
                stream.write(`\r\u001b[2K${text}\n`);
            };
            return { done: (m) => end(paint(32, `✔ ${m}`)), fail: (m) => end(paint(31, `✖ ${m}`)) };
        },
    };
}

/** A reporter that says nothing (tests, and library use). */
export const silentReporter: Reporter = {
    info() {},
    warn() {},
    success() {},
    progress: () => ({ done() {}, fail() {} }),
};
