// The example as a user runs it: a real process, its agent's MCP server a stdio child.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs `src/main.ts` without an OpenAI key (the scripted model); killed after 60 s. */
async function runExample() {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY;
  const child = spawn(process.execPath, ['--conditions=@toolwright/source', 'src/main.ts'], {
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
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

describe('the mastra-agent example', () => {
  it("streams the MCP task's status as tool output, in order, then the tools' results and the answer", async () => {
    const { code, signal, stdout, stderr } = await runExample();
    expect(stderr).toBe('');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('Model: a scripted mock');
    const lines = [
      '→ progress_task({"steps":3,"stepMs":400})',
      'working: step 1 of 3 (1/3)',
      'working: step 2 of 3 (2/3)',
      'working: step 3 of 3 (3/3)',
      '← progress_task: "finished 3 steps"',
      '19 + 23 = 42, and progress_task finished its 3 steps',
    ];
    const positions = lines.map((line) => stdout.indexOf(line));
    expect(
      positions.every((position) => position >= 0),
      stdout,
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(stdout).toContain('← add: 42');
  }, 70_000);
});
