// A type canary for the one cast in sdk-seams.ts: the SDK's listen filter has no `taskIds` (the tasks
// extension's filter), so listenForTasks casts it. This fails once the SDK's type carries it; then the
// cast can go.
import type { SubscriptionFilter } from '@modelcontextprotocol/client';
import { describe, expectTypeOf, it } from 'vitest';

describe("the SDK's subscriptions/listen filter", () => {
  it('has no taskIds yet', () => {
    expectTypeOf<'taskIds' extends keyof SubscriptionFilter ? true : false>().toEqualTypeOf<false>();
  });
});
