import { describe, expect, it } from 'vitest';
import { closestNames } from './closest-names.ts';

describe('closestNames', () => {
  it('suggests near names', () => {
    expect(closestNames('serch', ['search', 'fetch', 'delete'])).toContain('search');
    expect(closestNames('report', ['weekly_report', 'echo'])).toEqual(['weekly_report']);
  });

  it('caps its work for ten thousand tools with 10 KiB names', () => {
    const tail = 'x'.repeat(10 * 1024);
    const names = Array.from({ length: 10_000 }, (_, index) => `tool_${index}_${tail}`);
    const started = performance.now();
    const suggestions = closestNames(`tool_42_${tail}y`, names);
    const elapsed = performance.now() - started;
    expect(suggestions).toHaveLength(3);
    // Not a speed test: without a cap this takes minutes (10^12 steps); a generous bound tells the two apart.
    expect(elapsed).toBeLessThan(2_000);
  });
});
