/**
 * Helpers the Toolwright packages share among themselves, published as `@toolwright/core/internal`.
 * They are no part of the public API: no semver promise, they may change or go in any release.
 * An application needs none of them.
 *
 * @module
 */
export { isJsonObject, isPlainObject, mergeJsonObjects, toJsonValue } from './json.ts';
export { ResponseTap, type TappableTransport, type TappedAnswer } from './response-tap.ts';
export { assertSameTools } from './toolset.ts';
