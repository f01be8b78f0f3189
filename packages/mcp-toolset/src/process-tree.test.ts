// The processes under a child, read from /proc (Linux), and the guard against an id given to a later process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { descendantsOf, isRunning, joinTrees, signalTree } from './process-tree.ts';
import { isGone } from './test-support/launched.ts';

/** A Node child that starts a grandchild and writes `<grandchild pid>` once it runs. */
async function childWithGrandchild() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const g = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); g.on('spawn', () => console.log(g.pid)); setInterval(() => {}, 1000)",
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  const [data] = (await once(child.stdout, 'data')) as [Buffer];
  return { child: child.pid as number, grandchild: Number(data.toString().trim()) };
}

describe.runIf(existsSync('/proc/self/stat'))('the process tree of a child', () => {
  it('holds its children and theirs, nearest first', async () => {
    const { child, grandchild } = await childWithGrandchild();
    onTestFinished(() => {
      if (!isGone(grandchild)) process.kill(grandchild, 'SIGKILL');
    });
    const tree = descendantsOf([process.pid]);
    const pids = tree.map(({ pid }) => pid);
    expect(pids).toContain(child);
    expect(pids).toContain(grandchild);
    expect(pids.indexOf(child)).toBeLessThan(pids.indexOf(grandchild));
    expect(descendantsOf([child]).map(({ pid }) => pid)).toEqual([grandchild]);
    expect(tree.every(isRunning)).toBe(true);
  });

  it('signals its processes, and never a process that took the id of one since', async () => {
    const { child, grandchild } = await childWithGrandchild();
    const [found] = descendantsOf([child]);
    expect(found?.pid).toBe(grandchild);
    const other = { pid: grandchild, started: `${found?.started}0` };
    expect(isRunning(other)).toBe(false);
    signalTree([other], 'SIGKILL');
    expect(isGone(grandchild)).toBe(false);
    signalTree(joinTrees([other], descendantsOf([child])), 'SIGKILL');
    await expect.poll(() => isGone(grandchild)).toBe(true);
  });

  it('is empty for a process that started none, and for an id no process has', async () => {
    const alone = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    onTestFinished(() => {
      alone.kill('SIGKILL');
    });
    await once(alone, 'spawn');
    expect(descendantsOf([alone.pid as number])).toEqual([]);
    // Above the largest id Linux gives (2^22).
    expect(descendantsOf([2 ** 22 + 1])).toEqual([]);
  });
});
