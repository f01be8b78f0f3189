/**
 * Helpers the Toolwright packages share among themselves, published as `@toolwright/core/internal`.
 * They are no part of the public API: no semver promise, they may change or go in any release.
 * An application needs none of them.
 *
 * @module
 */
export { type AdapterCall, type StartedCall, startAdapterCall } from './adapter-call.ts';
export { type CallSignal, callSignal } from './call-signal.ts';
export { isJsonObject, isPlainObject, mergeJsonObjects, toJsonValue } from './json.ts';
export { failureForModel } from './model-failure.ts';
export {
  nextTaskStatus,
  TASK_STATUS_EVENTS,
  TaskStatusFeed,
  type TaskStatusSnapshot,
} from './task-status-feed.ts';
export { toolTitle } from './tool-title.ts';
export { assertSameTools } from './toolset.ts';
