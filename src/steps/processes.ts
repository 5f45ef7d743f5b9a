/**
 * The operating-system process facts the steps below the CLI need, in one place: this process's
 * id and start, whether another process is alive, signalling a child's whole process group, and
 * running something when this process exits. Node offers these only through `process`; exit codes
 * and everything else about `process` stay in src/cli.ts.
 */
import { readFileSync } from 'node:fs';

/** This process's id. */
export const ownPid = process.pid;

/** Process groups exist (not on Windows): a child can be started in one and signalled with it. */
export const hasProcessGroups = process.platform !== 'win32';

/**
 * When a process started, as the kernel counts it (Linux: field 22 of /proc/<pid>/stat), so a
 * reused pid can be told from the process that had it; undefined where it cannot be read.
 */
export function processStartMark(pid: number): string | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // Field 22 (starttime); the command name in field 2 may hold spaces and ")", so count after the last ")".
        const mark = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
        return mark && /^\d+$/.test(mark) ? mark : undefined;
    } catch {
        return undefined;
    }
}

/** Is a process with this id alive? `undefined` when it cannot be told. */
export function processAlive(pid: number): boolean | undefined {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // ESRCH: no such process. EPERM: alive, but someone else's.
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'ESRCH' ? false : code === 'EPERM' ? true : undefined;
    }
}

/** Sends a signal to every process of a group; a group that has already ended is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        // ESRCH: the group has already ended.
    }
}

/** Runs `action` if this process exits before `dispose()` is called. */
export function onProcessExit(action: () => void): { dispose(): void } {
    process.once('exit', action);
    return { dispose: () => process.removeListener('exit', action) };
}
