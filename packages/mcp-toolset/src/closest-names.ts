/** Up to `limit` of `names` closest to `name` (edit distance, then shared prefix), for "did you mean" hints. */
export function closestNames(name: string, names: Iterable<string>, limit = 3): string[] {
  const scored: { candidate: string; score: number }[] = [];
  const lower = name.toLowerCase();
  for (const candidate of names) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const related = other.includes(lower) || lower.includes(other);
    if (distance <= Math.max(2, Math.floor(name.length / 3)) || related)
      scored.push({ candidate, score: related ? Math.min(distance, 1) : distance });
  }
  return scored
    .sort((left, right) => left.score - right.score || left.candidate.localeCompare(right.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[right.length] as number;
}
