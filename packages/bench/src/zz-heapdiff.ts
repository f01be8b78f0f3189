// temporary: per-task heap breakdown (not committed)
import { getHeapSnapshot } from 'node:v8';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { Client, type Transport } from '@modelcontextprotocol/client';
import { pollRawTask } from './raw-tasks.ts';

async function summary(): Promise<Map<string, { count: number; size: number }>> {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const stream = getHeapSnapshot();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const snap = JSON.parse(Buffer.concat(chunks).toString());
  const fields: string[] = snap.snapshot.meta.node_fields;
  const types: string[] = snap.snapshot.meta.node_types[0];
  const n = fields.length;
  const ti = fields.indexOf('type'), ni = fields.indexOf('name'), si = fields.indexOf('self_size');
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += n) {
    const type = types[snap.nodes[i + ti]];
    let name = snap.strings[snap.nodes[i + ni]] as string;
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)';
    if (type === 'number') name = '(number)';
    const key = `${type}:${name.slice(0, 60)}`;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count++; e.size += snap.nodes[i + si];
    out.set(key, e);
  }
  return out;
}

const side = process.argv[2] ?? 'toolwright';
const count = 1000;
const fixture = await startInMemoryFixture({ taskDelayMs: 3000, pollInterval: 3000 });
let call: (v: string) => Promise<unknown>;
if (side === 'toolwright') {
  const toolset = new MCPToolset(fixture.clientTransport, { id: 'bench' });
  await toolset.open();
  call = (value) => toolset.directCallTool('slow_task', { value });
} else {
  const client = new Client({ name: 'x', version: '1' });
  await client.connect(fixture.clientTransport as Transport);
  call = (value) => pollRawTask(client, 'slow_task', { value });
}
await call('warm');
const idle = await summary();
const calls = Array.from({ length: count }, (_, i) => call(`t${i}`));
await new Promise((r) => setTimeout(r, 1200));
const busy = await summary();
const rows: [string, number, number][] = [];
let total = 0;
for (const [key, e] of busy) {
  const before = idle.get(key) ?? { count: 0, size: 0 };
  const dsize = e.size - before.size, dcount = e.count - before.count;
  total += dsize;
  if (Math.abs(dsize) > count * 8) rows.push([key, dcount / count, dsize / count]);
}
rows.sort((a, b) => b[2] - a[2]);
console.log(`${side}: total ${(total / count / 1024).toFixed(2)} KiB per task`);
for (const [key, c, s] of rows.slice(0, 45)) console.log(`${s.toFixed(0).padStart(6)} B  ${c.toFixed(2).padStart(6)}x  ${key}`);
await Promise.all(calls);
await fixture.close();
process.exit(0);
