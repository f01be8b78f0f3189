// pnpm bench [--quick] [--no-write] [--only <scenario number>] [--transport <in-memory|stdio|http>] [--pairs <n>] [--min-round-ms <ms>]
// --transport keeps the cases of scenarios 1-4 (those run over every transport) to one transport.
// --quick, --only and --transport never write results/latest.json, so that it always holds one whole run.
// Runs every scenario beside its raw-SDK baseline in paired, alternating rounds; prints one table, writes results/latest.json.
import { fileURLToPath } from 'node:url';
import { TRANSPORTS, type TransportName } from './connections.ts';
import { type CaseResult, isReduced, machine, table, writeResults } from './report.ts';
import type { RunnerSettings } from './runner.ts';
import { adapters } from './scenario-adapters.ts';
import { bridgeCalls } from './scenario-bridge.ts';
import { callOverhead } from './scenario-call-overhead.ts';
import { concurrentTasks } from './scenario-concurrent-tasks.ts';
import { instantTasks } from './scenario-instant-tasks.ts';
import { listing } from './scenario-listing.ts';
import { selectors } from './scenario-selectors.ts';
import { storeThroughput } from './scenario-store-throughput.ts';
import { taskLatency } from './scenario-task-latency.ts';

const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const numberOption = (name: string, fallback: number) => {
  const value = option(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} needs a positive number, got ${value}`);
  return parsed;
};
const quick = argv.includes('--quick');
const only = option('--only');
const transport = option('--transport');
if (transport !== undefined && !TRANSPORTS.includes(transport as TransportName))
  throw new Error(`--transport needs one of ${TRANSPORTS.join(', ')}, got ${transport}`);
const settings: RunnerSettings = {
  quick,
  pairs: numberOption('--pairs', quick ? 3 : 30),
  warmupPairs: quick ? 0 : 1,
  minRoundMs: numberOption('--min-round-ms', quick ? 5 : 200),
  seed: 1,
  transport: transport as TransportName | undefined,
};
const scenarios: [string, (settings: RunnerSettings) => Promise<CaseResult[]>][] = [
  ['1', taskLatency],
  ['2', instantTasks],
  ['3', callOverhead],
  ['4', listing],
  ['5', concurrentTasks],
  ['6', selectors],
  // Not one of the benchmark issue's scenarios: the durable task stores' throughput.
  ['7', storeThroughput],
  // The framework adapters against the frameworks' own MCP clients (the adapters' issue).
  ['8', adapters],
  // The bridge (@toolwright/bridge): a plain call through it, and a status change's way to the host.
  ['9', bridgeCalls],
];

const info = machine();
console.log(`Toolwright benchmarks${quick ? ' (quick: tiny sizes, a smoke test; nothing is judged)' : ''}`);
console.log(`${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, ${info.platform}`);
const reduced = isReduced(settings);
console.log(
  `${settings.pairs} pairs per case, rounds of at least ${settings.minRoundMs} ms${reduced ? ' (reduced: the issue asks for 30 pairs of 200 ms rounds)' : ''}\n`,
);
const cases: CaseResult[] = [];
for (const [number, run] of scenarios) {
  if (only !== undefined && only !== number) continue;
  const started = performance.now();
  cases.push(...(await run(settings)));
  console.error(`scenario ${number} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
console.log(table(cases));
// A quick run's figures, or one scenario's or transport's, must not replace a whole run's.
if (quick || only !== undefined || transport !== undefined)
  console.log('\nresults/latest.json is left as it is (a quick run, or one scenario or transport).');
else if (!argv.includes('--no-write')) {
  const path = fileURLToPath(new URL('../results/latest.json', import.meta.url));
  writeResults(path, settings, cases);
  console.log(`\nWrote ${path}`);
}
