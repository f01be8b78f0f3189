// The example as a user runs it: a real process, its agent's MCP server a stdio child.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the openai-agents example', () => {
  it("streams the MCP task's status in the run's events, in order, then the tools' results and the answer", async () => {
    const env = { ...process.env };
    delete env.OPENAI_API_KEY;
    // Rejects (with the output) on a non-zero exit, a signal, or after 60 s.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@toolwright/source', 'src/main.ts'],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), env, timeout: 60_000 },
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('Model: a scripted model');
    const lines = [
      '→ progress_task({"steps":3,"stepMs":400})',
      '] working',
      'working: step 1 of 3',
      'working: step 2 of 3 (2/3)',
      'working: step 3 of 3 (3/3)',
      'completed: step 3 of 3 (3/3)',
      '← progress_task: {"type":"text","text":"finished 3 steps"}',
      '19 + 23 = 42, and progress_task finished its 3 steps.',
    ];
    const positions = lines.map((line) => stdout.indexOf(line));
    expect(
      positions.every((position) => position >= 0),
      stdout,
    ).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(stdout).toContain('← add: {"type":"text","text":"42"}');
  }, 70_000);
});
