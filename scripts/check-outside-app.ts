/**
 * Type-checks the README code blocks as an application outside this repository sees the packages:
 * builds and packs every published package as `pnpm run pack:all` does (`pack-all.ts`), creates a temporary app in the
 * system's temp folder, installs the tarballs with npm (with their peer dependencies from the registry),
 * and compiles every README block there with TypeScript strict, `exactOptionalPropertyTypes` and
 * `noUncheckedIndexedAccess`, resolving `@toolwright/*` to the installed packages (never the workspace
 * sources). It fails when a block does not compile against the published shape: a type missing from the
 * built declarations, an export map that does not resolve, a peer dependency not declared.
 *
 * The blocks and their extraction are those of `check-readme-code.ts` (which checks them against the
 * sources). Run: `node scripts/toolchain.mjs pnpm run check:outside-app`. `--keep` leaves the app for a look; `--built` packs without building (the packages were just built).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReadmeBlock, readmeBlocks, typeCheckBlocks, writeBlockModules } from './check-readme-code.ts';
import { type PackedPackage, type PublishedPackage, packAll } from './pack-all.ts';

/**
 * The outside app's package.json: every tarball as a dependency, and as an override, so that a package
 * depending on another of ours gets the packed one rather than a copy from the registry; the peer
 * dependencies of the packages (other than ours) as the app's own, at the ranges the packages declare;
 * and the app's `@types/node`.
 */
export function appManifest(
  packages: readonly PublishedPackage[],
  tarballs: ReadonlyMap<string, string>,
  typesNode: string,
): Record<string, unknown> {
  const ours = Object.fromEntries(packages.map((pkg) => [pkg.name, `file:${tarballs.get(pkg.name) ?? ''}`]));
  const peers: Record<string, string> = {};
  for (const pkg of packages) {
    for (const [name, range] of Object.entries(pkg.peerDependencies)) if (!(name in ours)) peers[name] = range;
  }
  return {
    name: 'toolwright-outside-app',
    private: true,
    type: 'module',
    dependencies: { ...peers, ...ours },
    devDependencies: { '@types/node': typesNode },
    overrides: ours,
  };
}

/** The app's compiler options: what a strict TypeScript app on Node uses, no path into the workspace. */
export const APP_COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023', 'ESNext.Disposable'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
} as const;

/**
 * The files whose errors count: the blocks, and the declarations of our own packages (checked as strictly
 * as the app, so a type that leaks an undeclared dependency fails). Other packages' declarations are theirs
 * to keep; an app skips them (`skipLibCheck`), and so does this check.
 */
export function isCheckedFile(fileName: string): boolean {
  const path = fileName.split('\\').join('/');
  return !path.includes('/node_modules/') || path.includes('/node_modules/@toolwright/');
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function main(): number {
  const started = performance.now();
  const root = fileURLToPath(new URL('..', import.meta.url));
  const keep = process.argv.includes('--keep');
  const app = mkdtempSync(join(tmpdir(), 'toolwright-outside-app-'));
  try {
    // `--built`: the packages were just built (CI's checks build them first), so packing skips prepack.
    const packages: PackedPackage[] = packAll(root, join(app, 'tarballs'), {
      build: !process.argv.includes('--built'),
    });
    const tarballs = new Map(packages.map((pkg) => [pkg.name, pkg.tarball]));
    const packed = performance.now();
    console.log(`built and packed ${packages.length} packages in ${seconds(started)} s`);

    const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const manifest = appManifest(packages, tarballs, rootManifest.devDependencies['@types/node'] ?? '*');
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: app,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const installed = performance.now();
    console.log(`installed the tarballs and their peer dependencies with npm in ${seconds(packed)} s`);

    const blocks: ReadmeBlock[] = readmeBlocks(root).filter((block) => block.skipReason === undefined);
    const byFile = writeBlockModules(blocks, join(app, 'blocks'));
    const tsconfig = join(app, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: APP_COMPILER_OPTIONS, include: ['blocks'] }, null, 2));
    const errors = typeCheckBlocks(app, tsconfig, byFile, isCheckedFile);
    for (const error of errors) console.error(`${error.readme}:${error.line}:${error.column}: ${error.message}`);
    console.log(
      `${blocks.length} README code blocks type-checked against the packed packages in ${seconds(installed)} s, ${errors.length} errors; ${seconds(started)} s in all`,
    );
    if (keep) console.log(`the app is kept at ${app}`);
    return errors.length === 0 ? 0 : 1;
  } finally {
    if (!keep) rmSync(app, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = main();
