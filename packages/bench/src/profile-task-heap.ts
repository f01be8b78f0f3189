// node scripts/toolchain.mjs node --expose-gc --conditions=@toolwright/source packages/bench/src/profile-task-heap.ts [tasks]
// Where the live heap of scenario 5 goes: for each side (Toolwright's directCallTool, the raw SDK v2
// poll loop), heap snapshots idle and with `tasks` 1 s tasks in flight (after a full collection),
// then the difference per in-flight task by kind of object, and the kinds where the sides differ.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { Client, type Transport } from '@modelcontextprotocol/client';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { firstText, pollRawTask } from './raw-tasks.ts';
import { collectGarbage } from './runner.ts';

const tasks = Number(process.argv[2] ?? 1_000);
const TASK_MS = 1_000;

/** Bytes and count of live objects by kind (`type:constructor`), from one heap snapshot. */
type Census = Map<string, { count: number; bytes: number }>;

/** The parts of a V8 heap snapshot read here: each node is `fields.length` numbers in `nodes`. */
interface HeapSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

function census(file: string): Census {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  rmSync(file);
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  const { nodes, strings } = snapshot;
  const at = (index: number) => nodes[index] as number;
  const byKind: Census = new Map();
  for (let index = 0; index < nodes.length; index += fields.length) {
    const kindType = types[0][at(index + type)] ?? 'unknown';
    // Names of strings, numbers, closures and arrays are their contents or empty: the type says enough.
    const named = !/string|number|closure|array/.test(kindType);
    const kind = named ? `${kindType}:${String(strings[at(index + name)]).slice(0, 40)}` : kindType;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += at(index + size);
    byKind.set(kind, entry);
  }
  return byKind;
}

/** The live heap per in-flight task of one side, by kind. */
async function side(name: 'toolwright' | 'sdk'): Promise<Census> {
  await using fixture = await startInMemoryFixture({ taskDelayMs: TASK_MS, pollInterval: TASK_MS });
  let call: (value: string) => Promise<unknown>;
  let close: () => Promise<void>;
  if (name === 'toolwright') {
    const toolset = new MCPToolset(fixture.clientTransport, { id: 'bench' });
    await toolset.open();
    call = (value) => toolset.directCallTool('slow_task', { value });
    close = () => toolset.close();
  } else {
    const client = new Client({ name: 'bench-raw-sdk', version: '1.0.0' });
    await client.connect(fixture.clientTransport as Transport);
    call = async (value) => firstText((await pollRawTask(client, 'slow_task', { value })).result);
    close = () => client.close();
  }
  await call('warm-up'); // code compiled by the first call is not the tasks' heap
  collectGarbage();
  const idle = census(writeHeapSnapshot(join(tmpdir(), `idle-${name}-${process.pid}.heapsnapshot`)));
  const calls = Array.from({ length: tasks }, (_, index) => call(`t${index}`));
  await new Promise((resolve) => setTimeout(resolve, TASK_MS / 2));
  collectGarbage();
  const busy = census(writeHeapSnapshot(join(tmpdir(), `busy-${name}-${process.pid}.heapsnapshot`)));
  await Promise.all(calls);
  await close();
  const perTask: Census = new Map();
  for (const [kind, { count, bytes }] of busy) {
    const before = idle.get(kind) ?? { count: 0, bytes: 0 };
    perTask.set(kind, { count: (count - before.count) / tasks, bytes: (bytes - before.bytes) / tasks });
  }
  return perTask;
}

const toolwright = await side('toolwright');
const sdk = await side('sdk');
// Compiled code (V8 optimising what the burst runs) grows with the burst, but is no task's data.
const total = (perTask: Census, code: boolean) =>
  [...perTask].filter(([kind]) => code || !kind.startsWith('code:')).reduce((sum, [, { bytes }]) => sum + bytes, 0);
for (const code of [true, false])
  console.log(
    `live heap per in-flight task${code ? '' : ', compiled code left out'} (${tasks} tasks of ${TASK_MS} ms, client and in-process server): Toolwright ${total(toolwright, code).toFixed(0)} B, raw SDK v2 poll loop ${total(sdk, code).toFixed(0)} B`,
  );
console.log('kinds where the sides differ by 8 B or more per task (Toolwright − raw; count and bytes per task):');
const rows = [...new Set([...toolwright.keys(), ...sdk.keys()])]
  .map((kind) => {
    const ours = toolwright.get(kind) ?? { count: 0, bytes: 0 };
    const theirs = sdk.get(kind) ?? { count: 0, bytes: 0 };
    return { kind, ours, theirs, difference: ours.bytes - theirs.bytes };
  })
  .filter(({ difference }) => Math.abs(difference) >= 8)
  .sort((a, b) => b.difference - a.difference);
for (const { kind, ours, theirs, difference } of rows)
  console.log(
    `${difference.toFixed(0).padStart(6)} B  ${ours.count.toFixed(2)} vs ${theirs.count.toFixed(2)}  ${kind}`,
  );
