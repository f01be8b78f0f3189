import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type JsonObject, UserError } from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';

/**
 * Where an authorization provider keeps what it obtained for one server (its `key`): client
 * registrations, tokens, the redirect URI it registered. A value is a JSON object the provider
 * owns; a store only keeps it. Implement it for a keychain or a database; the package ships
 * {@link MemoryTokenStore} and {@link FileTokenStore}.
 */
export interface TokenStore {
  /** The value saved under `key`, or undefined. */
  load(key: string): Promise<JsonObject | undefined>;
  /** Saves `value` under `key`, replacing what was there. */
  save(key: string, value: JsonObject): Promise<void>;
  /** Forgets `key`. */
  delete(key: string): Promise<void>;
}

/** A {@link TokenStore} in memory: what it holds ends with the process (the default). */
export class MemoryTokenStore implements TokenStore {
  readonly #values = new Map<string, JsonObject>();

  async load(key: string): Promise<JsonObject | undefined> {
    const value = this.#values.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async save(key: string, value: JsonObject): Promise<void> {
    this.#values.set(key, structuredClone(value));
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }
}

/** The file's shape: a version, and each key's value. */
interface StoreFile {
  readonly version: 1;
  readonly entries: Record<string, JsonObject>;
}

/**
 * A {@link TokenStore} in one JSON file, so that a CLI does not ask its user again on every run. The
 * file is written with owner-only permissions (0600, its new folder 0700), whole and at once (a
 * temporary file renamed over it), and a file found readable by others is made owner-only again on
 * the next write. Saves of one process are serialised; two processes writing the same file at once
 * may lose one of the writes (the last one wins), which costs at most one authorization more.
 */
export class FileTokenStore implements TokenStore {
  /** The file's path. */
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();

  /** Takes the file's path (a {@link UserError} when empty); reads and creates nothing until the first load or save. */
  constructor(path: string) {
    if (typeof path !== 'string' || path.length === 0)
      throw new UserError('FileTokenStore needs the path of the file to keep the tokens in.');
    this.path = path;
  }

  async load(key: string): Promise<JsonObject | undefined> {
    const value = (await this.#read()).entries[key];
    return value === undefined ? undefined : structuredClone(value);
  }

  save(key: string, value: JsonObject): Promise<void> {
    return this.#update((entries) => {
      entries[key] = structuredClone(value);
    });
  }

  delete(key: string): Promise<void> {
    return this.#update((entries) => {
      delete entries[key];
    });
  }

  /** Runs read-change-write steps one after another, so two saves of one process never interleave. */
  #update(change: (entries: Record<string, JsonObject>) => void): Promise<void> {
    const step = this.#queue.then(async () => {
      const file = await this.#read();
      const entries = { ...file.entries };
      change(entries);
      await this.#write({ version: 1, entries });
    });
    this.#queue = step.catch(() => undefined);
    return step;
  }

  async #read(): Promise<StoreFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      throw new UserError(`Could not read the token store ${this.path}: ${(error as Error).message}.`, {
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UserError(
        `The token store ${this.path} is not valid JSON; delete it to authorize again from scratch.`,
        { cause: error },
      );
    }
    if (!isPlainObject(parsed) || parsed.version !== 1 || !isPlainObject(parsed.entries))
      throw new UserError(
        `The token store ${this.path} is not a file this version wrote; delete it to authorize again from scratch.`,
      );
    return { version: 1, entries: parsed.entries as Record<string, JsonObject> };
  }

  async #write(file: StoreFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      // The mode of writeFile is masked by the umask; chmod is not.
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new UserError(`Could not write the token store ${this.path}: ${(error as Error).message}.`, {
        cause: error,
      });
    }
  }
}
