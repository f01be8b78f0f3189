// node scripts/toolchain.mjs node --conditions=@toolwright/source packages/bench/src/profile-bridge.ts <stdio|http> [calls] [profile dir]
// A host making sequential plain calls (`echo`) through the bridge's bin, as scenario 9 does; with a
// profile dir, the bridge's process runs under `--cpu-prof` and writes its profile there when it ends.
import { readFileSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startHttpFixture, stdioFixture } from '@toolwright/testing';
import { type Closers, disposer } from './connections.ts';
import { bridgeCommand, httpBridge } from './scenario-bridge.ts';

const [transport = 'stdio', callsText = '20000', profileDir] = process.argv.slice(2);
if (transport !== 'stdio' && transport !== 'http') throw new Error(`transport must be stdio or http, got ${transport}`);
const calls = Number(callsText);
const nodeFlags =
  profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', profileDir];
const closers: Closers = [];
await using _closers = { [Symbol.asyncDispose]: disposer(closers) };
const client = new Client({ name: 'bench-host', version: '1.0.0' });
let bridgePid: number | null = null;
if (transport === 'stdio') {
  const behind = stdioFixture({});
  closers.push(() => behind.close());
  const stdio = new StdioClientTransport(bridgeCommand(['--', behind.command, ...behind.args], nodeFlags));
  await client.connect(stdio);
  bridgePid = stdio.pid;
} else {
  const behind = await startHttpFixture({});
  closers.push(() => behind.close());
  const url = await httpBridge(['--url', behind.url.href], closers, nodeFlags);
  await client.connect(new StreamableHTTPClientTransport(url));
}
closers.push(() => client.close());
const call = () => client.callTool({ name: 'echo', arguments: { text: 'x' } });
// Warm up the bridge's code before the measured calls.
for (let index = 0; index < 1_000; index++) await call();
const bridgeCpuBefore = bridgeCpuMs(bridgePid);
const started = performance.now();
for (let index = 0; index < calls; index++) await call();
const wallMs = performance.now() - started;
const bridgeCpu = bridgeCpuMs(bridgePid) - bridgeCpuBefore;
console.log(
  `bridge ${transport}: ${((wallMs * 1000) / calls).toFixed(1)} µs wall per call (${calls} calls)${Number.isNaN(bridgeCpu) ? '' : `, the bridge's process CPU ${((bridgeCpu * 1000) / calls).toFixed(1)} µs per call`}`,
);

/** A stdio bridge's process CPU so far (user + system, ms), from /proc on Linux; NaN elsewhere. */
function bridgeCpuMs(pid: number | null): number {
  if (pid === null) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
