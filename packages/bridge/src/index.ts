export { type BridgeArgs, parseBridgeArgs, USAGE } from './args.ts';
export { Bridge, type BridgeOptions, type StdioServing } from './bridge.ts';
export { upstreamsFromConfig } from './config.ts';
export type { HttpServing } from './serve-http.ts';
export { openStore } from './store.ts';
export type { UpstreamSource, UpstreamSpec } from './upstream.ts';
