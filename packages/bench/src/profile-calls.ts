// node scripts/toolchain.mjs node --conditions=@toolwright/source --cpu-prof --cpu-prof-dir <dir> packages/bench/src/profile-calls.ts <toolwright|sdk> <in-memory|stdio|http> [calls] [concurrency]
// One side of scenario 3 alone in its own process, so a CPU profile holds that side's plain-call path only.
import { createRunContext } from '@toolwright/core';
import { connectPair, TRANSPORTS, type TransportName } from './connections.ts';

const [side = 'toolwright', transport = 'in-memory', callsText = '40000', concurrencyText = '1'] =
  process.argv.slice(2);
if (side !== 'toolwright' && side !== 'sdk') throw new Error(`side must be toolwright or sdk, got ${side}`);
if (!TRANSPORTS.includes(transport as TransportName))
  throw new Error(`transport must be one of ${TRANSPORTS.join(', ')}, got ${transport}`);
const calls = Number(callsText);
const concurrency = Number(concurrencyText);
await using pair = await connectPair(transport as TransportName, {});
const echo = (await pair.toolset.getTools()).find((tool) => tool.name === 'echo');
if (!echo) throw new Error('the fixture has no echo tool');
await pair.client.listTools();
const ctx = createRunContext();
const call =
  side === 'toolwright'
    ? () => pair.toolset.callTool('echo', { text: 'x' }, ctx, echo)
    : () => pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
// Warm up both paths' code before the measured calls.
for (let index = 0; index < 2_000; index++) await call();
const cpu = process.cpuUsage();
const started = performance.now();
for (let done = 0; done < calls; done += concurrency) await Promise.all(Array.from({ length: concurrency }, call));
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(
  `${side} ${transport} ×${concurrency}: ${((wallMs * 1000) / calls).toFixed(1)} µs wall, ${((used.user + used.system) / calls).toFixed(1)} µs CPU per call`,
);
