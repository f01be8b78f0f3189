// One worker of scenario 6: claims pending tasks one at a time and completes each, until none is
// left. Waits for "go" on stdin, so process start-up is not measured.
import { createInterface } from 'node:readline';
import { openStore, type StoreLocation } from '@toolwright/durable-tests';

const { location, owner } = JSON.parse(process.argv[2] ?? '{}') as { location: StoreLocation; owner: string };
const store = await openStore(location);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;
let done = 0;
for (;;) {
  const [task] = await store.claim({ owner, leaseMs: 60_000, limit: 1 });
  if (!task) break;
  const recorded = await store.complete(task, task.lease, {
    toolName: task.toolName,
    id: task.taskId,
    toolCallId: task.toolCallId,
    outcome: 'result',
    content: `done: ${task.taskId}`,
    message: `Background tool '${task.toolName}' (${task.taskId}) finished.`,
  });
  if (recorded) done++;
}
process.stdout.write(`${JSON.stringify({ done })}\n`);
await store.close?.();
