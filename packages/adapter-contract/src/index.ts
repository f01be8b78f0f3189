export { describeAdapterContract } from './contract.ts';
export {
  type AdapterHarness,
  FINAL_TEXT,
  type Gap,
  type Loop,
  type MediaPart,
  type ScriptedCall,
  type StreamedItem,
  type ToolOutcome,
  type ToolView,
  type TurnOptions,
  type TurnRecord,
} from './harness.ts';
export {
  type ContractServer,
  type ContractTransport,
  type Generation,
  POLL_INTERVAL_MS,
  type ServerTask,
  startContractServer,
} from './servers.ts';
export {
  countListeners,
  expectInOrder,
  type FixtureToolsetOptions,
  failingToolset,
  fixtureToolset,
  fixtureToolset2026,
  type ListenerCount,
  runExample,
  statusItem,
} from './test-support.ts';
