// Runs the built packages (dist/, not src/) on whatever Node runs this script: CI runs it with the
// machine's Node, to check the `engines` claim (Node 20+) of @toolwright/core, mcp-toolset and testing.
import { createRunContext } from '@toolwright/core';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture, stdioFixture } from '@toolwright/testing';

const checks = [];
const check = (name, ok) => {
  checks.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
};

{
  const fixture = await startInMemoryFixture({ pollInterval: 1000 });
  const toolset = new MCPToolset(fixture.clientTransport);
  await toolset.open();
  const tools = await toolset.getTools();
  const slow = tools.find((tool) => tool.name === 'slow_task');
  check('in-memory: lists task tools', slow?.metadata.taskSupport === 'required');
  const statuses = [];
  const ctx = createRunContext();
  ctx.events.on('task-status', (event) => statuses.push(event.status));
  check(
    'in-memory: a required task returns its result',
    (await toolset.callTool('slow_task', { value: 'x' }, ctx, slow)) === 'done: x',
  );
  check('in-memory: status events arrive', statuses.at(-1) === 'completed');
  await toolset.close();
  await fixture.close();
}
{
  const fixture = stdioFixture({ pollInterval: 20 });
  const toolset = new MCPToolset({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
  await toolset.open();
  const handle = await toolset.startTask('cancellable_task', { durationMs: 10_000 });
  await handle.cancel();
  check(
    'stdio (built bin): cancel reaches the server',
    (await fixture.inspector.cancelsReceived()).includes(handle.taskId),
  );
  check('stdio: a plain tool call', (await toolset.directCallTool('echo', { text: 'hi' })) === 'hi');
  await toolset.close();
  await fixture.close();
}

console.log(
  `built packages on Node ${process.version}: ${checks.filter(Boolean).length} of ${checks.length} checks ok`,
);
process.exitCode = checks.every(Boolean) ? 0 : 1;
