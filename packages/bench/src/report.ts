import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Summary } from './stats.ts';

/** How a run is sized. */
export interface Settings {
  readonly quick: boolean;
  readonly rounds: number;
  readonly warmup: number;
}

/** One measured figure, with its raw-SDK baseline from the same run when there is one. */
export interface Figure {
  readonly scenario: string;
  readonly case: string;
  readonly unit: 'ms' | 'µs' | 'MiB' | 'KiB' | 'ops/s';
  readonly toolwright: Summary;
  readonly baseline?: { readonly name: string; readonly summary: Summary };
  /** The target: an absolute bound on the median, or a ratio to the baseline's median. */
  readonly target?: { readonly max?: number; readonly ratio?: number };
  readonly note?: string;
}

/** Whether a figure meets its target, and by how much it misses. */
export function verdict(figure: Figure): string {
  const { target } = figure;
  if (!target) return '';
  const median = figure.toolwright.median;
  if (target.max !== undefined) {
    return median <= target.max ? `✓ ≤ ${target.max}` : `✗ ${(median / target.max).toFixed(2)}× over ${target.max}`;
  }
  if (target.ratio !== undefined && figure.baseline) {
    const ratio = median / figure.baseline.summary.median;
    return ratio <= target.ratio ? `✓ ≤ ${target.ratio}×` : `✗ ${ratio.toFixed(2)}× > ${target.ratio}×`;
  }
  return '';
}

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
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function cell(summary: Summary): string {
  return `${format(summary.median)} (${format(summary.p10)}–${format(summary.p90)})`;
}

/** The figures as a Markdown table: median with the 10th–90th percentile spread. */
export function table(figures: readonly Figure[]): string {
  const rows = [
    '| scenario | case | unit | Toolwright | raw SDK baseline | ratio | target |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const figure of figures) {
    const baseline = figure.baseline ? `${cell(figure.baseline.summary)} ${figure.baseline.name}` : '—';
    const ratio = figure.baseline ? `${(figure.toolwright.median / figure.baseline.summary.median).toFixed(2)}×` : '—';
    const note = figure.note ? ` (${figure.note})` : '';
    rows.push(
      `| ${figure.scenario} | ${figure.case}${note} | ${figure.unit} | ${cell(figure.toolwright)} | ${baseline} | ${ratio} | ${verdict(figure)} |`,
    );
  }
  return rows.join('\n');
}

/** Writes the run as JSON for later comparison. */
export function writeResults(path: string, settings: Settings, figures: readonly Figure[]): void {
  const body = {
    date: new Date().toISOString(),
    machine: machine(),
    settings,
    figures: figures.map((figure) => ({ ...figure, verdict: verdict(figure) })),
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}
