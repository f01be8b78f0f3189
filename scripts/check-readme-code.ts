/**
 * Type-checks every TypeScript code block of every README.md in the repository against the current source.
 *
 * Each ```ts / ```typescript block becomes its own module in the git-ignored `.readme-check/` folder (top-level
 * await allowed), where `@toolwright/*` resolves to the workspace packages through their `@toolwright/source`
 * condition, and TypeScript checks them with the repository's strict options. An error is reported at the
 * README line it comes from. A block that cannot compile on its own (it names the reader's own file, say) is
 * skipped only when the line above it says so: `<!-- not type-checked: reason -->`; every skip is printed.
 *
 * Run: `node scripts/toolchain.mjs pnpm run check:readme`.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One TypeScript code block of a README. */
export interface ReadmeBlock {
  /** The README's path, relative to the repository root, with `/` separators. */
  readme: string;
  /** The 1-based README line of the block's first code line. */
  line: number;
  /** The block's code, without its fences. */
  code: string;
  /** Why the block is not type-checked, when an explicit marker above it says so. */
  skipReason?: string;
}

/** A type error of a block, placed at its README line. */
export interface ReadmeError {
  readme: string;
  line: number;
  column: number;
  message: string;
}

const openingFence = /^ {0,3}```(?:ts|typescript)\s*$/;
const closingFence = /^ {0,3}```\s*$/;
const skipMarker = /^\s*<!--\s*not type-checked:\s*(.*?)\s*-->\s*$/;

