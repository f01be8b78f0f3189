// The AI SDK's runtime functions this package uses, handed out only after checking that the installed
// `ai` is the major this package is written for. Every other module imports them from here (types may
// come from 'ai' directly): a namespace import cannot fail to link, so an older `ai` (which lacks some
// of these exports) reaches the check below instead of failing with a bare "does not provide an export
// named …" SyntaxError. On Node 20, `npm install ai` records `ai@^6` (the newest whose engines allow
// it), so this is what a user meets first when the Node is too old.
import { UserError } from '@toolwright/core';
import * as ai from 'ai';

/** The major version of the AI SDK (`ai`) this package is written for (its peer range is `^7`). */
export const AI_SDK_MAJOR = 7;

/** The AI SDK functions this package calls; their absence marks an `ai` older than 7. */
const NEEDED = ['dynamicTool', 'jsonSchema', 'experimental_createSteering'] as const;

/**
 * Throws a `UserError` unless `version` (the installed `ai`'s version, undefined when it cannot be read)
 * is of major {@link AI_SDK_MAJOR}. With no version, the exports decide: any of the functions this
 * package calls missing is an older `ai`.
 */
export function checkAiSdkVersion(version: string | undefined, exports: Readonly<Record<string, unknown>> = ai): void {
  const major = version === undefined ? undefined : Number.parseInt(version, 10);
  const missing = NEEDED.filter((name) => typeof exports[name] !== 'function');
  if (major === AI_SDK_MAJOR || (major === undefined && missing.length === 0)) return;
  const found =
    version === undefined ? `an ai without ${missing.join(', ')} (older than ${AI_SDK_MAJOR})` : `ai ${version}`;
  throw new UserError(
    `@toolwright/ai-sdk needs the AI SDK ${AI_SDK_MAJOR} (ai@^${AI_SDK_MAJOR}), but found ${found}. ` +
      `Install it with \`npm install ai@^${AI_SDK_MAJOR}\` on Node.js 22 or newer ` +
      `(on an older Node, npm records ai@^6, the newest whose engines allow it).`,
  );
}

/**
 * The installed `ai`'s version, from its package.json (resolved from this module, as its import is), or
 * undefined where that cannot be read: outside Node (a browser bundle importing a helper), or a bundle
 * without node_modules. `process.getBuiltinModule` keeps `node:module` out of the static imports, so a
 * browser bundle of this package still loads.
 */
function installedVersion(): string | undefined {
  try {
    const nodeModule = globalThis.process?.getBuiltinModule?.('node:module');
    const manifest: unknown = nodeModule?.createRequire(import.meta.url)('ai/package.json');
    const version = (manifest as { version?: unknown } | undefined)?.version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

checkAiSdkVersion(installedVersion());

/** The AI SDK's `dynamicTool`, after the version check. */
export const dynamicTool: typeof ai.dynamicTool = ai.dynamicTool;
/** The AI SDK's `jsonSchema`, after the version check. */
export const jsonSchema: typeof ai.jsonSchema = ai.jsonSchema;
/** The AI SDK's `experimental_createSteering`, after the version check. */
export const experimental_createSteering: typeof ai.experimental_createSteering = ai.experimental_createSteering;
