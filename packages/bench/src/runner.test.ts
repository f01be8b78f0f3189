import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Contestant,
  calibrate,
  collectGarbage,
  measureRound,
  type RunnerSettings,
  runAlternating,
} from './runner.ts';

// The bench runs node with --expose-gc; the test worker has no such flag, so expose the real collector here.
beforeAll(() => {
  setFlagsFromString('--expose-gc');
  globalThis.gc ??= runInNewContext('gc');
});

/** Busy work of `microseconds` per call: a round's length then grows with its calls, as a benchmark's does. */
function busy(name: string, microseconds: number, log: string[] = []): Contestant {
  return {
    name,
    async run(calls) {
      log.push(`${name}:${calls}`);
      const until = performance.now() + (calls * microseconds) / 1000;
      while (performance.now() < until) {
        // spin
      }
      return { calls };
    },
  };
}

const settings: RunnerSettings = { quick: false, pairs: 4, warmupPairs: 1, minRoundMs: 5, seed: 1 };

describe('measureRound', () => {
  it('times wall and process CPU around the work and keeps what the round reports', async () => {
    const round = await measureRound(busy('a', 100), 50);
    expect(round.calls).toBe(50);
    expect(round.wallMs).toBeGreaterThanOrEqual(5);
    // A spin is CPU on this thread, though a busy machine may take some of it away.
    expect(round.cpuMs).toBeGreaterThan(1);
    expect(round.metrics).toEqual({ calls: 50 });
  });

  it('refuses to run without a garbage collector to call, naming the flag', async () => {
    const gc = globalThis.gc;
    globalThis.gc = undefined;
    try {
      expect(() => collectGarbage()).toThrow(/--expose-gc/);
      await expect(measureRound(busy('a', 1), 1)).rejects.toThrow(/--expose-gc/);
    } finally {
      globalThis.gc = gc;
    }
  });
});

describe('calibrate', () => {
  it('grows calls per round, in steps of the granularity, until the fastest round lasts the minimum', async () => {
    const log: string[] = [];
    const calls = await calibrate([busy('fast', 20, log), busy('slow', 60, log)], 50, { granularity: 50 });
    expect(calls % 50).toBe(0);
    const tried = log.filter((entry) => entry.startsWith('fast:')).map((entry) => Number(entry.slice(5)));
    expect(tried[0]).toBe(50);
    // 50 calls last 1 ms (fast) and 3 ms (slow), far short of 50 ms: it grew, unless the machine
    // held up both rounds for 50 ms. (How far it grew depends on how busy the machine is, since a
    // round slowed down by others counts as long enough.)
    expect(tried.length).toBeGreaterThan(1);
    expect(tried).toEqual([...tried].sort((left, right) => left - right));
    expect(tried.at(-1)).toBe(calls);
  });

  it('stops at the largest round it is allowed', async () => {
    expect(await calibrate([busy('a', 1)], 1_000, { maxCallsPerRound: 64 })).toBe(64);
  });
});

describe('runAlternating', () => {
  it('runs pairs in alternating order with the same calls, after warm-up, and returns each side in order', async () => {
    const log: string[] = [];
    const result = await runAlternating([busy('A', 10, log), busy('B', 10, log)], settings, { callsPerRound: 7 });
    expect(log).toEqual(['A:7', 'B:7', ...['A:7', 'B:7', 'B:7', 'A:7', 'A:7', 'B:7', 'B:7', 'A:7']]);
    expect(result.callsPerRound).toBe(7);
    expect(result.rounds.map((rounds) => rounds.length)).toEqual([4, 4]);
    for (const rounds of result.rounds) for (const round of rounds) expect(round.calls).toBe(7);
  });

  it('grows the rounds again when warmed-up code turns out faster than during calibration', async () => {
    // 100 µs a call for the six rounds calibration takes (cold), 20 µs after (warm).
    let roundsRun = 0;
    const warmsUp: Contestant = {
      name: 'warms up',
      async run(calls) {
        const microseconds = roundsRun++ < 6 ? 100 : 20;
        const until = performance.now() + (calls * microseconds) / 1000;
        while (performance.now() < until) {
          // spin
        }
        return undefined;
      },
    };
    const result = await runAlternating([warmsUp], { ...settings, warmupPairs: 1 }, { rounds: 2 });
    // Calibration on cold code stopped near 60 calls, 1.2 ms of warm work.
    expect(result.rounds[0]).toHaveLength(2);
    for (const round of result.rounds[0] ?? []) expect(round.wallMs).toBeGreaterThanOrEqual(5);
  });

  it('runs a pair again with more calls when its rounds come out short, and keeps only pairs of full length', async () => {
    // 100 µs a call for the first twelve rounds (calibration takes about ten), 20 µs after: the switch falls among the measured pairs.
    let roundsRun = 0;
    const speedsUp = (name: string): Contestant => ({
      name,
      async run(calls) {
        const microseconds = roundsRun++ < 12 ? 100 : 20;
        const until = performance.now() + (calls * microseconds) / 1000;
        while (performance.now() < until) {
          // spin
        }
        return undefined;
      },
    });
    const result = await runAlternating([speedsUp('A'), speedsUp('B')], { ...settings, warmupPairs: 0 }, { rounds: 4 });
    expect(result.rounds.map((rounds) => rounds.length)).toEqual([4, 4]);
    for (const rounds of result.rounds) for (const round of rounds) expect(round.wallMs).toBeGreaterThanOrEqual(5);
    // The two rounds of each kept pair share their size.
    const [first = [], second = []] = result.rounds;
    expect(first.map((round) => round.calls)).toEqual(second.map((round) => round.calls));
  });

  it('calibrates when no size is given, and then measures rounds of at least that many calls', async () => {
    const result = await runAlternating([busy('A', 50), busy('B', 25)], { ...settings, warmupPairs: 0 }, { rounds: 2 });
    expect(result.rounds.map((rounds) => rounds.length)).toEqual([2, 2]);
    // Every measured round does the calibrated work: at least the minimum length, however busy the machine.
    for (const rounds of result.rounds) for (const round of rounds) expect(round.wallMs).toBeGreaterThanOrEqual(5);
  });
});
