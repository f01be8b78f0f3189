// What a published package carries: its licence, where it comes from, and no workspace-only scripts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedFiles, missingFiles, tarballListing } from './pack-all.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

const published = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .filter((name) => readJson(join(root, 'packages', name, 'package.json')).private !== true);

const work = mkdtempSync(join(tmpdir(), 'toolwright-pack-'));
// One `pnpm pack` over every package of packages/ (pnpm skips private ones), as a release would pack them,
// without their `prepack` builds: these tests read the packed package.json and licence only, and building
// every package here would cost the suite a minute. Building before packing is tested below on one package.
beforeAll(() => {
  execFileSync(
    'pnpm',
    ['-r', '--filter', './packages/*', 'pack', '--config.ignore-scripts=true', '--pack-destination', work],
    {
      cwd: root,
      stdio: 'ignore',
      timeout: 60_000,
    },
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('finds the published packages', () => {
  expect(published).toEqual(expect.arrayContaining(['core', 'mcp-toolset', 'capabilities', 'testing', 'ai-sdk']));
});

describe.each(published)('packages/%s', (name) => {
  const dir = join(root, 'packages', name);

  it('has the MIT licence of the repository, listed in files', () => {
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} Toolwright contributors\n/);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(license);
    const manifest = readJson(join(dir, 'package.json'));
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toContain('LICENSE');
  });

  it('packs a package.json that says where it comes from and has no scripts, and the licence', () => {
    const tarball = readdirSync(work).find((file) => file.startsWith(`toolwright-${name}-`) && file.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const out = join(work, name);
    mkdirSync(out);
    execFileSync('tar', ['-xzf', join(work, tarball ?? ''), '-C', out]);
    const manifest = readJson(join(out, 'package', 'package.json'));
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/toolwright/toolwright.git',
      directory: `packages/${name}`,
    });
    expect(manifest.homepage).toBe(`https://github.com/toolwright/toolwright/tree/main/packages/${name}#readme`);
    expect(manifest.bugs).toEqual({ url: 'https://github.com/toolwright/toolwright/issues' });
    expect(readFileSync(join(out, 'package', 'LICENSE'), 'utf8')).toBe(license);
  });
});

describe('packing builds first', () => {
  it('every published package builds in its prepack script', () => {
    for (const name of published) {
      const manifest = readJson(join(root, 'packages', name, 'package.json'));
      expect(manifest.scripts.prepack, name).toBe('pnpm run build');
      expect(manifest.scripts.build, name).toBe('tsdown');
    }
  });

  // In the same file as the packing above, so no other pack reads packages/core while its dist/ is gone.
  it('cannot make a tarball without dist/: packing a package with no dist/ builds it first', () => {
    const dir = join(root, 'packages', 'core');
    const exported = exportedFiles(readJson(join(dir, 'package.json')));
    expect(exported).toEqual(expect.arrayContaining(['dist/index.mjs', 'dist/index.d.mts']));
    const pack = (destination: string, ...flags: string[]): string => {
      mkdirSync(destination);
      execFileSync('pnpm', ['pack', ...flags, '--pack-destination', destination], {
        cwd: dir,
        stdio: 'ignore',
        timeout: 120_000,
      });
      const [tarball] = readdirSync(destination);
      return join(destination, tarball ?? '');
    };
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    // What a pack without its build script made before (the tarball installs, then fails at import);
    // pack:all and check:outside-app refuse such a tarball by this check.
    const unbuilt = pack(join(work, 'core-unbuilt'), '--config.ignore-scripts=true');
    expect(missingFiles(tarballListing(unbuilt), exported)).toEqual(
      exported.filter((file) => file.startsWith('dist/')),
    );
    // An ordinary pack runs prepack, which builds dist/ first.
    const built = pack(join(work, 'core-built'));
    expect(missingFiles(tarballListing(built), exported)).toEqual([]);
    expect(existsSync(join(dir, 'dist', 'index.mjs'))).toBe(true);
  }, 180_000);
});
