import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedFiles, installLine, missingFiles, type PackedPackage } from './pack-all.ts';

const packed = (
  name: string,
  peerDependencies: Record<string, string> = {},
  optionalPeers: string[] = [],
): PackedPackage => ({
  name,
  optionalPeers,
  version: '0.2.0',
  dir: `/repo/packages/${name.slice('@toolwright/'.length)}`,
  peerDependencies,
  tarball: join('/packed', `${name.slice(1).replace('/', '-')}-0.2.0.tgz`),
});

describe('pack:all', () => {
  it('reads the files a package publishes from its publishConfig exports, else its exports', () => {
    const exports = {
      '.': { '@toolwright/source': './src/index.ts', types: './dist/index.d.mts', default: './dist/index.mjs' },
      './package.json': './package.json',
    };
    const published = {
      '.': { types: './dist/index.d.mts', default: './dist/index.mjs' },
      './package.json': './package.json',
    };
    expect(exportedFiles({ exports, publishConfig: { exports: published } })).toEqual([
      'dist/index.d.mts',
      'dist/index.mjs',
      'package.json',
    ]);
    expect(exportedFiles({ exports })).toContain('src/index.ts');
  });

  it('names the exported files a tarball lacks', () => {
    const expected = ['dist/index.d.mts', 'dist/index.mjs', 'package.json'];
    expect(missingFiles(['package/package.json', 'package/README.md'], expected)).toEqual([
      'dist/index.d.mts',
      'dist/index.mjs',
    ]);
    expect(
      missingFiles(['package/package.json', 'package/dist/index.mjs', 'package/dist/index.d.mts'], expected),
    ).toEqual([]);
  });

  it('installs a package with the Toolwright tarballs it depends on and its other peers', () => {
    const all = [
      packed('@toolwright/core'),
      packed('@toolwright/capabilities'),
      packed('@toolwright/mcp-toolset', { '@modelcontextprotocol/client': '^2.4.0', zod: '^3.25.0 || ^4.0.0' }),
      packed('@toolwright/store-sqlite', { '@toolwright/capabilities': '^0.2.0', '@toolwright/core': '^0.2.0' }),
      packed('@toolwright/testing', { zod: '^4.0.0', 'oidc-provider': '^9.13.3' }, ['oidc-provider']),
    ];
    const dependencies = new Map([
      ['@toolwright/capabilities', ['@toolwright/core']],
      ['@toolwright/mcp-toolset', ['@toolwright/core']],
      ['@toolwright/store-sqlite', ['@toolwright/capabilities', '@toolwright/core']],
    ]);
    expect(installLine('@toolwright/mcp-toolset', all, dependencies)).toBe(
      "npm install /packed/toolwright-mcp-toolset-0.2.0.tgz /packed/toolwright-core-0.2.0.tgz '@modelcontextprotocol/client@^2.4.0' 'zod@^3.25.0 || ^4.0.0'",
    );
    expect(installLine('@toolwright/store-sqlite', all, dependencies)).toBe(
      'npm install /packed/toolwright-store-sqlite-0.2.0.tgz /packed/toolwright-capabilities-0.2.0.tgz /packed/toolwright-core-0.2.0.tgz',
    );
    // An optional peer is the app's choice.
    expect(installLine('@toolwright/testing', all, dependencies)).toBe(
      "npm install /packed/toolwright-testing-0.2.0.tgz 'zod@^4.0.0'",
    );
  });
});
