/**
 * Toolwright toolsets as LangChain structured tools (`langChainTools`), with task status streamed
 * while a call runs. The `createAgent` middleware is in `@toolwright/langchain/middleware`.
 *
 * @module
 */
export { type ContentBlock, type MediaBlock, type TextBlock, toToolContent } from './content.ts';
export { isTaskStatusUpdate, TASK_STATUS_EVENT, type TaskStatusUpdate } from './task-status.ts';
export { type LangChainToolsOptions, langChainTools } from './tools.ts';
