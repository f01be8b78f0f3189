/** Summary of repeated measurements. */
export interface Summary {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

/** Median, 10th and 90th percentile (the spread), min and max of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((left, right) => left - right);
  const at = (fraction: number) => {
    const position = (sorted.length - 1) * fraction;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
  };
  return {
    median: at(0.5),
    p10: at(0.1),
    p90: at(0.9),
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
    rounds: sorted.length,
  };
}

/**
 * Runs `warmup` unmeasured rounds, then `rounds` measured ones, alternating the contestants
 * round by round so that drift on a shared machine falls on both alike.
 */
export async function sideBySide<Name extends string>(
  contestants: Readonly<Record<Name, () => Promise<number>>>,
  options: { readonly rounds: number; readonly warmup: number },
): Promise<Record<Name, Summary>> {
  const names = Object.keys(contestants) as Name[];
  for (let round = 0; round < options.warmup; round++) for (const name of names) await contestants[name]();
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name].push(await contestants[name]());
  }
  return Object.fromEntries(names.map((name) => [name, summarize(samples[name])])) as Record<Name, Summary>;
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution, comparable across processes on one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
