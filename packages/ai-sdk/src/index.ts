export {
  type BackgroundWork,
  followUpMessages,
  type RunWithBackgroundWorkOptions,
  runWithBackgroundWork,
  type TurnResult,
} from './background.ts';
export { type BinaryOutput, readableFailure, toModelOutput, toModelValue } from './model-output.ts';
export { isTaskStatusOutput, type TaskStatusOutput } from './task-status.ts';
export { type AiSdkToolsOptions, aiSdkTools } from './tools.ts';
