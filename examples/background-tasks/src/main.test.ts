// The demo as a user runs it: a real process with its MCP server child, interrupted with Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const demo = [process.execPath, '--conditions=@toolwright/source', 'src/main.ts'];
const ESC = '\u001b';
const running = new Set<ChildProcess>();

afterEach(() => {
  // A test that failed half-way leaves nothing behind: end the whole process group of each demo.
  for (const child of running) signalGroup(child, 'SIGKILL');
  running.clear();
});

function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-(child.pid ?? 0), signal);
    return true;
  } catch {
    return false; // no process of the group is left
  }
}

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether a process of the demo's group (its MCP server child) outlived it by more than 5 s. */
  leftBehind: boolean;
}

/**
 * Runs the demo in its own process group, as a terminal would, with the colour variables given and no others.
 * `interruptWhen`: send Ctrl-C (SIGINT to the whole group, like a terminal) once stdout matches it.
 */
async function runDemo(options: {
  args?: string[];
  env?: Record<string, string>;
  interruptWhen?: RegExp;
  command?: string[];
}): Promise<DemoRun> {
  const env = { ...process.env };
  // Node also turns colours off on a terminal when CI is set (by an unknown CI service).
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'CI']) delete env[name];
  Object.assign(env, options.env);
  const [command = '', ...args] = options.command ?? [...demo, ...(options.args ?? [])];
  const child = spawn(command, args, { cwd: exampleDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.interruptWhen && !interrupted && options.interruptWhen.test(stdout)) {
      interrupted = true;
      signalGroup(child, 'SIGINT');
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  let leftBehind = true;
  for (const started = Date.now(); Date.now() - started < 5_000; await new Promise((r) => setTimeout(r, 50))) {
    if (!signalGroup(child, 0)) {
      leftBehind = false;
      break;
    }
  }
  running.delete(child);
  return { code, signal, stdout, stderr, leftBehind };
}

describe('the background-tasks demo', () => {
  it('cancels the running task on the server on Ctrl-C, says so, and exits cleanly with 130', async () => {
    const run = await runDemo({ env: { NO_COLOR: '1' }, interruptWhen: /\] 1\/8 step 1 of 8/ });
    expect(run.stdout).toContain('Ctrl-C: cancelling the run and its task on the server');
    expect(run.stdout).toMatch(/status cancelled/);
    expect(run.stdout).toMatch(/Task [0-9a-f]{8}… was cancelled on the server \(its status: cancelled\)\./);
    expect(run.stdout).not.toContain('finished 8 steps');
    expect(run.stdout).not.toContain('Done after');
    expect(run.stderr).not.toMatch(/error|unhandled/i);
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 130, signal: null });
    expect(run.leftBehind).toBe(false);
    expect(run.stdout.includes(ESC)).toBe(false);
  });

  it('runs to the end without escape codes with NO_COLOR, and colours when FORCE_COLOR asks for them', async () => {
    const plain = await runDemo({ args: ['--quick'], env: { NO_COLOR: '1' } });
    const forced = await runDemo({ args: ['--quick'], env: { FORCE_COLOR: '1' } });
    // Without Ctrl-C the demo runs to the end, exits 0 and leaves no process behind.
    expect(plain.stdout).toContain('finished 3 steps');
    expect(plain.stdout).toContain('Done after');
    expect({ code: plain.code, signal: plain.signal, leftBehind: plain.leftBehind }).toEqual({
      code: 0,
      signal: null,
      leftBehind: false,
    });
    expect(forced.code).toBe(0);
    expect(plain.stdout.includes(ESC)).toBe(false);
    // Each step: its status line, then its bar line, then the next step (the notifications of a step may
    // arrive in either order).
    const lines = plain.stdout.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    for (let step = 1; step <= 3; step++) {
      const status = at(new RegExp(`status working: step ${step} of 3$`));
      const bar = at(new RegExp(`\\] ${step}/3 step ${step} of 3$`));
      expect(status, `the status line of step ${step}`).toBeGreaterThanOrEqual(0);
      expect(bar, `the bar of step ${step} after its status line`).toBe(status + 1);
    }
    // The tool count: the tools listed, and the rest, add up to the total given.
    const listed = lines.filter((line) => / → (a task|a direct call)/.test(line)).length;
    const [, more, total] = plain.stdout.match(/… and (\d+) more, (\d+) tools in all\./) ?? [];
    expect(listed + Number(more)).toBe(Number(total));
    expect(forced.stdout).toContain(`${ESC}[1m`); // bold headings
    expect(forced.stdout).toContain(`${ESC}[32m`); // a green 'completed'
  });

  // On a real terminal (a pseudo-terminal from util-linux `script`): colours by default, none with NO_COLOR.
  const script = '/usr/bin/script';
  it.runIf(existsSync(script))('honours NO_COLOR on a terminal too', async () => {
    const onTerminal = (env: Record<string, string>) =>
      runDemo({
        command: [script, '-qec', [...demo, '--quick'].join(' '), '/dev/null'],
        env: { TERM: 'xterm', ...env },
      });
    const coloured = await onTerminal({});
    const plain = await onTerminal({ NO_COLOR: '1' });
    expect(coloured.code).toBe(0);
    expect(plain.code).toBe(0);
    expect(coloured.stdout).toContain(`${ESC}[1m`);
    expect(plain.stdout).toContain('finished 3 steps');
    expect(plain.stdout.includes(ESC)).toBe(false);
  });
});
