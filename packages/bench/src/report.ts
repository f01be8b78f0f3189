import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Round, RunnerSettings } from './runner.ts';
import { bootstrapMedian, type Estimate, judge, median, type Target, type Verdict } from './stats.ts';

/** The unit of a case's estimate: `×` is a ratio of Toolwright to its baseline. */
export type Unit = '×' | 'ms' | 'µs' | 'KiB' | 'ops/s';

/** Absolute figures behind a ratio, for the reader: medians over the rounds, per call. */
export interface Sides {
  readonly unit: Unit;
  readonly toolwright: number;
  readonly baseline: number;
  readonly baselineName: string;
}

/** A baseline that could not do the case's work at all: what it is, and how it failed. */
export interface BaselineOutcome {
  readonly name: string;
  readonly outcome: string;
}

/** One measured case: an estimate with its interval, judged against the issue's target when it has one. */
export interface MeasuredCase {
  readonly scenario: string;
  readonly case: string;
  readonly unit: Unit;
  readonly estimate: Estimate;
  readonly target?: Target;
  /** Absent when the case has no target. */
  readonly verdict?: Verdict;
  /** `paired`: the estimate is the median of per-pair ratios; `rounds`: the median of per-round figures. */
  readonly design: 'paired' | 'rounds';
  /** The largest calls per round (rounds grow when the code warms up or the machine quietens). */
  readonly callsPerRound: number;
  /** The shortest measured round: at least the run's minimum unless the case caps its rounds. */
  readonly shortestRoundMs: number;
  readonly sides?: Sides;
  /** A baseline with no figure, since it cannot do the work (an anchor row): how it fails. */
  readonly baselineOutcome?: BaselineOutcome;
  readonly note?: string;
}

/** A case of a run. */
export type CaseResult = MeasuredCase;

/** What a case is, before it is measured. */
export interface CaseSpec {
  readonly scenario: string;
  readonly case: string;
  readonly target?: number;
  readonly note?: string;
}

function verdictOf(estimate: Estimate, target: Target | undefined, settings: RunnerSettings): Verdict | undefined {
  if (!target) return undefined;
  return settings.quick ? 'not judged' : judge(estimate, target);
}

/** A case whose figure is one value per round (a latency, a heap size, time per call), with or without a baseline. */
export function roundsCase(
  spec: CaseSpec & {
    readonly unit: Exclude<Unit, '×'>;
    readonly sides?: Sides;
    readonly baselineOutcome?: BaselineOutcome;
  },
  rounds: readonly Round[],
  value: (round: Round) => number,
  settings: RunnerSettings,
): MeasuredCase {
  const values = rounds.map(value);
  if (values.length === 0 || values.some((figure) => !Number.isFinite(figure)))
    throw new Error(`${spec.case}: every round must give a finite figure (got ${values.join(', ') || 'none'})`);
  const estimate = bootstrapMedian(values, { seed: settings.seed });
  const target = spec.target === undefined ? undefined : { max: spec.target };
  const verdict = verdictOf(estimate, target, settings);
  return {
    scenario: spec.scenario,
    case: spec.case,
    unit: spec.unit,
    estimate,
    ...(target && { target }),
    ...(verdict && { verdict }),
    design: 'rounds',
    callsPerRound: Math.max(...rounds.map((round) => round.calls)),
    shortestRoundMs: Math.min(...rounds.map((round) => round.wallMs)),
    ...(spec.sides && { sides: spec.sides }),
    ...(spec.baselineOutcome && { baselineOutcome: spec.baselineOutcome }),
    ...(spec.note !== undefined && { note: spec.note }),
  };
}

/**
 * A case comparing Toolwright (`ours`) with its baseline over paired rounds: the estimate is the
 * median of the per-pair ratios of `measure` (wall or CPU time), each pair's two rounds having
 * run back to back with the same calls.
 */
