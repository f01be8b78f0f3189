// The layout of src/ (the map is in the README): each folder is a layer, an import only runs to the
// same layer or a lower one, the two protocol generations never import each other, nothing imports in
// a cycle, and test support is reached from tests alone (so it is never built or published).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** The layers, lowest first: a module may import its own layer and the ones before it. */
const LAYERS: readonly (readonly string[])[] = [
  ['<leaf>'],
  // auth/ is an entry of its own (@toolwright/mcp-toolset/auth): it leans on the SDK and core only.
  ['sdk', 'auth'],
  ['param-headers', 'remote'],
  ['connection.ts', 'transports.ts'],
  ['tasks'],
  ['generations'],
  ['listing'],
  ['mcp-toolset.ts'],
  // config/ (@toolwright/mcp-toolset/config) makes toolsets: it stands on the facade.
  ['config', 'index.ts'],
  ['test-support'],
];

/** Every .ts file under src, as a path relative to it with forward slashes. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

const isTest = (file: string) => /\.test(-d)?\.ts$/.test(file);

/** The files a module imports from this package (static imports and re-exports, type-only ones too). */
function localImports(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1] ?? '');
  return specifiers.map((specifier) => posix.normalize(posix.join(posix.dirname(file), specifier)));
}

/** The layer a module belongs to: its top-level folder, or the named top-level file, or a leaf. */
function layerOf(file: string): number {
  const head = file.includes('/') ? (file.split('/')[0] ?? '') : file;
  const index = LAYERS.findIndex((names) => names.includes(head));
  if (index >= 0) return index;
  if (!file.includes('/')) return 0;
  throw new Error(`${file} is in a folder the layout does not name; add it to LAYERS (and the README's map)`);
}

const files = sourceFiles();
const modules = files.filter((file) => !isTest(file) && !file.startsWith('test-support/'));

describe('the layout of src', () => {
  it('finds the modules it checks', () => {
    expect(modules).toContain('mcp-toolset.ts');
    expect(modules).toContain('generations/2026-07-28/generation.ts');
    expect(modules.length).toBeGreaterThanOrEqual(25);
  });

  it('has no import that runs to a higher layer', () => {
    const upward = modules.flatMap((file) =>
      localImports(file)
        .filter((target) => layerOf(target) > layerOf(file))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('keeps each protocol generation in its own room: neither imports the other', () => {
    const crossing = modules.flatMap((file) => {
      const own = /^generations\/([^/]+)\//.exec(file)?.[1];
      if (own === undefined) return [];
      return localImports(file)
        .filter((target) => /^generations\/[^/]+\//.test(target) && !target.startsWith(`generations/${own}/`))
        .map((target) => `${file} -> ${target}`);
    });
    expect(crossing).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of localImports(file)) if (modules.includes(target)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of modules) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('reaches test support from tests only, so it is never built or published', () => {
    const reaching = modules.flatMap((file) =>
      localImports(file)
        .filter((target) => target.startsWith('test-support/'))
        .map((target) => `${file} -> ${target}`),
    );
    expect(reaching).toEqual([]);
  });

  it('imports only files that exist', () => {
    const missing = files.flatMap((file) =>
      localImports(file)
        .filter((target) => !files.includes(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });
});
