import type { AuthProvider, OAuthClientProvider } from '@modelcontextprotocol/client';

/** Header values for every request to a remote server: a name → value record. */
export type HeaderValues = Readonly<Record<string, string>>;

/**
 * Headers for every request to a remote server: fixed values, or a function called before each
 * request (for a token that rotates). A function's values win over `requestInit.headers`; the
 * headers the transport manages (`Authorization` from an `authProvider`, `Mcp-Session-Id`,
 * `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`) win over both.
 */
export type RemoteHeaders = HeaderValues | (() => HeaderValues | Promise<HeaderValues>);

/**
 * A remote MCP server over Streamable HTTP, with the options a real deployment needs: headers (an
 * API key, a gateway's token), a `fetch` of the application's own (a proxy, tracing), `requestInit`
 * for the rest, and an `authProvider` for the MCP authorization flow (OAuth 2.1: the SDK's
 * `OAuthClientProvider`, such as the providers of `@toolwright/mcp-toolset/auth`, or its minimal
 * `AuthProvider`). The toolset wraps the given `fetch`, never replaces it: its repair of malformed
 * responses and its `Mcp-Param-*` headers keep working with every option.
 */
export interface RemoteServer {
  /** The server's Streamable HTTP endpoint, `http:` or `https:`. */
  readonly url: string | URL;
  /** Headers sent with every request: fixed values or a function called before each (see {@link RemoteHeaders} for which win); none by default. */
  readonly headers?: RemoteHeaders;
  /** Used for every request to the server and to its authorization server (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /** Merged into every request; its `headers` are sent too (see {@link RemoteHeaders} for which win). */
  readonly requestInit?: RequestInit;
  /** Runs the MCP authorization flow: 401 → discovery → registration → token, refresh, scope step-up. */
  readonly authProvider?: AuthProvider | OAuthClientProvider;
}
