import { defineConfig, type UserConfig } from 'tsdown';

/**
 * How every published package builds: ESM for Node 20+, `.mjs` and `.d.mts`, from `src/`. Rolldown's
 * bundler timings (a table of plugin hook costs, ~25 lines per package, printed whenever the machine is
 * busy enough for the declaration plugin to look slow) are turned off: they say nothing about the package.
 */
export function packageConfig(entry: string[] = ['src/index.ts']): UserConfig {
  return defineConfig({
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    fixedExtension: true,
    dts: true,
    clean: true,
    checks: { bundlerTimings: false },
  });
}
