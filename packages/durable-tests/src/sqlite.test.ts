import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskStoreError } from '@toolwright/capabilities';
import { SqliteTaskStore } from '@toolwright/store-sqlite';
import { afterAll, expect, it } from 'vitest';
import { describeDurableScenarios } from './scenarios.ts';
import { describeStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'toolwright-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeStoreContract('SQLite', async () => {
  const store = new SqliteTaskStore({ path: join(dir, `contract-${++files}.db`) });
  return { store, cleanup: () => store.close() };
});

describeDurableScenarios('SQLite (processes on one machine)', () => async (scenario) => ({
  kind: 'sqlite',
  path: join(dir, `${scenario}.db`),
}));

it('reports a file it cannot open as a TaskStoreError naming the path', () => {
  const path = join(dir, 'missing-folder', 'tasks.db');
  expect(() => new SqliteTaskStore({ path })).toThrow(TaskStoreError);
  expect(() => new SqliteTaskStore({ path })).toThrow(/missing-folder/);
});
