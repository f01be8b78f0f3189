// @toolwright/mcp-toolset/auth: ready OAuth providers for remote MCP servers (the SDK client's
// OAuthClientProvider interface) and the stores that keep their tokens. In an entry of its own, so
// that an application without authorization never loads it.
/**
 * Ready OAuth providers for remote MCP servers, and the stores that keep their tokens.
 *
 * @module
 */
export { type AuthorizationCodeOptions, AuthorizationCodeProvider } from './authorization-code.ts';
export { type ClientCredentialsOptions, ClientCredentialsProvider } from './client-credentials.ts';
export type { StoredProviderOptions } from './stored-provider.ts';
export { FileTokenStore, MemoryTokenStore, type TokenStore } from './token-store.ts';
