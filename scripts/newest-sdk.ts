// CI: @toolwright/mcp-toolset's tests (its hostile-server tests among them), and its typecheck, once
// more against the newest @modelcontextprotocol/client its peer range allows, so that a release users
// can install is caught here first. That version is installed on its own into a temporary folder
// (npm, outside the workspace) and every import of the package goes to it (vitest.config.ts reads
// TOOLWRIGHT_SDK_CLIENT_DIR; the tsconfig written here maps its types). When the newest in range is
// the version the workspace pins, whose whole run npm test just did, only the tests of src/sdk/ (the
// SDK seams' canaries, and the check that the copy named is the one loaded) run against the copy.
//
// Usage: node scripts/toolchain.mjs node scripts/newest-sdk.ts [extra vitest arguments]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@modelcontextprotocol/client';

interface Manifest {
  readonly version: string;
  readonly exports: Record<string, unknown>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** The newest version `npm view <package>@<range> version --json` printed: one version, or a list in ascending order. */
export function newestOf(viewed: string): string {
  const parsed = JSON.parse(viewed) as unknown;
  const versions = Array.isArray(parsed) ? parsed : [parsed];
  const newest = versions.at(-1);
  if (typeof newest !== 'string') throw new Error(`npm view printed no version: ${viewed.slice(0, 200)}`);
  return newest;
}

/** The file of each export of a package for `condition` (`default`: its ESM code, `types`: its ESM types), by subpath. */
export function exportFiles(exports: Record<string, unknown>, condition: 'default' | 'types'): Map<string, string> {
  const files = new Map<string, string>();
  for (const [subpath, target] of Object.entries(exports)) {
    // A subpath maps to a file, or to conditions ({ import: { types, default }, require: … } or { types, default }).
    const conditions = (typeof target === 'object' && target !== null ? target : {}) as Record<string, unknown>;
    const esm = conditions.import ?? conditions;
    const file =
      typeof target === 'string'
        ? condition === 'default' && target
        : typeof esm === 'string'
          ? condition === 'default' && esm
          : (esm as Record<string, unknown>)[condition];
    if (typeof file === 'string') files.set(subpath, file);
  }
  return files;
}

/**
 * A tsconfig, written outside the workspace, that typechecks `project` (the folder of its tsconfig) as
 * its own does, with the package's types taken from `packageDir` and `@types` from the workspace `root`.
 */
export function tsconfigAgainst(
  root: string,
  project: string,
  packageDir: string,
  exports: Record<string, unknown>,
): object {
  const paths: Record<string, string[]> = {};
  for (const [subpath, file] of exportFiles(exports, 'types'))
    paths[`${PACKAGE}${subpath.slice(1)}`] = [join(packageDir, file)];
  return {
    extends: join(project, 'tsconfig.json'),
    include: [join(project, 'src'), join(project, 'conformance')],
    compilerOptions: { paths, typeRoots: [join(root, 'node_modules', '@types')] },
  };
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function capture(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main(): Promise<number> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const project = join(root, 'packages', 'mcp-toolset');
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Manifest;
  const range = manifest.peerDependencies?.[PACKAGE];
  const pinned = manifest.devDependencies?.[PACKAGE];
  if (range === undefined) throw new Error(`packages/mcp-toolset has no peer dependency on ${PACKAGE}`);
  const started = performance.now();
  const newest = newestOf(capture('npm', ['view', `${PACKAGE}@${range}`, 'version', '--json']));
  const folder = mkdtempSync(join(tmpdir(), 'toolwright-newest-sdk-'));
  try {
    writeFileSync(join(folder, 'package.json'), '{ "private": true }\n');
    const installed = run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `${PACKAGE}@${newest}`],
      { cwd: folder, env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    if (installed !== 0) throw new Error(`npm could not install ${PACKAGE}@${newest}`);
    const packageDir = join(folder, 'node_modules', ...PACKAGE.split('/'));
    const copy = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;
    const tsconfig = join(folder, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify(tsconfigAgainst(root, project, packageDir, copy.exports), null, 2));
    const installMs = performance.now() - started;
    const same =
      copy.version === pinned
        ? `, the version the workspace pins (npm test ran it whole): its SDK seams checked again`
        : `; the workspace pins ${pinned}`;
    console.log(`== ${PACKAGE} ${copy.version}: the newest in ${range}${same} (installed in ${seconds(installMs)} s)`);
    // The pinned version's whole run is npm test's: against the same version again, the SDK seams'
    // canaries and the check that the copy is the one loaded (src/sdk/) show the redirection works.
    const files = copy.version === pinned && process.argv.length <= 2 ? ['packages/mcp-toolset/src/sdk'] : [];
    const status = run('vitest', ['run', '--project', 'mcp-toolset', ...files, ...process.argv.slice(2)], {
      cwd: root,
      env: {
        ...process.env,
        TOOLWRIGHT_SDK_CLIENT_DIR: packageDir,
        TOOLWRIGHT_SDK_CLIENT_VERSION: copy.version,
        TOOLWRIGHT_SDK_TSCONFIG: tsconfig,
      },
    });
    const testMs = performance.now() - started - installMs;
    console.log(
      `== mcp-toolset's tests ${status === 0 ? 'passed' : 'FAILED'} against ${PACKAGE} ${copy.version} (the newest in ${range}): ${seconds(installMs)} s to install, ${seconds(testMs)} s of tests`,
    );
    return status;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