/** The TypeScript blocks of one README's text, each with its line and any skip marker right above it. */
export function extractBlocks(readme: string, markdown: string): ReadmeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  let inOtherFence = false;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    if (!openingFence.test(text)) {
      // A fence of another language (which may itself contain ```ts text) is skipped whole.
      if (/^ {0,3}```/.test(text)) inOtherFence = !inOtherFence;
      continue;
    }
    if (inOtherFence) continue;
    const end = lines.findIndex((candidate, at) => at > index && closingFence.test(candidate));
    if (end === -1) throw new Error(`${readme}:${index + 1}: the code block is never closed`);
    const previous = lines.slice(0, index).findLast((candidate) => candidate.trim() !== '');
    const reason = previous?.match(skipMarker)?.[1];
    if (reason === '') throw new Error(`${readme}:${index}: a "not type-checked" marker must give its reason`);
    blocks.push({
      readme,
      line: index + 2,
      code: lines.slice(index + 1, end).join('\n'),
      ...(reason === undefined ? {} : { skipReason: reason }),
    });
    index = end;
  }
  return blocks;
}

/** Folders of installed, built or generated files: the API reference copies the READMEs into `api-docs/media`. */
const GENERATED = new Set(['node_modules', 'dist', 'api-docs', 'packed']);

/** Every README.md under the root, except in installed, built, generated or hidden folders. */
export function findReadmes(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (GENERATED.has(entry.name) || entry.name.startsWith('.')) continue;
        walk(join(dir, entry.name));
      } else if (entry.name === 'README.md') {
        found.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** Every TypeScript block of every README under the root (see {@link findReadmes}), skipped ones included. */
export function readmeBlocks(root: string): ReadmeBlock[] {
  return findReadmes(root).flatMap((readme) => extractBlocks(readme, readFileSync(join(root, readme), 'utf8')));
}

/** The package names a block imports (`zod`, `@toolwright/core`), from its import and export-from lines. */
export function importedPackages(code: string): string[] {
  const names = new Set<string>();
  for (const match of code.matchAll(/(?:from|import)\s*['"]([^'"./][^'"]*)['"]/g)) {
    const specifier = match[1] ?? '';
    if (specifier.startsWith('node:')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
  }
  return [...names];
}

/** The workspace packages by name, with their folders. */
function workspacePackages(root: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const parent of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const manifest = join(root, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      packages.set(name, join(root, parent, entry.name));
    }
  }
  return packages;
}

/**
 * Writes the blocks as modules into `outDir`, links the packages they import into its `node_modules` (workspace
 * packages to their folders, others as installed next to the README), and type-checks them.
 */
export function checkBlocks(root: string, blocks: readonly ReadmeBlock[], outDir: string): ReadmeError[] {
  rmSync(outDir, { recursive: true, force: true });
  const workspace = workspacePackages(root);
  const linked = new Set<string>();
  const byFile = writeBlockModules(blocks, join(outDir, 'blocks'));
  for (const block of blocks) {
    for (const name of importedPackages(block.code)) {
      if (linked.has(name)) continue;
      const target = workspace.get(name) ?? installedPackage(root, dirname(join(root, block.readme)), name);
      if (target === undefined) continue; // TypeScript then reports the import as unresolved, at the block.
      const link = join(outDir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, 'dir');
      linked.add(name);
    }
  }
  const tsconfig = join(outDir, 'tsconfig.json');
  const base = relative(outDir, join(root, 'tsconfig.base.json')).split(sep).join('/');
  // `types: ['node']` of the base is found at the root, wherever the output folder is.
  const typeRoots = [join(root, 'node_modules', '@types')];
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: base, compilerOptions: { noEmit: true, typeRoots }, include: ['blocks'] }),
  );
  return typeCheckBlocks(root, tsconfig, byFile);
}

/**
 * Writes each block into `dir` as a module of its own (so top-level await works and names never clash
 * between blocks). Returns the blocks by the absolute path of their file, for {@link typeCheckBlocks}.
 */
export function writeBlockModules(blocks: readonly ReadmeBlock[], dir: string): Map<string, ReadmeBlock> {
  mkdirSync(dir, { recursive: true });
  const byFile = new Map<string, ReadmeBlock>();
  for (const block of blocks) {
    const file = join(dir, `${block.readme.replace(/[^\w]+/g, '-')}-${block.line}.ts`);
    writeFileSync(file, `${block.code}\nexport {};\n`);
    byFile.set(resolve(file), block);
  }
  return byFile;
}

/**
 * Type-checks the program a tsconfig describes and places each error at the README line of the block
 * it is in; an error elsewhere (a package's types, the configuration) is reported with its file.
 * `checked`, when given, limits the files whose errors count (the configuration's always do).
 */
export function typeCheckBlocks(
  root: string,
  tsconfig: string,
  byFile: ReadonlyMap<string, ReadmeBlock>,
  checked?: (fileName: string) => boolean,
): ReadmeError[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (config === undefined) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const diagnostics =
    checked === undefined
      ? ts.getPreEmitDiagnostics(program)
      : [
          ...program.getOptionsDiagnostics(),
          ...program.getGlobalDiagnostics(),
          ...program
            .getSourceFiles()
            .filter((file) => checked(file.fileName))
            .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
        ];
  return diagnostics
    .map((diagnostic) => toReadmeError(root, diagnostic, byFile))
    .sort((a, b) => a.readme.localeCompare(b.readme) || a.line - b.line || a.column - b.column);
}

/** Where a package a README block imports is installed: beside the README's package, else at the root. */
function installedPackage(root: string, readmeDir: string, name: string): string | undefined {
  for (const dir of [readmeDir, root]) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  return undefined;
}

function toReadmeError(root: string, diagnostic: ts.Diagnostic, byFile: ReadonlyMap<string, ReadmeBlock>): ReadmeError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const file = diagnostic.file;
  const block = file === undefined ? undefined : byFile.get(resolve(file.fileName));
  if (file === undefined || block === undefined || diagnostic.start === undefined) {
    // An error outside the blocks (in a package's source or the configuration) still fails the check.
    const where = file === undefined ? 'configuration' : relative(root, file.fileName);
    return { readme: where, line: 0, column: 0, message };
  }
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
  return { readme: block.readme, line: block.line + line, column: character + 1, message };
}

function main(): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const blocks = readmeBlocks(root);
  const checked = blocks.filter((block) => block.skipReason === undefined);
  for (const block of blocks) {
    if (block.skipReason !== undefined) console.log(`skipped ${block.readme}:${block.line}: ${block.skipReason}`);
  }
  const errors = checkBlocks(root, checked, join(root, '.readme-check'));
  for (const error of errors) console.error(`${error.readme}:${error.line}:${error.column}: ${error.message}`);
  const files = new Set(blocks.map((block) => block.readme)).size;
  console.log(
    `${checked.length} README code blocks in ${files} READMEs type-checked, ${blocks.length - checked.length} skipped, ${errors.length} errors`,
  );
  return errors.length === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = main();
