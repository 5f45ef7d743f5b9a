import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('the repository', () => {
    it('holds no unresolved merge conflict', () => {
        const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
        // The three-way merge and its tests write conflict markers on purpose.
        const own = new Set(['src/core/merge.ts', 'test/unit/merge.test.ts']);
        const found = files
            .filter((file) => !own.has(file) && !/\.(png|tgz|gz)$/.test(file))
            .flatMap((file) => {
                const lines = readFileSync(join(root, file), 'utf8').split('\n');
                return lines.flatMap((line, i) => (/^(<{7}|>{7}) |^={7}$/.test(line) ? [`${file}:${i + 1}`] : []));
            });
        expect(found).toEqual([]);
    });
});
