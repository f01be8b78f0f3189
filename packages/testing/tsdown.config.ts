import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin/fixture-server.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  fixedExtension: true,
  dts: true,
  clean: true,
});
