import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_INFO } from './client-info.ts';

describe('the client info the toolset introduces itself with', () => {
  it("carries the package's version", () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(CLIENT_INFO.version).toBe(manifest.version);
  });
});
