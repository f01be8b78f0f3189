import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const reporterPath = fileURLToPath(new URL('./test-summary-reporter.ts', import.meta.url));
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Runs vitest in a child process over a folder of the given test files, with the summary reporter last. */
function runVitest(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'toolwright-summary-'));
  folders.push(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  writeFileSync(
    join(root, 'vitest.config.mjs'),
    `import { TestSummaryReporter } from ${JSON.stringify(reporterPath)};\n` +
      `export default { test: { reporters: ['default', new TestSummaryReporter()] } };\n`,
  );
  const result = spawnSync(process.execPath, [vitestBin, 'run', '--root', root, '--config', 'vitest.config.mjs'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    timeout: 60_000,
  });
  const lines = result.stdout.trimEnd().split('\n');
  return { status: result.status, lastLine: lines.at(-1), stdout: result.stdout };
}

const passing = `import { it } from 'vitest';\nit('a', () => {});\nit('b', () => {});\n`;

it('ends a green run with the count of every test and exit code 0', () => {
  const run = runVitest({
    'one.test.ts': passing,
    'two.test.ts': `import { it } from 'vitest';\nit('c', () => {});\n`,
  });
  expect(run.lastLine).toBe('3 passed, 0 failed');
  expect(run.status).toBe(0);
});

it('counts failed tests and files that fail outside any test, and the run still exits non-zero', () => {
  const run = runVitest({
    'one.test.ts': passing,
    'failing.test.ts': `import { expect, it } from 'vitest';\nit('d', () => { expect(1).toBe(2); });\nit.skip('e', () => {});\n`,
    'broken.test.ts': `throw new Error('collection fails');\n`,
  });
  expect(run.lastLine).toBe('2 passed, 2 failed');
  expect(run.stdout).toContain('1 skipped or todo');
  expect(run.stdout).toContain('1 failure(s) outside any test');
  expect(run.status).toBe(1);
});
