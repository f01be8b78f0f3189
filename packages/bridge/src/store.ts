import type { TaskStore } from '@toolwright/capabilities';
import { UserError } from '@toolwright/core';

/**
 * The durable task store a `--store` spec names: `sqlite:<file>` (`@toolwright/store-sqlite`, Node
 * 22.13 or newer) or a `postgres://` URL (`@toolwright/store-postgres`). Each is an optional peer
 * dependency, loaded only when asked for.
 */
export async function openStore(spec: string): Promise<TaskStore> {
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new UserError('--store sqlite: needs a file, e.g. --store sqlite:./bridge-tasks.db.');
    const { SqliteTaskStore } = await load<typeof import('@toolwright/store-sqlite')>('@toolwright/store-sqlite');
    return new SqliteTaskStore({ path });
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { PostgresTaskStore } = await load<typeof import('@toolwright/store-postgres')>('@toolwright/store-postgres');
    return new PostgresTaskStore({ connectionString: spec });
  }
  throw new UserError(`--store takes sqlite:<file> or a postgres:// URL, not '${spec.slice(0, 80)}'.`);
}

async function load<Module>(name: string): Promise<Module> {
  try {
    return (await import(name)) as Module;
  } catch (error) {
    throw new UserError(
      `--store needs ${name}, which could not be loaded (${error instanceof Error ? error.message : String(error)}): install it beside the bridge (npm install ${name}).`,
      { cause: error },
    );
  }
}
