// First: checks the installed AI SDK's major before any module uses it (a UserError naming both versions).
import './ai-sdk-runtime.ts';

// Shared by every Toolwright adapter; re-exported here for apps that import them from this package.
export {
  type BackgroundWork,
  type BinaryOutput,
  type FailureContext,
  isTaskStatusOutput,
  type TaskStatusOutput,
  toModelValue,
} from '@toolwright/core';
export {
  type BackgroundFollowUps,
  type BackgroundFollowUpsOptions,
  backgroundFollowUps,
  followUpMessages,
  type RunWithBackgroundWorkOptions,
  runWithBackgroundWork,
  type StepEnd,
  type TurnResult,
} from './background.ts';
export { toolsetInstructions, withToolsetInstructions } from './instructions.ts';
export { readableFailure, toModelOutput } from './model-output.ts';
export { statusOnlyPreliminaries } from './task-status.ts';
export { type AiSdkToolsOptions, aiSdkTools } from './tools.ts';
