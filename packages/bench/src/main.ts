// pnpm bench [--quick] [--no-write] [--only <scenario number>]
// Runs every scenario side by side with its raw-SDK baseline, prints one table, writes results/latest.json.
import { fileURLToPath } from 'node:url';
import { type Figure, machine, type Settings, table, writeResults } from './report.ts';
import { callOverhead } from './scenario-call-overhead.ts';
import { concurrentTasks } from './scenario-concurrent-tasks.ts';
import { listing } from './scenario-listing.ts';
import { selectors } from './scenario-selectors.ts';
import { storeThroughput } from './scenario-store-throughput.ts';
import { taskLatency } from './scenario-task-latency.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const settings: Settings = quick ? { quick, rounds: 3, warmup: 1 } : { quick, rounds: 15, warmup: 3 };
const scenarios: [string, (settings: Settings) => Promise<Figure[]>][] = [
  ['1', taskLatency],
  ['2', callOverhead],
  ['3', listing],
  ['4', concurrentTasks],
  ['5', selectors],
  ['6', storeThroughput],
];

const info = machine();
console.log(`Toolwright benchmarks${quick ? ' (quick: small sizes, timings not meaningful)' : ''}`);
console.log(`${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, ${info.platform}\n`);
const figures: Figure[] = [];
for (const [number, run] of scenarios) {
  if (only !== undefined && only !== number) continue;
  const started = performance.now();
  figures.push(...(await run(settings)));
  console.error(`scenario ${number} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
console.log(table(figures));
if (!argv.includes('--no-write')) {
  const path = fileURLToPath(new URL('../results/latest.json', import.meta.url));
  writeResults(path, settings, figures);
  console.log(`\nWrote ${path}`);
}