export function pairedCase(
  spec: CaseSpec & { readonly baselineName: string },
  ours: readonly Round[],
  baseline: readonly Round[],
  measure: (round: Round) => number,
  settings: RunnerSettings,
): MeasuredCase {
  if (ours.length !== baseline.length || ours.length === 0)
    throw new Error(`${spec.case}: paired rounds must match one to one (${ours.length} vs ${baseline.length})`);
  const ratios = ours.map((round, index) => {
    const other = baseline[index] as Round;
    if (other.calls !== round.calls)
      throw new Error(
        `${spec.case}: pair ${index} ran ${round.calls} calls against ${other.calls}; a pair must share its size`,
      );
    return measure(round) / measure(other);
  });
  const estimate = bootstrapMedian(ratios, { seed: settings.seed });
  const target = spec.target === undefined ? undefined : { max: spec.target };
  const verdict = verdictOf(estimate, target, settings);
  const perCall = (rounds: readonly Round[]) => median(rounds.map((round) => (measure(round) * 1000) / round.calls));
  return {
    scenario: spec.scenario,
    case: spec.case,
    unit: '×',
    estimate,
    ...(target && { target }),
    ...(verdict && { verdict }),
    design: 'paired',
    callsPerRound: Math.max(...ours.map((round) => round.calls)),
    shortestRoundMs: Math.min(...[...ours, ...baseline].map((round) => round.wallMs)),
    sides: { unit: 'µs', toolwright: perCall(ours), baseline: perCall(baseline), baselineName: spec.baselineName },
    ...(spec.note !== undefined && { note: spec.note }),
  };
}

/** Wall time of a round. */
export const wall = (round: Round): number => round.wallMs;
/** Process CPU time of a round. */
export const cpu = (round: Round): number => round.cpuMs;

/** The machine a run came from. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function format(value: number): string {
  const size = Math.abs(value);
  return size >= 100
    ? value.toFixed(0)
    : size >= 10
      ? value.toFixed(1)
      : size >= 1
        ? value.toFixed(2)
        : value.toFixed(3);
}

function withUnit(value: number, unit: Unit): string {
  return unit === '×' ? `${format(value)}×` : `${format(value)} ${unit}`;
}

/** The cases as a Markdown table: median, 95 % interval, target and verdict, with the figures behind each ratio. */
export function table(cases: readonly CaseResult[]): string {
  const rows = [
    '| scenario | case | median | 95 % interval | target | verdict | rounds × calls, shortest round | Toolwright vs baseline, per call |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const result of cases) {
    const { unit } = result;
    // A target is the issue's round figure: shown as given, not rounded like a measurement.
    const target = result.target ? `≤ ${result.target.max}${unit === '×' ? '×' : ` ${unit}`}` : '—';
    const note = result.note ? ` (${result.note})` : '';
    const { estimate } = result;
    const rounds = `${estimate.samples}${result.design === 'paired' ? ' pairs' : ''} × ${result.callsPerRound}, ≥ ${format(result.shortestRoundMs)} ms`;
    const sides = result.sides
      ? `${withUnit(result.sides.toolwright, result.sides.unit)} vs ${withUnit(result.sides.baseline, result.sides.unit)} (${result.sides.baselineName})`
      : result.baselineOutcome
        ? `${result.baselineOutcome.name}: ${result.baselineOutcome.outcome}`
        : '—';
    rows.push(
      `| ${result.scenario} | ${result.case}${note} | ${withUnit(estimate.median, unit)} | ${format(estimate.low)}–${format(estimate.high)} | ${target} | ${result.verdict ?? '—'} | ${rounds} | ${sides} |`,
    );
  }
  return rows.join('\n');
}

/** Whether a full run was shrunk below the issue's method (30 pairs of rounds of at least 200 ms). */
export function isReduced(settings: RunnerSettings): boolean {
  return !settings.quick && (settings.pairs < 30 || settings.minRoundMs < 200);
}

/** The run as machine-readable JSON: per case the median, the interval, the target and the verdict. */
export function resultsJson(settings: RunnerSettings, cases: readonly CaseResult[], date = new Date()): string {
  const body = {
    date: date.toISOString(),
    machine: machine(),
    settings,
    reduced: isReduced(settings),
    cases: cases.map((result) => ({
      scenario: result.scenario,
      case: result.case,
      unit: result.unit,
      median: result.estimate.median,
      interval: [result.estimate.low, result.estimate.high],
      target: result.target?.max ?? null,
      verdict: result.verdict ?? null,
      design: result.design,
      [result.design === 'paired' ? 'pairs' : 'rounds']: result.estimate.samples,
      callsPerRound: result.callsPerRound,
      shortestRoundMs: result.shortestRoundMs,
      ...(result.sides && { sides: result.sides }),
      ...(result.baselineOutcome && { baselineOutcome: result.baselineOutcome }),
      ...(result.note !== undefined && { note: result.note }),
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Writes {@link resultsJson} to `path`. */
export function writeResults(path: string, settings: RunnerSettings, cases: readonly CaseResult[]): void {
  writeFileSync(path, resultsJson(settings, cases));
}
