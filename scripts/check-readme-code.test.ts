import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBlocks, extractBlocks, findReadmes } from './check-readme-code.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('extractBlocks', () => {
  it('finds ts and typescript blocks with the README line of their first code line', () => {
    const markdown = [
      '# Title', // 1
      '```ts', // 2
      "const a = 'one';", // 3
      '```', // 4
      'Prose.', // 5
      '```typescript', // 6
      'const b = 2;', // 7
      'const c = 3;', // 8
      '```', // 9
    ].join('\n');
    expect(extractBlocks('README.md', markdown)).toEqual([
      { readme: 'README.md', line: 3, code: "const a = 'one';" },
      { readme: 'README.md', line: 7, code: 'const b = 2;\nconst c = 3;' },
    ]);
  });

  it('ignores blocks of other languages, even ones that show a ts fence', () => {
    const markdown = ['```sh', 'npm install x', '```', '````md', '```ts', 'nope', '```', '````', '```js', 'x', '```'];
    expect(extractBlocks('README.md', markdown.join('\n'))).toEqual([]);
  });

  it('keeps the reason of an explicit marker right above a block, blank lines between allowed', () => {
    const markdown = [
      '<!-- not type-checked: imports your own ./agent.ts -->',
      '',
      '```ts',
      'x',
      '```',
      '```ts',
      'y',
      '```',
    ];
    expect(extractBlocks('a/README.md', markdown.join('\n'))).toEqual([
      { readme: 'a/README.md', line: 4, code: 'x', skipReason: 'imports your own ./agent.ts' },
      { readme: 'a/README.md', line: 7, code: 'y' },
    ]);
  });

  it('rejects a marker without a reason and a block that is never closed', () => {
    expect(() => extractBlocks('R.md', '<!-- not type-checked: -->\n```ts\nx\n```')).toThrow(/must give its reason/);
    expect(() => extractBlocks('R.md', 'text\n```ts\nx')).toThrow('R.md:2: the code block is never closed');
  });
});

describe('findReadmes', () => {
  it("finds the root's, the packages' and the examples' READMEs, never installed ones", () => {
    const readmes = findReadmes(root);
    expect(readmes).toContain('README.md');
    expect(readmes).toContain('packages/capabilities/README.md');
    expect(readmes).toContain('examples/chat-ui/README.md');
    expect(readmes.filter((readme) => readme.includes('node_modules') || readme.startsWith('.'))).toEqual([]);
    // The API reference's copies (after `pnpm run docs`) are not READMEs of the repository.
    expect(readmes.filter((readme) => readme.startsWith('api-docs/'))).toEqual([]);
  });
});

describe('checkBlocks', () => {
  it('reports a type error at its README line, checking against the workspace source', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'readme-check-'));
    try {
      const code = [
        "import { createRunContext } from '@toolwright/core';",
        '',
        "const ctx = createRunContext({ runId: 'r' });",
        'const id: number = ctx.runId;',
        'await Promise.resolve(id);',
      ].join('\n');
      const errors = checkBlocks(root, [{ readme: 'packages/x/README.md', line: 20, code }], outDir);
      expect(errors).toEqual([
        {
          readme: 'packages/x/README.md',
          line: 23,
          column: 7,
          message: "Type 'string' is not assignable to type 'number'.",
        },
      ]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('passes a block that compiles, in strict mode with exactOptionalPropertyTypes', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'readme-check-'));
    try {
      const good =
        "import { createRunContext } from '@toolwright/core';\nawait using _ = { [Symbol.asyncDispose]: async () => {} };\ncreateRunContext();";
      const optional = 'const o: { a?: string } = { a: undefined };\nconsole.log(o);';
      const errors = checkBlocks(
        root,
        [
          { readme: 'README.md', line: 1, code: good },
          { readme: 'README.md', line: 10, code: optional },
        ],
        outDir,
      );
      expect(errors.map((error) => `${error.readme}:${error.line}`)).toEqual(['README.md:10']);
      expect(errors[0]?.message).toMatch(/exactOptionalPropertyTypes/);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
