/**
 * A three-way merge of text, line by line (diff3), for `update`: what was generated last time (base),
 * the file as it is now (ours), and the new rendering (theirs). Pure and self-contained, so `update`
 * works the same with or without git installed and spawns no process per file.
 *
 * Where only one side changed a region, that side wins; where both made the same change, it is taken
 * once; where both changed the same lines differently, the region gets git-style conflict markers.
 * Without repeated lines in the base this is exactly what `git merge-file` does; with them, the line
 * alignment (a longest common subsequence, changes placed as late as possible) may differ from git's.
 */

export interface MergeResult {
    text: string;
    /** Regions where both sides changed the same lines differently (each marked in `text`). */
    conflicts: number;
}

export interface MergeLabels {
    ours: string;
    theirs: string;
}

/** Splits text into lines that keep their line ending, so joining them gives the text back exactly. */
export function splitLines(text: string): string[] {
    return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The largest table the line matching builds (lines of one side times the other, after the common head). */
const MAX_CELLS = 16_000_000;

/**
 * For each line of `a`, the index of the line of `b` it is matched with in a longest common
 * subsequence (or -1). The common head is matched directly, the rest by dynamic programming, which
 * is plenty for generated files (hundreds of lines). Where several alignments are equally long,
 * lines are matched as early as possible, so a change among repeated lines sits as late as it can,
 * as git's diff places it.
 */
export function matchLines(a: readonly string[], b: readonly string[]): Int32Array {
    const match = new Int32Array(a.length).fill(-1);
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) {
        match[head] = head;
        head++;
    }
    const n = a.length - head;
    const m = b.length - head;
    // Past MAX_CELLS the rest is left unmatched: the merge then marks it as one conflict instead of
    // allocating hundreds of megabytes (generated files are far below it).
    if (n === 0 || m === 0 || n * m > MAX_CELLS) return match;
    // lengths[i * (m + 1) + j]: the LCS length of a[head + i ..] and b[head + j ..].
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
            lengths[i * width + j] =
                a[head + i] === b[head + j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
        }
    }
    for (let i = 0, j = 0; i < n && j < m; ) {
        if (a[head + i] === b[head + j]) {
            match[head + i] = head + j;
            i++;
            j++;
        } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
        else j++;
    }
    return match;
}

function same(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** The lines of a conflict region, ending each side with a newline so the markers stay on their own lines. */
function conflictLines(ours: string[], theirs: string[], labels: MergeLabels): string[] {
    const closed = (lines: string[]) =>
        lines.length > 0 && !lines[lines.length - 1]!.endsWith('\n') ? [...lines.slice(0, -1), `${lines[lines.length - 1]}\n`] : lines;
    return [`<<<<<<< ${labels.ours}\n`, ...closed(ours), '=======\n', ...closed(theirs), `>>>>>>> ${labels.theirs}\n`];
}

export function merge3(base: string, ours: string, theirs: string, labels: MergeLabels = { ours: 'ours', theirs: 'theirs' }): MergeResult {
    if (ours === theirs || base === theirs) return { text: ours, conflicts: 0 };
    if (base === ours) return { text: theirs, conflicts: 0 };
    const [o, b, t] = [splitLines(ours), splitLines(base), splitLines(theirs)];
    const toOurs = matchLines(b, o);
    const toTheirs = matchLines(b, t);
    const out: string[] = [];
    let conflicts = 0;
    // Resolves one region where at least one side differs from the base.
    const unstable = (baseLines: string[], ourLines: string[], theirLines: string[]) => {
        if (same(ourLines, baseLines)) out.push(...theirLines);
        else if (same(theirLines, baseLines) || same(ourLines, theirLines)) out.push(...ourLines);
        else {
            conflicts++;
            out.push(...conflictLines(ourLines, theirLines, labels));
        }
    };
    let [i, x, y] = [0, 0, 0];
    while (i < b.length) {
        // A stable run: base lines matched in both sides at the current positions.
        let k = 0;
        while (i + k < b.length && toOurs[i + k] === x + k && toTheirs[i + k] === y + k) k++;
        if (k > 0) {
            out.push(...b.slice(i, i + k));
            [i, x, y] = [i + k, x + k, y + k];
            continue;
        }
        // Up to the next base line both sides kept, the three differ.
        let j = i;
        while (j < b.length && (toOurs[j] === -1 || toTheirs[j] === -1)) j++;
        const [nextOurs, nextTheirs] = j < b.length ? [toOurs[j]!, toTheirs[j]!] : [o.length, t.length];
        unstable(b.slice(i, j), o.slice(x, nextOurs), t.slice(y, nextTheirs));
        [i, x, y] = [j, nextOurs, nextTheirs];
    }
    if (x < o.length || y < t.length) unstable([], o.slice(x), t.slice(y));
    return { text: out.join(''), conflicts };
}
