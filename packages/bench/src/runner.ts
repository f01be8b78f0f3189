import type { TransportName } from './connections.ts';

/** Figures a round may report besides its own wall and CPU time (a median latency, a peak heap, …). */
export type RoundMetrics = Readonly<Record<string, number>>;

/** One side of a comparison: does `calls` units of work per round. */
export interface Contestant {
  readonly name: string;
  /** Does `calls` units of work (calls, listings, selections, …); may report figures of its own. */
  readonly run: (calls: number) => Promise<RoundMetrics | undefined>;
}

/** One measured round of one contestant. */
export interface Round {
  readonly calls: number;
  readonly wallMs: number;
  /** Process CPU (user + system) spent in the round. */
  readonly cpuMs: number;
  readonly metrics: RoundMetrics;
}

/** How a run is sized. */
export interface RunnerSettings {
  /** Tiny sizes, for a smoke test: figures are not judged. */
  readonly quick: boolean;
  /** Measured rounds per contestant: pairs for a comparison (A B, then B A, …). */
  readonly pairs: number;
  /** Unmeasured pairs after calibration. */
  readonly warmupPairs: number;
  /** Calls per round grow until the faster contestant's round lasts at least this long, so one GC pause cannot decide it. */
  readonly minRoundMs: number;
  /** Seed of the bootstrap, so an interval can be reproduced from the same rounds. */
  readonly seed: number;
  /** Only the cases over this transport (default: every transport). */
  readonly transport?: TransportName | undefined;
}

/** How one case is run: calls per round come in multiples of `granularity`, never more than `maxCallsPerRound`. */
export interface CaseSizing {
  readonly granularity?: number;
  readonly maxCallsPerRound?: number;
  /** Fixed calls per round, skipping calibration (a burst that is one unit of work by itself). */
  readonly callsPerRound?: number;
  /** Measured rounds, when a case cannot afford `settings.pairs` (each of its rounds lasts seconds). */
  readonly rounds?: number;
}

/** The rounds of each contestant, in the order the contestants were given. */
export interface Rounds {
  /** Calls per round at the end (earlier pairs may have had fewer, if the rounds grew). */
  readonly callsPerRound: number;
  readonly rounds: readonly (readonly Round[])[];
}

/**
 * Collects garbage, so that no round pays for the previous round's garbage. Throws when node
 * was not started with `--expose-gc`, since the figures would then carry that noise.
 */
export function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function')
    throw new Error('the benchmarks collect garbage between rounds: run node with --expose-gc');
  globalThis.gc();
}

/** Runs one round after collecting garbage: wall time and process CPU around `calls` units of work. */
export async function measureRound(contestant: Contestant, calls: number): Promise<Round> {
  collectGarbage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const metrics = (await contestant.run(calls)) ?? {};
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { calls, wallMs, cpuMs: (used.user + used.system) / 1000, metrics };
}

/**
 * Grows the calls per round (doubling while a round is too short to time, then scaling to 25 %
 * past the goal) until the fastest contestant's round lasts `minRoundMs`: more calls per round,
 * not more rounds of tiny ones. The calibration rounds warm up both contestants.
 */
export async function calibrate(
  contestants: readonly Contestant[],
  minRoundMs: number,
  sizing: CaseSizing = {},
): Promise<number> {
  let calls = fit(sizing, sizing.granularity ?? 1);
  for (;;) {
    let fastest = Number.POSITIVE_INFINITY;
    for (const contestant of contestants) fastest = Math.min(fastest, (await measureRound(contestant, calls)).wallMs);
    if (fastest >= minRoundMs || calls >= maxCallsOf(sizing)) return calls;
    calls = grow(calls, fastest, minRoundMs, sizing);
  }
}

function maxCallsOf(sizing: CaseSizing): number {
  return sizing.maxCallsPerRound ?? Number.POSITIVE_INFINITY;
}

/** `calls` rounded up to the granularity, within the largest round allowed. */
function fit(sizing: CaseSizing, calls: number): number {
  const granularity = sizing.granularity ?? 1;
  return Math.min(maxCallsOf(sizing), Math.ceil(calls / granularity) * granularity);
}

/** More calls for a round that lasted `fastestMs`: double while too short to time, else scale to 25 % past the goal. */
function grow(calls: number, fastestMs: number, minRoundMs: number, sizing: CaseSizing): number {
  const scaled = fastestMs >= minRoundMs / 8 ? Math.ceil((calls * minRoundMs * 1.25) / fastestMs) : calls * 2;
  return fit(sizing, Math.max(scaled, calls + (sizing.granularity ?? 1)));
}

/**
 * Paired, alternating rounds: every contestant runs the same calls per round, in the given order
 * on even rounds and reversed on odd ones (A B, B A, …), so drift and warm-up fall on all alike,
 * with garbage collected before every round. Code that warms up, or a machine that quietens,
 * can make a calibrated round shorter than the minimum: then the calls grow and that pair is run
 * again (a few times per case at most), so the pairs kept last the minimum.
 */
export async function runAlternating(
  contestants: readonly Contestant[],
  settings: RunnerSettings,
  sizing: CaseSizing = {},
): Promise<Rounds> {
  const calibrated = sizing.callsPerRound === undefined;
  let callsPerRound = sizing.callsPerRound ?? (await calibrate(contestants, settings.minRoundMs, sizing));
  let regrowths = 0;
  const order = (index: number) => (index % 2 === 0 ? contestants : [...contestants].reverse());
  /** Runs one pair; false (and more calls per round) when it was too short to keep. */
  const runPair = async (index: number, keep: (contestant: number, round: Round) => void) => {
    const pair: [number, Round][] = [];
    for (const contestant of order(index))
      pair.push([contestants.indexOf(contestant), await measureRound(contestant, callsPerRound)]);
    const fastest = Math.min(...pair.map(([, round]) => round.wallMs));
    const canGrow = calibrated && callsPerRound < maxCallsOf(sizing) && regrowths < MAX_REGROWTHS;
    if (fastest < settings.minRoundMs && canGrow) {
      callsPerRound = grow(callsPerRound, fastest, settings.minRoundMs, sizing);
      regrowths++;
      return false;
    }
    for (const [contestant, round] of pair) keep(contestant, round);
    return true;
  };
  for (let index = 0; index < settings.warmupPairs; index++) await runPair(index, () => undefined);
  const rounds = contestants.map(() => [] as Round[]);
  const measured = sizing.rounds ?? settings.pairs;
  for (let index = 0; index < measured; index++) {
    if (!(await runPair(index, (contestant, round) => rounds[contestant]?.push(round)))) index--;
  }
  return { callsPerRound, rounds };
}

/** How often a case may grow its rounds after calibration. */
const MAX_REGROWTHS = 5;

/** Runs `run` `calls` times, one after another: the body of most contestants. */
export async function repeat(calls: number, run: () => unknown): Promise<undefined> {
  for (let index = 0; index < calls; index++) await run();
  return undefined;
}
