import { defineConfig, type UserConfig } from 'tsdown';

/** How every published package builds: ESM for Node 20+, `.mjs` and `.d.mts`, from `src/`. */
export function packageConfig(entry: string[] = ['src/index.ts']): UserConfig {
  return defineConfig({
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    fixedExtension: true,
    dts: true,
    clean: true,
  });
}
