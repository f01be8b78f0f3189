// Resume a task from another process.
//
// The parent runs an MCP server (a Toolwright fixture, over Streamable HTTP on 127.0.0.1) and two
// child processes, one after the other:
//   1. `start`: starts a long task, saves its reference (a few bytes of JSON) to a file, and exits;
//   2. `resume`: reads the reference, resumes the task on a new connection, and prints the result.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MCPToolset, type TaskReference } from '@toolwright/mcp-toolset';
import { startHttpFixture } from '@toolwright/testing';

const [role, url, file] = process.argv.slice(2);

if (role === 'start' && url && file) {
  // Both processes give the toolset the same id: a reference names its server by it.
  await using toolset = new MCPToolset(url, { id: 'research-server' });
  await toolset.open();
  const handle = await toolset.startTask('slow_task', { value: 'the report' });
  writeFileSync(file, JSON.stringify(handle));
  console.log(`[start, pid ${process.pid}] started task ${handle.taskId} (${handle.status}); saved its reference:`);
  console.log(`  ${JSON.stringify(handle)}`);
  console.log(`[start, pid ${process.pid}] exiting while the task runs.`);
} else if (role === 'resume' && url && file) {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as TaskReference;
  await using toolset = new MCPToolset(url, { id: 'research-server' });
  await toolset.open();
  const handle = await toolset.resumeTask(reference);
  console.log(`[resume, pid ${process.pid}] resumed task ${handle.taskId}: ${handle.status}`);
  const started = performance.now();
  const result = await handle.result();
  console.log(
    `[resume, pid ${process.pid}] result after ${Math.round(performance.now() - started)} ms more: ${JSON.stringify(result)}`,
  );
} else {
  const quick = process.argv.includes('--quick');
  await using server = await startHttpFixture({ taskDelayMs: quick ? 300 : 3_000 });
  const directory = mkdtempSync(join(tmpdir(), 'toolwright-resume-'));
  const file = join(directory, 'task-reference.json');
  const self = fileURLToPath(import.meta.url);
  // Spawned asynchronously: the server lives in this process and must keep answering meanwhile.
  const child = async (step: string) => {
    const run = spawn(process.execPath, [...process.execArgv, self, step, server.url.href, file], { stdio: 'inherit' });
    const [code] = await once(run, 'exit');
    if (code !== 0) throw new Error(`the '${step}' process failed (exit ${code})`);
  };
  console.log(`MCP server at ${server.url.href}; its slow_task takes ${quick ? 0.3 : 3} s.\n`);
  try {
    await child('start');
    await child('resume');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
