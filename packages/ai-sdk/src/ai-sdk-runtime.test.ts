// The installed AI SDK's major is checked when the package is imported: with a real `ai` 6 (the one npm
// records on Node 20) in place of `ai` 7, the import fails with a UserError naming both versions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { UserError } from '@toolwright/core';
import * as ai from 'ai';
import { describe, expect, it } from 'vitest';
import { AI_SDK_MAJOR, checkAiSdkVersion } from './ai-sdk-runtime.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const ai6Version: string = require('ai-6/package.json').version;

/**
 * Imports this package's entry in a fresh Node process whose `ai` is the real `ai` 6 (a resolve hook
 * sends `ai` and `ai/…` to the `ai-6` alias, for import and require alike), and reports how it went.
 */
function importWithAi6(): { imported: boolean; kind?: string; code?: string; message?: string } {
  const hooks = `
    import { registerHooks } from 'node:module';
    registerHooks({
      resolve(specifier, context, next) {
        return next(specifier === 'ai' || specifier.startsWith('ai/') ? 'ai-6' + specifier.slice(2) : specifier, context);
      },
    });`;
  const script = `
    try {
      await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
      console.log(JSON.stringify({ imported: true }));
    } catch (error) {
      console.log(JSON.stringify({ imported: false, kind: error.constructor.kind, code: error.code, message: error.message }));
    }`;
  const out = execFileSync(
    process.execPath,
    [
      '--conditions=@toolwright/source',
      '--import',
      `data:text/javascript,${encodeURIComponent(hooks)}`,
      '--input-type=module',
      '--eval',
      script,
    ],
    { cwd: packageDir, encoding: 'utf8', timeout: 60_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

describe('the installed AI SDK', () => {
  it('imports with ai 7, the version this package is written for', () => {
    const installed: string = require('ai/package.json').version;
    expect(Number.parseInt(installed, 10)).toBe(AI_SDK_MAJOR);
    expect(() => checkAiSdkVersion(installed)).not.toThrow();
  });

  it('fails the import with ai 6 with a UserError naming the version found and the one needed', () => {
    expect(Number.parseInt(ai6Version, 10)).toBe(6);
    const result = importWithAi6();
    expect(result).toMatchObject({ imported: false, kind: 'UserError', code: 'user_error' });
    expect(result.message).toContain(`found ai ${ai6Version}`);
    expect(result.message).toContain('needs the AI SDK 7 (ai@^7)');
    expect(result.message).toContain('npm install ai@^7');
    expect(result.message).toContain('Node.js 22');
  });

  it('rejects another major, and an ai whose version cannot be read by what it lacks', async () => {
    expect(() => checkAiSdkVersion('8.0.0')).toThrow(/needs the AI SDK 7 \(ai@\^7\), but found ai 8\.0\.0/);
    expect(() => checkAiSdkVersion('8.0.0')).toThrow(UserError);
    const ai6: Record<string, unknown> = await import('ai-6');
    expect(() => checkAiSdkVersion(undefined, ai6)).toThrow(
      /found an ai without experimental_createSteering \(older than 7\)/,
    );
    expect(() => checkAiSdkVersion(undefined, ai)).not.toThrow();
  });

  it('matches the peer range of the package', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.peerDependencies.ai).toMatch(new RegExp(`^\\^${AI_SDK_MAJOR}\\.`));
  });
});
