/**
 * Builds and packs every published package into one folder, and prints the `npm install` line for each:
 * how an app installs Toolwright until the packages are on the registry.
 *
 * Run: `node scripts/toolchain.mjs pnpm run pack:all` (the folder is `packed/` of the repository, git-ignored),
 * or `… pack:all -- <folder>`. Each package's `prepack` script builds it, so a tarball always carries a fresh
 * `dist/`; the tarballs are then checked to hold every file their `exports` name, and a package whose build
 * fails, or whose tarball lacks a file, fails the command.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A published (not private) package of `packages/`. */
export interface PublishedPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly peerDependencies: Readonly<Record<string, string>>;
  /** The peer dependencies marked optional (`peerDependenciesMeta`): an app installs them only to use them. */
  readonly optionalPeers?: readonly string[];
}

/** The published packages of the workspace, from their package.json files. */
export function publishedPackages(root: string): PublishedPackage[] {
  const found: PublishedPackage[] = [];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    const dir = join(root, 'packages', entry.name);
    const manifestPath = join(dir, 'package.json');
    if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    if (manifest.private === true) continue;
    found.push({
      name: manifest.name,
      version: manifest.version,
      dir,
      peerDependencies: manifest.peerDependencies ?? {},
      optionalPeers: Object.entries(manifest.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional === true)
        .map(([peer]) => peer),
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The file name `pnpm pack` gives a package's tarball: `@toolwright/core` 0.2.0 → `toolwright-core-0.2.0.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** One packed package: where its tarball is. */
export interface PackedPackage extends PublishedPackage {
  readonly tarball: string;
}

/** Every file a package's published `exports` (its `publishConfig.exports`, else `exports`) points to. */
export function exportedFiles(manifest: { exports?: unknown; publishConfig?: { exports?: unknown } }): string[] {
  const files = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') files.add(value.replace(/^\.\//, ''));
    else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) visit(inner);
  };
  visit(manifest.publishConfig?.exports ?? manifest.exports);
  return [...files].sort();
}

/** The files of `expected` that a tarball's listing (`tar -tzf`, entries under `package/`) lacks. */
export function missingFiles(listing: readonly string[], expected: readonly string[]): string[] {
  const present = new Set(listing.map((entry) => entry.replace(/^package\//, '')));
  return expected.filter((file) => !present.has(file));
}

/** The files in a tarball, as `tar -tzf` lists them. */
export function tarballListing(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/**
 * Packs every published package of `root` into `destination` with `pnpm pack` (each `prepack` builds the
 * package first, unless `build` is false), and checks each tarball holds every file its exports name. The build output is shown
 * only when a package fails.
 */
export function packAll(root: string, destination: string, options: { build?: boolean } = {}): PackedPackage[] {
  const packages = publishedPackages(root);
  mkdirSync(destination, { recursive: true });
  for (const file of readdirSync(destination)) {
    if (file.startsWith('toolwright-') && file.endsWith('.tgz')) rmSync(join(destination, file));
  }
  try {
    // One filter per published package: a private one (the adapter contract kit) is not packed.
    const filters = packages.flatMap((pkg) => ['--filter', pkg.name]);
    execFileSync('pnpm', ['-r', ...filters, 'pack', '--pack-destination', destination], {
      cwd: root,
      stdio: 'pipe',
      encoding: 'utf8',
      // Without the build (`build: false`, for a caller that just built): the tarballs are still checked below.
      ...(options.build === false ? { env: { ...process.env, npm_config_ignore_scripts: 'true' } } : {}),
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`pnpm pack failed (a package did not build?):\n${stdout}${stderr}`);
  }
  return packages.map((pkg) => {
    const tarball = join(destination, tarballName(pkg.name, pkg.version));
    if (!existsSync(tarball)) throw new Error(`pnpm pack made no tarball for ${pkg.name}`);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    const missing = missingFiles(tarballListing(tarball), exportedFiles(manifest));
    if (missing.length > 0) throw new Error(`${pkg.name}: the tarball lacks ${missing.join(', ')} (was it built?)`);
    return { ...pkg, tarball };
  });
}

/**
 * The `npm install` line for one package from the tarballs: its own tarball, those of the Toolwright packages
 * it depends on (npm would look for them on the registry otherwise), and its other peer dependencies at the
 * ranges it declares, but for optional ones.
 */
export function installLine(
  name: string,
  packed: readonly PackedPackage[],
  dependencies: ReadonlyMap<string, string[]>,
) {
  const byName = new Map(packed.map((pkg) => [pkg.name, pkg]));
  const ours: PackedPackage[] = [];
  const visit = (current: string): void => {
    const pkg = byName.get(current);
    if (pkg === undefined || ours.includes(pkg)) return;
    ours.push(pkg);
    for (const dependency of dependencies.get(current) ?? []) visit(dependency);
  };
  visit(name);
  const peers = new Map<string, string>();
  for (const pkg of ours) {
    for (const [peer, range] of Object.entries(pkg.peerDependencies)) {
      if (!byName.has(peer) && !pkg.optionalPeers?.includes(peer)) peers.set(peer, range);
    }
  }
  const peerSpecs = [...peers].map(([peer, range]) => `'${peer}@${range}'`);
  return ['npm', 'install', ...ours.map((pkg) => pkg.tarball), ...peerSpecs].join(' ');
}

/** For each package, the Toolwright packages among its dependencies and peer dependencies. */
export function internalDependencies(packed: readonly PackedPackage[]): Map<string, string[]> {
  const names = new Set(packed.map((pkg) => pkg.name));
  return new Map(
    packed.map((pkg) => {
      const manifest = JSON.parse(
        execFileSync('tar', ['-xzOf', pkg.tarball, 'package/package.json'], { encoding: 'utf8' }),
      );
      const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      return [pkg.name, declared.filter((dependency) => names.has(dependency))];
    }),
  );
}

function main(): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const destination = resolve(process.argv[2] ?? join(root, 'packed'));
  let packed: PackedPackage[];
  try {
    packed = packAll(root, destination);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const dependencies = internalDependencies(packed);
  console.log(`Built and packed ${packed.length} packages into ${destination}.`);
  console.log('Install one in your app (with the Toolwright packages it depends on and its peers):\n');
  for (const pkg of packed) console.log(`# ${pkg.name}\n${installLine(pkg.name, packed, dependencies)}\n`);
  return 0;
}

if (import.meta.main) process.exitCode = main();
