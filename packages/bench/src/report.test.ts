import { describe, expect, it } from 'vitest';
import { cpu, pairedCase, resultsJson, roundsCase, table, wall } from './report.ts';
import type { Round, RunnerSettings } from './runner.ts';

const full: RunnerSettings = { quick: false, pairs: 3, warmupPairs: 1, minRoundMs: 200, seed: 1 };
const quick: RunnerSettings = { ...full, quick: true };
const round = (wallMs: number, cpuMs = wallMs): Round => ({ calls: 100, wallMs, cpuMs, metrics: {} });
const spec = { scenario: 's', case: 'c', baselineName: 'SDK', target: 1.03 };

describe('pairedCase', () => {
  it('takes the median of per-pair ratios, not the ratio of medians', () => {
    // Per pair: 1.0, 1.0, 3.0 → median 1.0; the ratio of medians would be 200 / 100 = 2.
    const ours = [round(100), round(200), round(300)];
    const baseline = [round(100), round(200), round(100)];
    const result = pairedCase(spec, ours, baseline, wall, full);
    expect(result.estimate.median).toBe(1);
    expect(result.estimate.samples).toBe(3);
    expect(result.design).toBe('paired');
    expect(result.callsPerRound).toBe(100);
    // Per call, in µs: medians of 2, 3 and 1, 2, 1 ms per 100 calls.
    expect(result.sides).toEqual({ unit: 'µs', toolwright: 2_000, baseline: 1_000, baselineName: 'SDK' });
  });

  it('gives the per-call figures in ms when asked, for calls that last a good part of a second', () => {
    const ours = [round(100), round(200), round(300)];
    const baseline = [round(100), round(200), round(100)];
    expect(pairedCase({ ...spec, perCallUnit: 'ms' }, ours, baseline, wall, full).sides).toEqual({
      unit: 'ms',
      toolwright: 2,
      baseline: 1,
      baselineName: 'SDK',
    });
  });

  it('uses the measure it is given: CPU instead of wall', () => {
    const ours = [round(100, 150), round(100, 150), round(100, 150)];
    const baseline = [round(100, 100), round(100, 100), round(100, 100)];
    expect(pairedCase(spec, ours, baseline, cpu, full).estimate.median).toBe(1.5);
    expect(pairedCase(spec, ours, baseline, wall, full).estimate.median).toBe(1);
  });

  it('judges by the interval in a full run and not at all in a quick one', () => {
    const same = [round(100), round(100), round(100)];
    const slower = [round(110), round(112), round(111)];
    expect(pairedCase(spec, same, same, wall, full).verdict).toBe('met');
    expect(pairedCase(spec, slower, same, wall, full).verdict).toBe('missed');
    const mixed = [round(95), round(110), round(101)];
    expect(pairedCase(spec, mixed, same, wall, full).verdict).toBe('not resolved');
    expect(pairedCase(spec, slower, same, wall, quick).verdict).toBe('not judged');
    const { target: _target, ...untargeted } = spec;
    expect(pairedCase(untargeted, slower, same, wall, full).verdict).toBeUndefined();
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => pairedCase(spec, [round(1)], [round(1), round(2)], wall, full)).toThrow(/one to one/);
    expect(() => pairedCase(spec, [round(1)], [{ ...round(1), calls: 50 }], wall, full)).toThrow(/share its size/);
  });
});

describe('roundsCase', () => {
  it('refuses a round without its figure rather than report NaN', () => {
    const rounds = [{ calls: 1, wallMs: 1, cpuMs: 1, metrics: {} }];
    expect(() =>
      roundsCase({ scenario: 's', case: 'c', unit: 'ms' }, rounds, (round) => round.metrics.x ?? Number.NaN, full),
    ).toThrow(/finite figure/);
  });
});

describe('resultsJson and table', () => {
  it('give per case the median, the interval, the target, the verdict, the pairs or rounds and calls per round', () => {
    const paired = pairedCase(
      spec,
      [round(110), round(112), round(111)],
      [round(100), round(100), round(100)],
      wall,
      full,
    );
    const latencies = [1, 2, 3].map((latencyMs) => ({
      calls: 4,
      wallMs: 250 + latencyMs,
      cpuMs: 1,
      metrics: { latencyMs },
    }));
    const absolute = roundsCase(
      { scenario: 's', case: 'latency', unit: 'ms', target: 5 },
      latencies,
      (round) => round.metrics.latencyMs ?? Number.NaN,
      full,
    );
    const json = JSON.parse(resultsJson(full, [paired, absolute], new Date('2026-01-02T03:04:05Z')));
    expect(json.date).toBe('2026-01-02T03:04:05.000Z');
    expect(json.settings).toEqual(full);
    expect(json.reduced).toBe(true);
    expect(JSON.parse(resultsJson({ ...full, pairs: 30 }, [paired])).reduced).toBe(false);
    expect(JSON.parse(resultsJson({ ...full, pairs: 30, minRoundMs: 150 }, [paired])).reduced).toBe(true);
    expect(json.cases[0]).toMatchObject({
      case: 'c',
      unit: '×',
      median: 1.11,
      target: 1.03,
      verdict: 'missed',
      design: 'paired',
      pairs: 3,
      callsPerRound: 100,
      shortestRoundMs: 100,
    });
    expect(json.cases[0].interval).toHaveLength(2);
    expect(json.cases[0].interval[0]).toBeCloseTo(1.1);
    expect(json.cases[0].interval[1]).toBeCloseTo(1.12);
    expect(json.cases[1]).toMatchObject({
      median: 2,
      target: 5,
      verdict: 'met',
      design: 'rounds',
      rounds: 3,
      callsPerRound: 4,
    });
    const markdown = table([paired, absolute]);
    expect(markdown).toContain('| s | c | 1.11× | 1.10–1.12 | ≤ 1.03× | missed | 3 pairs × 100, ≥ 100 ms |');
    expect(markdown).toContain('| s | latency | 2.00 ms | ');
  });
});
