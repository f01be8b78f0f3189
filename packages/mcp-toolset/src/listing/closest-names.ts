/** Names are compared on this many leading characters: enough to tell tool names apart, cheap for any length. */
const COMPARED_CHARS = 64;
/** Edit-distance cells computed for one lookup, at most; past it, only cheap checks run (a few ms in all). */
const CELL_BUDGET = 1_000_000;

/**
 * Up to `limit` of `names` closest to `name` (edit distance, then shared prefix), for "did you
 * mean" hints. The work is capped (compared length and a budget of distance cells), so a server
 * with ten thousand tools of any name length cannot make an error slow.
 */
export function closestNames(name: string, names: Iterable<string>, limit = 3): string[] {
  const scored: { candidate: string; score: number }[] = [];
  const lower = name.slice(0, COMPARED_CHARS).toLowerCase();
  const threshold = Math.max(2, Math.floor(lower.length / 3));
  let budget = CELL_BUDGET;
  for (const candidate of names) {
    const other = candidate.slice(0, COMPARED_CHARS).toLowerCase();
    const related = other.includes(lower) || lower.includes(other);
    let distance = Number.POSITIVE_INFINITY;
    if (Math.abs(other.length - lower.length) <= threshold && budget > 0) {
      budget -= lower.length * other.length;
      distance = editDistance(lower, other, threshold);
    }
    if (distance <= threshold || related) scored.push({ candidate, score: related ? Math.min(distance, 1) : distance });
  }
  return scored
    .sort((left, right) => left.score - right.score || left.candidate.localeCompare(right.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** Levenshtein distance, or Infinity as soon as it must exceed `bound`. */
function editDistance(left: string, right: string, bound: number): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > bound) return Number.POSITIVE_INFINITY;
    previous = current;
  }
  return previous[right.length] as number;
}
