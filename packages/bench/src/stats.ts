/** A median with its 95 % confidence interval (percentile bootstrap over the samples it came from). */
export interface Estimate {
  readonly median: number;
  /** Lower end of the interval. */
  readonly low: number;
  /** Upper end of the interval. */
  readonly high: number;
  /** How many samples (pairs or rounds) the estimate rests on. */
  readonly samples: number;
}

/** An upper bound the issue sets on a median: a ratio to the baseline, or an absolute figure in the case's unit. */
export interface Target {
  readonly max: number;
}

/**
 * met: the whole interval is within the target; missed: the whole interval is beyond it; not resolved:
 * the interval straddles it (more or longer rounds, or a quieter machine, are needed to tell);
 * not judged: a quick run, whose sizes are too small to mean anything.
 */
export type Verdict = 'met' | 'missed' | 'not resolved' | 'not judged';

/** The value at `fraction` (0–1) of `samples`, interpolating linearly between the two nearest ranks. */
export function quantile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) throw new Error('no samples to take a quantile of');
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`quantile fraction ${fraction} is outside 0–1`);
  const sorted = [...samples].sort((left, right) => left - right);
  return sortedQuantile(sorted, fraction);
}

function sortedQuantile(sorted: readonly number[], fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const below = sorted[low] as number;
  return below + ((sorted[high] as number) - below) * (position - low);
}

/** The median of `samples` (the mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/**
 * A deterministic pseudo-random generator (mulberry32) returning numbers in [0, 1), so that a
 * bootstrap over the same samples gives the same interval on every run and in tests.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Options of {@link bootstrapMedian}. */
export interface BootstrapOptions {
  /** Resamples drawn (default 4,000). */
  readonly resamples?: number;
  /** Seed of the generator (default 1): the same samples and seed give the same interval. */
  readonly seed?: number;
  /** Coverage of the interval (default 0.95). */
  readonly confidence?: number;
}

/**
 * The median of `samples` and its percentile-bootstrap confidence interval: resample the samples
 * with replacement, take each resample's median, and read the interval off those medians. The
 * samples are whole pairs (or rounds), so whatever disturbed one pair stays inside it.
 */
export function bootstrapMedian(samples: readonly number[], options: BootstrapOptions = {}): Estimate {
  const { resamples = 4_000, seed = 1, confidence = 0.95 } = options;
  if (samples.length === 0) throw new Error('no samples to estimate a median from');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} is outside (0, 1)`);
  const random = seededRandom(seed);
  const count = samples.length;
  const resample = new Array<number>(count);
  const medians = new Array<number>(resamples);
  for (let draw = 0; draw < resamples; draw++) {
    for (let index = 0; index < count; index++) resample[index] = samples[Math.floor(random() * count)] as number;
    resample.sort((left, right) => left - right);
    medians[draw] = sortedQuantile(resample, 0.5);
  }
  medians.sort((left, right) => left - right);
  const tail = (1 - confidence) / 2;
  return {
    median: median(samples),
    low: sortedQuantile(medians, tail),
    high: sortedQuantile(medians, 1 - tail),
    samples: count,
  };
}

/** Judges an estimate against an upper-bound target by its whole interval, never by the median alone. */
export function judge(estimate: Estimate, target: Target): Exclude<Verdict, 'not judged'> {
  if (estimate.high <= target.max) return 'met';
  if (estimate.low > target.max) return 'missed';
  return 'not resolved';
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution, comparable across processes on one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
