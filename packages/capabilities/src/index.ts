export {
  BackgroundTools,
  type BackgroundToolsOptions,
  type PendingWork,
  RUN_IN_BACKGROUND,
} from './background-tools.ts';
export { applyCapabilities, type Capability, CapableToolset, type NextToolCall, type ToolCall } from './capability.ts';
export { SetToolMetadata, type SetToolMetadataOptions } from './set-tool-metadata.ts';
