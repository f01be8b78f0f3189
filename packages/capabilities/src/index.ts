export {
  BackgroundTools,
  type BackgroundToolsOptions,
  type PendingWork,
  RUN_IN_BACKGROUND,
} from './background-tools.ts';
export { applyCapabilities, type Capability, CapableToolset, type NextToolCall, type ToolCall } from './capability.ts';
export {
  BackgroundWorker,
  type BackgroundWorkerOptions,
  type ResumedTask,
  type StoreEvent,
  type TaskResumer,
} from './durable-work.ts';
export { SetToolMetadata, type SetToolMetadataOptions } from './set-tool-metadata.ts';
export {
  type ClaimedTask,
  type ClaimOptions,
  checkLeaseMs,
  checkPendingTask,
  followUpIdOf,
  InMemoryTaskStore,
  type Lease,
  type PendingTask,
  type PendingTaskInput,
  type PendingTaskRow,
  pendingTaskFromRow,
  type StoredFollowUp,
  storedFollowUp,
  type TaskKey,
  type TaskStore,
  TaskStoreError,
} from './task-store.ts';
