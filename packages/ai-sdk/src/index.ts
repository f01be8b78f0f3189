export {
  type BackgroundFollowUps,
  type BackgroundFollowUpsOptions,
  type BackgroundWork,
  backgroundFollowUps,
  followUpMessages,
  type RunWithBackgroundWorkOptions,
  runWithBackgroundWork,
  type StepEnd,
  type TurnResult,
} from './background.ts';
export { toolsetInstructions, withToolsetInstructions } from './instructions.ts';
export {
  type BinaryOutput,
  type FailureContext,
  readableFailure,
  toModelOutput,
  toModelValue,
} from './model-output.ts';
export { isTaskStatusOutput, statusOnlyPreliminaries, type TaskStatusOutput } from './task-status.ts';
export { type AiSdkToolsOptions, aiSdkTools } from './tools.ts';
