// Which @modelcontextprotocol/client this package's tests run against: the version the workspace pins,
// or the copy CI names in TOOLWRIGHT_SDK_CLIENT_DIR and TOOLWRIGHT_SDK_CLIENT_VERSION (the newest the
// peer range allows; scripts/newest-sdk.mjs installs it and runs these tests again on it).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';

interface Manifest {
  readonly name?: string;
  readonly version: string;
  readonly exports: Record<string, { readonly import: { readonly default: string } }>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The folder of the package a file of it lies in. */
function packageDir(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) || readManifest(dir).name !== '@modelcontextprotocol/client')
    dir = dirname(dir);
  return dir;
}

const own = readManifest(join(import.meta.dirname, '..', '..'));
const dir =
  process.env.TOOLWRIGHT_SDK_CLIENT_DIR ??
  packageDir(createRequire(import.meta.url).resolve('@modelcontextprotocol/client'));

describe('the @modelcontextprotocol/client these tests run against', () => {
  it('is the copy the run names: the pinned version, or the one CI installed, and it is what every import loads', async () => {
    const manifest = readManifest(dir);
    expect(manifest.version).toBe(
      process.env.TOOLWRIGHT_SDK_CLIENT_VERSION ?? own.devDependencies?.['@modelcontextprotocol/client'],
    );
    const root = (await import(pathToFileURL(join(dir, manifest.exports['.']?.import.default ?? '')).href)) as {
      Client: unknown;
    };
    const stdio = (await import(pathToFileURL(join(dir, manifest.exports['./stdio']?.import.default ?? '')).href)) as {
      StdioClientTransport: unknown;
    };
    expect(root.Client).toBe(Client);
    expect(stdio.StdioClientTransport).toBe(StdioClientTransport);
  });

  it('is in the peer range this package declares', () => {
    const range = own.peerDependencies?.['@modelcontextprotocol/client'] ?? '';
    const [major = -1, minor = 0, patch = 0] = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range)?.slice(1).map(Number) ?? [];
    const [loadedMajor, loadedMinor = 0, loadedPatch = 0] = readManifest(dir).version.split(/[.-]/).map(Number);
    expect(loadedMajor).toBe(major);
    expect(loadedMinor > minor || (loadedMinor === minor && loadedPatch >= patch)).toBe(true);
  });
});
