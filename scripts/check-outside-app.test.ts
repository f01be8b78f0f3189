import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_COMPILER_OPTIONS, appManifest, isCheckedFile } from './check-outside-app.ts';
import { type PublishedPackage, publishedPackages, tarballName } from './pack-all.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the outside app', () => {
  it('packs every published package and no private one', () => {
    const names = publishedPackages(root).map((pkg) => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining(['@toolwright/core', '@toolwright/mcp-toolset', '@toolwright/ai-sdk']),
    );
    expect(names).not.toContain('@toolwright/bench');
    expect(names.every((name) => !name.startsWith('@toolwright/example-'))).toBe(true);
  });

  it('names tarballs as pnpm pack does', () => {
    expect(tarballName('@toolwright/mcp-toolset', '0.2.0')).toBe('toolwright-mcp-toolset-0.2.0.tgz');
  });

  it('installs our tarballs (also where one package depends on another) and the peers the packages declare', () => {
    const packages: PublishedPackage[] = [
      { name: '@toolwright/core', version: '0.2.0', dir: '', peerDependencies: {} },
      {
        name: '@toolwright/mcp-toolset',
        version: '0.2.0',
        dir: '',
        peerDependencies: { zod: '^4.0.0', '@modelcontextprotocol/client': '^2.4.0' },
      },
      {
        name: '@toolwright/store-sqlite',
        version: '0.2.0',
        dir: '',
        peerDependencies: { '@toolwright/core': '^0.2.0' },
      },
    ];
    const tarballs = new Map(packages.map((pkg) => [pkg.name, `/t/${tarballName(pkg.name, pkg.version)}`]));
    const manifest = appManifest(packages, tarballs, '24.0.0');
    const ours = {
      '@toolwright/core': 'file:/t/toolwright-core-0.2.0.tgz',
      '@toolwright/mcp-toolset': 'file:/t/toolwright-mcp-toolset-0.2.0.tgz',
      '@toolwright/store-sqlite': 'file:/t/toolwright-store-sqlite-0.2.0.tgz',
    };
    expect(manifest).toMatchObject({ type: 'module', private: true, overrides: ours });
    expect(manifest.dependencies).toEqual({ ...ours, zod: '^4.0.0', '@modelcontextprotocol/client': '^2.4.0' });
    expect(manifest.devDependencies).toEqual({ '@types/node': '24.0.0' });
  });

  it('compiles as a strict app would, and counts errors of the blocks and of our declarations only', () => {
    expect(APP_COMPILER_OPTIONS).toMatchObject({
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      moduleResolution: 'NodeNext',
    });
    expect(isCheckedFile('/tmp/app/blocks/README-md-29.ts')).toBe(true);
    expect(isCheckedFile('/tmp/app/node_modules/@toolwright/core/dist/index.d.mts')).toBe(true);
    expect(isCheckedFile('/tmp/app/node_modules/ai/dist/index.d.ts')).toBe(false);
    expect(isCheckedFile('C:\\app\\node_modules\\zod\\index.d.cts')).toBe(false);
  });
});
