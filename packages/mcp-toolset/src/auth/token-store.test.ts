import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@toolwright/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTokenStore, MemoryTokenStore } from './token-store.ts';

const folder = mkdtempSync(join(tmpdir(), 'toolwright-tokens-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.each([
  ['MemoryTokenStore', () => new MemoryTokenStore()],
  ['FileTokenStore', () => new FileTokenStore(join(folder, `${Math.random().toString(36).slice(2)}.json`))],
])('%s', (_name, create) => {
  it('keeps each key apart, returns copies, and forgets on delete', async () => {
    const store = create();
    expect(await store.load('github')).toBeUndefined();
    const value = { tokens: { access_token: 'a1' } };
    await store.save('github', value);
    await store.save('jira', { tokens: { access_token: 'b1' } });
    value.tokens.access_token = 'changed after saving';
    const loaded = await store.load('github');
    expect(loaded).toEqual({ tokens: { access_token: 'a1' } });
    (loaded?.tokens as { access_token: string }).access_token = 'changed after loading';
    expect(await store.load('github')).toEqual({ tokens: { access_token: 'a1' } });
    await store.delete('github');
    expect(await store.load('github')).toBeUndefined();
    expect(await store.load('jira')).toEqual({ tokens: { access_token: 'b1' } });
  });

  it('keeps every one of many saves started at once', async () => {
    const store = create();
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.save(`key${index}`, { index })));
    for (let index = 0; index < 20; index++) expect(await store.load(`key${index}`)).toEqual({ index });
  });
});

describe('FileTokenStore', () => {
  it('writes the file and a new folder for the owner alone, and makes a file others could read owner-only again', async () => {
    const path = join(folder, 'nested', 'deeper', 'tokens.json');
    const store = new FileTokenStore(path);
    await store.save('github', { tokens: { access_token: 'secret' } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'nested', 'deeper')).mode & 0o777).toBe(0o700);
    chmodSync(path, 0o644);
    await store.save('github', { tokens: { access_token: 'secret 2' } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      entries: { github: { tokens: { access_token: 'secret 2' } } },
    });
    // A second store on the same file (another process, a later run) reads what the first wrote.
    expect(await new FileTokenStore(path).load('github')).toEqual({ tokens: { access_token: 'secret 2' } });
  });

  it('says what to do with a file that is not its own', async () => {
    const broken = join(folder, 'broken.json');
    writeFileSync(broken, '{ not json');
    await expect(new FileTokenStore(broken).load('a')).rejects.toThrow(/is not valid JSON; delete it/);
    const foreign = join(folder, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ tokens: [] }));
    await expect(new FileTokenStore(foreign).load('a')).rejects.toThrow(UserError);
    expect(() => new FileTokenStore('')).toThrow(UserError);
  });
});
