import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { TestSummaryReporter } from './scripts/test-summary-reporter.ts';

// Tests run from source: every workspace package resolves through its `@toolwright/source` export condition.
const sourceCondition = '@toolwright/source';

// Type tests are part of the suite; vitest's notice that they are experimental is noise on every run.
process.env.VITEST_DISABLE_EXPERIMENTAL_LOG ??= 'true';

/** Every workspace package folder (`packages/*`, `examples/*`), so a new package's tests run without editing this file. */
function workspacePackages(): { name: string; dir: string }[] {
  const root = fileURLToPath(new URL('.', import.meta.url));
  return ['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => ({
        name: parent === 'examples' ? `example-${entry.name}` : entry.name,
        dir: `${parent}/${entry.name}`,
      })),
  );
}

/** One vitest project per package, each inheriting the root options (`extends: true`). */
function packageProject({ name, dir }: { name: string; dir: string }) {
  return {
    extends: true as const,
    test: {
      name,
      // Any `*.test.ts` of the package (src/, bin/, scripts/ …), never installed or built copies.
      include: [`${dir}/**/*.test.ts`],
      exclude: ['**/node_modules/**', '**/dist/**'],
      typecheck: {
        enabled: true,
        include: [`${dir}/**/*.test-d.ts`],
        tsconfig: `${dir}/tsconfig.json`,
      },
    },
  };
}

export default defineConfig({
  resolve: { conditions: [sourceCondition, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
  test: {
    projects: [
      ...workspacePackages().map(packageProject),
      // The repository's own scripts (toolchain, test summary).
      { extends: true as const, test: { name: 'scripts', include: ['scripts/**/*.test.ts'] } },
    ],
    // The default report, then one line that counts every test of every project: `N passed, N failed`.
    reporters: ['default', new TestSummaryReporter()],
    // Listeners piling up on one emitter fail the test run (scripts/listener-leak-guard.ts).
    setupFiles: [fileURLToPath(new URL('./scripts/listener-leak-guard.ts', import.meta.url))],
    // At least two test files at a time: most tests wait on servers and timers, not on the CPU, and
    // vitest's default (one fewer than the cores) would run them one by one on a two-core machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Fail on a forgotten `.only` in CI, and on any error left unhandled by a test.
    allowOnly: !process.env.CI,
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
