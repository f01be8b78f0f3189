// Shared by every Toolwright adapter; re-exported here for apps that import them from this package.
export { isTaskStatusOutput, type TaskStatusOutput } from '@toolwright/core';
export { type BackgroundFollowUps, type BackgroundFollowUpsOptions, backgroundFollowUps } from './background.ts';
export { type MastraModelOutput, toModelOutput } from './model-output.ts';
export { type MastraStep, mastraSteps } from './steps.ts';
export { type MastraTool, type MastraToolsOptions, mastraTools } from './tools.ts';
