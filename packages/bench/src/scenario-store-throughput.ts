import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openStore, type PostgresCluster, type StoreLocation, startPostgres } from '@toolwright/durable-tests';
import type { CaseResult } from './report.ts';
import type { RunnerSettings } from './runner.ts';
import { bootstrapMedian } from './stats.ts';

const workerScript = fileURLToPath(new URL('./store-throughput-worker.ts', import.meta.url));

/** Starts a worker process and resolves once it is ready (its store open). */
async function worker(location: StoreLocation, owner: string): Promise<{ child: ChildProcess; done: Promise<number> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@toolwright/source', '--no-warnings', workerScript, JSON.stringify({ location, owner })],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`store worker ${owner} did not start`);
  const done = (async () => {
    const last = await lines.next();
    await once(child, 'exit');
    return (JSON.parse(String(last.value)) as { done: number }).done;
  })();
  return { child, done };
}

/**
 * One round: `count` pending tasks saved, then `workers` processes claim and complete them one at
 * a time until none is left. Returns tasks per second (each: one claim, one complete), after
 * checking that every task became exactly one follow-up.
 */
async function round(location: StoreLocation, count: number, workers: number): Promise<number> {
  const store = await openStore(location);
  try {
    for (let index = 0; index < count; index++) {
      await store.put({
        runId: 'bench',
        toolCallId: `call-${index}`,
        toolName: 'slow_task',
        taskId: `task-${index}`,
        reference: { type: 'mcp-task', server: 'bench', taskId: `task-${index}`, toolName: 'slow_task' },
      });
    }
    const started = await Promise.all(Array.from({ length: workers }, (_, index) => worker(location, `w${index}`)));
    const began = performance.now();
    for (const { child } of started) child.stdin?.end('go\n');
    const done = await Promise.all(started.map((entry) => entry.done));
    const seconds = (performance.now() - began) / 1000;
    const recorded = (await store.followUps('bench')).length;
    const total = done.reduce((sum, value) => sum + value, 0);
    if (recorded !== count || total !== count || (await store.pending('bench')).length > 0) {
      throw new Error(`store throughput: ${count} tasks, but ${total} completions and ${recorded} follow-ups`);
    }
    return count / seconds;
  } finally {
    await store.close?.();
  }
}

/** Scenario 7: claim/complete throughput of the durable task stores, one worker process and three (no target). */
export async function storeThroughput(settings: RunnerSettings): Promise<CaseResult[]> {
  const count = settings.quick ? 100 : 1_000;
  const rounds = settings.quick ? 1 : 5;
  const directory = mkdtempSync(join(tmpdir(), 'toolwright-bench-store-'));
  let cluster: PostgresCluster | undefined;
  let databases = 0;
  const figures: CaseResult[] = [];
  try {
    cluster = await startPostgres();
    const kinds: [string, () => Promise<StoreLocation>][] = [
      ['SQLite (WAL, one machine)', async () => ({ kind: 'sqlite', path: join(directory, `${++databases}.db`) })],
      [
        'PostgreSQL 15 (loopback)',
        async () => ({
          kind: 'postgres',
          connectionString: await (cluster as PostgresCluster).createDatabase(`bench_${++databases}`),
        }),
      ],
    ];
    for (const [name, location] of kinds) {
      for (const workers of [1, 3]) {
        const samples: number[] = [];
        for (let index = 0; index < rounds; index++) samples.push(await round(await location(), count, workers));
        figures.push({
          scenario: `7. task store claim + complete (${count} tasks, one at a time)`,
          case: `${name}, ${workers} worker process${workers > 1 ? 'es' : ''}`,
          unit: 'ops/s',
          estimate: bootstrapMedian(samples, { seed: settings.seed }),
          design: 'rounds',
          callsPerRound: count,
          // Each round lasts `count` / throughput seconds; the slowest throughput gives the shortest round's bound.
          shortestRoundMs: (count / Math.max(...samples)) * 1000,
        });
      }
    }
  } finally {
    await cluster?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  return figures;
}
