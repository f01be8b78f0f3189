// node scripts/toolchain.mjs node --expose-gc --conditions=@toolwright/source packages/bench/src/profile-task-burst.ts [tasks] [pairs]
// Where the time of scenario 5's burst goes: for each side (Toolwright's directCallTool, the raw SDK
// v2 poll loop), in alternating pairs, the moments of one burst of `tasks` 1 s tasks read from the
// client's transport: all calls issued (the synchronous loop), the server's last task created (its
// `createdAt`), the client holding the last answer that creates a task, the first result, the last
// result; and the process CPU of the burst. Medians over the pairs after a warm-up pair.
import { Client, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { firstText, pollRawTask } from './raw-tasks.ts';
import { collectGarbage } from './runner.ts';
import { median } from './stats.ts';

const tasks = Number(process.argv[2] ?? 10_000);
const pairs = Number(process.argv[3] ?? 6);
const TASK_MS = 1_000;

type Side = 'toolwright' | 'sdk';
/** Milliseconds from the start of the burst (CPU: milliseconds of process CPU during it). */
interface Moments {
  issued: number;
  serverLastCreated: number;
  lastCreated: number;
  firstResult: number;
  end: number;
  cpu: number;
}

async function burst(side: Side): Promise<Moments> {
  await using fixture = await startInMemoryFixture({ taskDelayMs: TASK_MS, pollInterval: TASK_MS });
  const transport = fixture.clientTransport as Transport;
  let call: (value: string) => Promise<unknown>;
  let close: () => Promise<void>;
  if (side === 'toolwright') {
    const toolset = new MCPToolset(transport, { id: 'bench' });
    await toolset.open();
    call = (value) => toolset.directCallTool('slow_task', { value });
    close = () => toolset.close();
  } else {
    const client = new Client({ name: 'bench-raw-sdk', version: '1.0.0' });
    await client.connect(transport);
    call = async (value) => firstText((await pollRawTask(client, 'slow_task', { value })).result);
    close = () => client.close();
  }
  const moments: Moments = { issued: 0, serverLastCreated: 0, lastCreated: 0, firstResult: 0, end: 0, cpu: 0 };
  const startedAt = Date.now();
  const started = performance.now();
  let created = 0;
  let results = 0;
  const deliver = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage, extra) => {
    const result = 'result' in message ? (message.result as { task?: { createdAt?: string }; content?: unknown }) : {};
    if (result.task?.createdAt !== undefined) {
      moments.serverLastCreated = Math.max(moments.serverLastCreated, Date.parse(result.task.createdAt) - startedAt);
      if (++created === tasks) moments.lastCreated = performance.now() - started;
    }
    if (result.content !== undefined && ++results === 1) moments.firstResult = performance.now() - started;
    deliver?.(message, extra);
  };
  collectGarbage();
  const cpu = process.cpuUsage();
  const calls = Array.from({ length: tasks }, (_, index) => call(`t${index}`));
  moments.issued = performance.now() - started;
  await Promise.all(calls);
  moments.end = performance.now() - started;
  const used = process.cpuUsage(cpu);
  moments.cpu = (used.user + used.system) / 1000;
  await close();
  return moments;
}

const rounds: Record<Side, Moments[]> = { toolwright: [], sdk: [] };
for (let pair = 0; pair <= pairs; pair++) {
  const order: Side[] = pair % 2 === 0 ? ['toolwright', 'sdk'] : ['sdk', 'toolwright'];
  for (const side of order) {
    const moments = await burst(side);
    if (pair > 0) rounds[side].push(moments); // the first pair warms up
  }
}
console.log(`${tasks} tasks of ${TASK_MS} ms, medians of ${pairs} pairs (ms from the start of the burst)`);
const keys = ['issued', 'serverLastCreated', 'lastCreated', 'firstResult', 'end', 'cpu'] as const;
console.log(['side', ...keys].join('\t'));
for (const side of ['toolwright', 'sdk'] as const)
  console.log([side, ...keys.map((key) => median(rounds[side].map((moments) => moments[key])).toFixed(0))].join('\t'));
