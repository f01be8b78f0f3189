export {
  type BackgroundWork,
  followUpMessages,
  type RunWithBackgroundWorkOptions,
  runWithBackgroundWork,
  type TurnResult,
} from './background.ts';
export { aiSdkTools, toModelValue } from './tools.ts';
