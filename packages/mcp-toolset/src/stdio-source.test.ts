// A stdio source as an app gives one: the child's stderr (labelled by default, or inherited, dropped, or
// handed to a callback), its environment (a safe default and `env`, never the parent's whole), and
// close(): a server that exits when its stdin closes is closed without waiting out `closeGraceMs`, and
// one behind a launcher that does not is ended with every process it started.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UserError } from '@toolwright/core';
import { stdioFixture } from '@toolwright/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import type { StdioServer } from './options.ts';
import { isGone, launchedSource, treeOf, WRITE_TREE } from './test-support/launched.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The stdio fixture server, with `preload` run first in its process (a Node `--import`): what a server
 * of one's own would do at start (write to stderr, read its environment, ignore its stdin closing).
 */
function fixtureSource(
  preload = '',
  extra: Partial<StdioServer> = {},
): StdioServer & { pid: () => Promise<number | undefined> } {
  const fixture = stdioFixture();
  cleanups.push(() => fixture.close());
  const args =
    preload === ''
      ? fixture.args
      : ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, ...fixture.args];
  return { command: fixture.command, args, ...extra, pid: () => fixture.pid() };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the stderr of a stdio server', () => {
  it('goes line by line to a callback', async () => {
    const lines: string[] = [];
    const source = fixtureSource("process.stderr.write('warming up\\r\\nready\\nlast words')", {
      stderr: (line) => lines.push(line),
    });
    const toolset = new MCPToolset(source, { id: 'noisy' });
    await toolset.open();
    expect(await toolset.directCallTool('echo', { text: 'hi' })).toBe('hi');
    await toolset.close();
    // The last line, without a newline, arrives when the stream ends.
    await expect.poll(() => lines).toEqual(['warming up', 'ready', 'last words']);
  });

  it('is labelled with the server id by default, passed through with inherit, dropped with ignore', async () => {
    // Each in a process of its own, whose stderr is what a user would see.
    const script = (stderr: string) => `
      import { MCPToolset } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
      const source = JSON.parse(process.env.SOURCE);
      const toolset = new MCPToolset({ ...source, ${stderr} }, { id: 'noisy' });
      await toolset.open();
      await toolset.close();`;
    const source = fixtureSource("process.stderr.write('a warning from the server\\n')");
    const run = async (stderr: string) =>
      (
        await promisify(execFile)(
          process.execPath,
          ['--conditions=@toolwright/source', '--input-type=module', '--eval', script(stderr)],
          { env: { ...process.env, SOURCE: JSON.stringify(source) }, timeout: 60_000 },
        )
      ).stderr;
    expect(await run('')).toBe('[noisy] a warning from the server\n');
    expect(await run("stderr: 'inherit'")).toBe('a warning from the server\n');
    expect(await run("stderr: 'ignore'")).toBe('');
  }, 90_000);

  it('refuses an option it does not know, saying what it takes', async () => {
    const source = { ...fixtureSource(), stderr: 'pipe' } as unknown as StdioServer;
    const error = await new MCPToolset(source).open().catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /stderr of a stdio source must be 'label', 'inherit', 'ignore' or a function/,
    );
  });
});

describe('the environment of a stdio server', () => {
  it('is a safe default and `env`: a variable of the parent reaches the server only through env', async () => {
    process.env.TOOLWRIGHT_TEST_PARENT_SECRET = 'parent';
    cleanups.push(async () => {
      delete process.env.TOOLWRIGHT_TEST_PARENT_SECRET;
    });
    const lines: string[] = [];
    const source = fixtureSource(
      "const { TOOLWRIGHT_TEST_PARENT_SECRET: secret, API_KEY: key, PATH: path } = process.env; process.stderr.write([String(secret), key, path ? 'path' : 'no path'].join(' ') + '\\n')",
      { env: { API_KEY: 'given' }, stderr: (line) => lines.push(line) },
    );
    const toolset = new MCPToolset(source);
    await toolset.open();
    await toolset.close();
    await expect.poll(() => lines).toEqual(['undefined given path']);
  });
});

describe('closing a stdio server', () => {
  it('does not wait out closeGraceMs for a server that exits when its stdin closes', async () => {
    // Ten minutes: were the grace what ended close(), the test would time out.
    const source = fixtureSource('', { stderr: 'ignore', closeGraceMs: 600_000 });
    const toolset = new MCPToolset(source);
    await toolset.open();
    const pid = await source.pid();
    expect(pid).toBeTypeOf('number');
    await toolset.close();
    expect(isAlive(pid as number)).toBe(false);
  });

  it('sends SIGTERM after closeGraceMs to a server that does not exit when its stdin closes', async () => {
    // The fixture exits when its stdin closes; this one cannot (process.exit is gone, a timer keeps it alive).
    const source = fixtureSource('process.exit = () => {}; setInterval(() => {}, 1000)', {
      stderr: 'ignore',
      closeGraceMs: 100,
    });
    const toolset = new MCPToolset(source);
    await toolset.open();
    const pid = await source.pid();
    await toolset.close();
    expect(isAlive(pid as number)).toBe(false);
  });

  it('closes a server behind a launcher that exits when its stdin closes without waiting out closeGraceMs', async () => {
    const lines: string[] = [];
    const source = fixtureSource(WRITE_TREE, {
      stderr: (line) => lines.push(line),
      closeGraceMs: 600_000,
    });
    const toolset = new MCPToolset(launchedSource(source));
    await toolset.open();
    const tree = await treeOf(lines);
    expect(tree).toHaveLength(2);
    await toolset.close();
    expect(tree.filter((pid) => !isGone(pid))).toEqual([]);
  });

  it('ends every process of a server behind a launcher that ignores its stdin closing, and a process it started that ignores SIGTERM', async () => {
    // The launcher, as npx and `sh -c` do, does not pass a SIGTERM on; the server neither exits when its
    // stdin closes nor lets its process end; the process it started ignores SIGTERM and holds no pipe.
    const preload = `
      import { spawn } from 'node:child_process';
      process.exit = () => {};
      setInterval(() => {}, 1000);
      const started = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); process.send('ready')"], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      started.once('message', () => { started.disconnect(); process.stderr.write(\`tree \${process.ppid} \${process.pid} \${started.pid}\\n\`); });`;
    const lines: string[] = [];
    const source = fixtureSource(preload, { stderr: (line) => lines.push(line), closeGraceMs: 100 });
    const toolset = new MCPToolset(launchedSource(source));
    await toolset.open();
    expect(await toolset.directCallTool('echo', { text: 'hi' })).toBe('hi');
    const tree = await treeOf(lines);
    expect(tree).toHaveLength(3);
    // close() resolves within 3 × closeGraceMs: stdin, SIGTERM to all three, SIGKILL to the one left.
    await toolset.close();
    expect(tree.filter((pid) => !isGone(pid))).toEqual([]);
  });

  it('refuses a closeGraceMs that is not a number of ms', async () => {
    const error = await new MCPToolset(fixtureSource('', { closeGraceMs: -1 }))
      .open()
      .catch((caught: unknown) => caught);
    expect(UserError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /closeGraceMs of a stdio source must be a number of ms, 0 or more, got -1/,
    );
  });
});
