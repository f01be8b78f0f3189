import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportFiles, newestOf, tsconfigAgainst } from './newest-sdk.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('newest-sdk', () => {
  it('takes the newest version npm view printed, one or a list in ascending order', () => {
    expect(newestOf('"2.4.0"\n')).toBe('2.4.0');
    expect(newestOf('["2.4.0","2.4.1","2.10.0"]')).toBe('2.10.0');
    expect(() => newestOf('[]')).toThrow(/no version/);
  });

  it("maps every export of the SDK client's own manifest to its ESM file and its types", () => {
    const require = createRequire(join(root, 'packages', 'mcp-toolset', 'package.json'));
    const dir = dirname(dirname(require.resolve('@modelcontextprotocol/client')));
    const { exports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const code = exportFiles(exports, 'default');
    expect(code.get('.')).toBe('./dist/index.mjs');
    expect(code.get('./stdio')).toBe('./dist/stdio.mjs');
    expect(exportFiles(exports, 'types').get('./stdio')).toBe('./dist/stdio.d.mts');
    expect(exportFiles({ '.': './plain.js', './x': { default: './x.js' } }, 'default')).toEqual(
      new Map([
        ['.', './plain.js'],
        ['./x', './x.js'],
      ]),
    );
  });

  it("writes a tsconfig that extends the package's own, with the SDK's types from the copy", () => {
    const project = join(root, 'packages', 'mcp-toolset');
    const exports = { '.': { import: { types: './dist/index.d.mts', default: './dist/index.mjs' } } };
    expect(tsconfigAgainst(root, project, '/copy/client', exports)).toEqual({
      extends: join(project, 'tsconfig.json'),
      include: [join(project, 'src'), join(project, 'conformance')],
      compilerOptions: {
        paths: { '@modelcontextprotocol/client': ['/copy/client/dist/index.d.mts'] },
        typeRoots: [join(root, 'node_modules', '@types')],
      },
    });
  });
});
