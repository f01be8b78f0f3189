import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const toolchain = join(root, 'scripts', 'toolchain.mjs');

// The machine's own Node, as a user types `node`: PATH without the toolchain's folders, whose tool set
// (chosen by that Node's major) is then already installed, because it is what runs this test.
const systemPath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((entry) => !entry.startsWith(join(root, '.toolchain')))
  .join(delimiter);

function runToolchain(cwd: string, args: string[]) {
  return spawnSync('node', [toolchain, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: systemPath },
    timeout: 120_000,
  });
}

it("runs the command in the caller's folder, with Node 22 or newer", () => {
  const packageDir = join(root, 'packages', 'core');
  const result = runToolchain(packageDir, ['node', '-p', 'process.cwd() + " " + process.versions.node']);
  expect(result.status).toBe(0);
  const [cwd, version] = result.stdout.trim().split(' ');
  expect(cwd).toBe(packageDir);
  expect(Number(version?.split('.')[0])).toBeGreaterThanOrEqual(22);
});

it("puts the workspace's tools on PATH and passes on the command's exit code", () => {
  const result = runToolchain(join(root, 'examples'), ['vitest', '--version']);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/vitest\/\d+/);
  expect(runToolchain(root, ['node', '-e', 'process.exit(7)']).status).toBe(7);
});
