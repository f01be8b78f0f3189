import type { TaskStore } from '@toolwright/capabilities';
import { PostgresTaskStore } from '@toolwright/store-postgres';
import { SqliteTaskStore } from '@toolwright/store-sqlite';

/** Where a process finds the shared store: a SQLite file, or a PostgreSQL connection string. */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string };

/** Opens the store at `location` (PostgreSQL: creates its tables when missing). */
export async function openStore(location: StoreLocation): Promise<TaskStore> {
  if (location.kind === 'sqlite') return new SqliteTaskStore({ path: location.path });
  const store = new PostgresTaskStore({ connectionString: location.connectionString });
  await store.migrate();
  return store;
}
