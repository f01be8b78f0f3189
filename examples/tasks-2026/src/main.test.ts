// The example as a user runs it: a real process talking to the 2026-07-28 fixture over HTTP.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const ESC = '\u001b';

/** Runs `src/main.ts --quick` with the colour variables given and no others; killed after 30 s. */
async function runExample(colours: Record<string, string>) {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'CI']) delete env[name];
  Object.assign(env, colours);
  const child = spawn(process.execPath, ['--conditions=@toolwright/source', 'src/main.ts', '--quick'], {
    cwd: exampleDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** The part of the output under step `n` (up to the next step). */
function section(stdout: string, n: number): string {
  const start = stdout.indexOf(`\n${n}. `);
  const next = stdout.indexOf(`\n${n + 1}. `, start + 1);
  expect(start, `step ${n}`).toBeGreaterThanOrEqual(0);
  return stdout.slice(start, next < 0 ? undefined : next);
}

describe('the tasks-2026 example', () => {
  it('walks through 2026-07-28 tasks and exits 0, without escape codes under NO_COLOR and with them under FORCE_COLOR', async () => {
    const [plain, forced] = await Promise.all([runExample({ NO_COLOR: '1' }), runExample({ FORCE_COLOR: '1' })]);
    expect(plain.stderr).toBe('');
    expect({ code: plain.code, signal: plain.signal }).toEqual({ code: 0, signal: null });
    const out = plain.stdout;
    expect(out.includes(ESC)).toBe(false);

    expect(section(out, 1)).toContain('protocol version negotiated: 2026-07-28');
    expect(section(out, 2)).toContain('metadata of each: taskSupport null, task true');
    expect(section(out, 3)).toContain('echo → "hello" (answered inline)');

    const status = section(out, 4);
    const steps = ['working: step 1 of 3', 'working: step 2 of 3', 'working: step 3 of 3', 'completed'];
    const positions = steps.map((step) => status.indexOf(step));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(status).toContain('result → "done: the report"');

    const input = section(out, 5);
    expect(input).toMatch(/the server asks for task [0-9a-f]{8}…: "What is your name\?" → answering "Ada"/);
    expect(input).toContain('input_required');
    expect(input).toContain('result → "Hello, Ada"');

    const roundTrip = section(out, 6);
    const asked = roundTrip.indexOf('the server asks before any task exists');
    expect(asked).toBeGreaterThanOrEqual(0);
    expect(roundTrip.indexOf('created: working')).toBeGreaterThan(asked);
    expect(roundTrip).toContain('result → "Hello, Ada! The task finished."');

    const decides = section(out, 7);
    expect(decides).toContain('delayMs 0   → "ranAsTask: false"');
    expect(decides).toContain('delayMs 100 → "ranAsTask: true"');
    expect(decides).toMatch(/startTask\('greet'\) → UserError: .*ran tool 'greet' inline.*callTool/);

    const cancel = section(out, 8);
    expect(cancel).toMatch(/tasks\/cancel acknowledged; task [0-9a-f]{8}… cancelled/);
    expect(cancel).toContain('its waiter got TaskCancelledError');

    const saved = section(out, 9);
    expect(saved).toMatch(/listTasks\(\) → UserError: .*no task listing/);
    const reference = JSON.parse(/saved (\{.*\})/.exec(saved)?.[1] ?? 'null') as Record<string, unknown>;
    expect(reference).toMatchObject({
      type: 'mcp-task',
      protocol: '2026-07-28',
      server: 'tasks-2026-server',
      toolName: 'slow_task',
    });
    const resumed = section(out, 10);
    expect(resumed).toContain(`task ${String(reference.taskId).slice(0, 8)}…`);
    expect(resumed).toContain('result → "done: resumed"');
    expect(out.trimEnd().endsWith('Done.')).toBe(true);

    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`${ESC}[1m`); // bold steps
    expect(forced.stdout).toContain(`${ESC}[32mcompleted`); // a green 'completed'
  }, 60_000);
});
