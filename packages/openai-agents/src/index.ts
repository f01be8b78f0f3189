export {
  BackgroundFollowUps,
  type BackgroundRunResult,
  followUpMessage,
  type RunOutcome,
  type RunWithBackgroundWorkOptions,
  runWithBackgroundWork,
} from './background.ts';
export {
  type FileOutputPart,
  failureOutput,
  type ImageOutputPart,
  type OutputPart,
  type TextOutputPart,
  toToolOutput,
} from './model-output.ts';
export { type TaskStatusStreamEvent, withTaskStatus } from './task-status.ts';
export {
  type OpenAIAgentsTool,
  type OpenAIAgentsToolsOptions,
  openAIAgentsTools,
  type ToolOutputData,
} from './tools.ts';
