// Which errors of the SDK's transport mean "authorization failed", and what to tell the application.
// The SDK stamps every error that escapes its auth seam (the token read, the 401 handling, the 403
// step-up, its own auth-failure errors) with a global symbol, `mcp.authSeamEscape`, meant to survive
// duplicate copies of the SDK; it is not part of its public API, hence this module's place in sdk/.
// Recognised besides by class: the OAuth errors it exports.
import {
  InsufficientScopeError,
  OAuthClientFlowError,
  OAuthError,
  OAuthErrorCode,
  SdkError,
  SdkErrorCode,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { AuthorizationError } from '@toolwright/core';

const AUTH_SEAM = Symbol.for('mcp.authSeamEscape');

/** The most of an error's own text a message quotes (an authorization server's description may be long). */
const MAX_QUOTED = 200;

/** Whether `error` came out of the SDK's authorization handling. */
export function isAuthorizationFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { [AUTH_SEAM]?: unknown })[AUTH_SEAM] === true) return true;
  return (
    AuthorizationError.isInstance(error) ||
    UnauthorizedError.isInstance(error) ||
    OAuthClientFlowError.isInstance(error) ||
    error instanceof OAuthError ||
    (error instanceof SdkError &&
      (error.code === SdkErrorCode.ClientHttpAuthentication || error.code === SdkErrorCode.ClientHttpForbidden))
  );
}

/**
 * An {@link AuthorizationError} for `error` when it is an authorization failure (see
 * {@link isAuthorizationFailure}), naming `server` and saying what to do; undefined otherwise. An
 * AuthorizationError of a provider passes as it is. No value of the exchange (a token, a code, a
 * secret) reaches the message: only the SDK's own description, cut short.
 */
export function authorizationFailure(error: unknown, server: string): AuthorizationError | undefined {
  if (AuthorizationError.isInstance(error)) {
    if (error.server === server) return error;
    // A provider names the server by its resource URL; the application knows it by the toolset's id.
    const reason = error.message.replace(/^Authorization for the MCP server \S+ failed: /, '');
    return new AuthorizationError(`Authorization for the MCP server ${server} failed: ${reason}`, {
      server,
      cause: error.cause ?? error,
    });
  }
  if (!isAuthorizationFailure(error)) return undefined;
  return new AuthorizationError(`The MCP server ${server} refused the client's authorization: ${reasonOf(error)}`, {
    server,
    cause: error,
  });
}

/** What went wrong and what to do, for each kind of failure. */
function reasonOf(error: unknown): string {
  if (
    error instanceof InsufficientScopeError ||
    (error instanceof SdkError && error.code === SdkErrorCode.ClientHttpForbidden)
  ) {
    const scope =
      error instanceof InsufficientScopeError && error.requiredScope ? ` (${quote(error.requiredScope)})` : '';
    return `it needs a scope the client was not granted${scope}, and asking the authorization server for it again did not help (403 insufficient_scope). Grant the client that scope at the authorization server, or sign in with a user who has it.`;
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.ClientHttpAuthentication)
    return 'it rejected the token even after the token was renewed (401 again). The client is not accepted by this server: check its registration, its scopes and the resource it asks for, or sign in again.';
  if (UnauthorizedError.isInstance(error))
    return "it answered 401 Unauthorized and no token could be had. Pass an authProvider (ClientCredentialsProvider or AuthorizationCodeProvider of @toolwright/mcp-toolset/auth, or the SDK's OAuthClientProvider), or the headers the server expects; a provider of your own that redirects must finish the authorization (transport.finishAuth) before the next request.";
  if (error instanceof OAuthError) {
    const description = quote(error.message);
    if (error.code === OAuthErrorCode.InvalidGrant)
      return `its authorization server no longer honours the client's grant (invalid_grant: ${description}); the refresh token or code expired or was revoked. Sign in again.`;
    if (error.code === OAuthErrorCode.InvalidClient || error.code === OAuthErrorCode.UnauthorizedClient)
      return `its authorization server refused the client itself (${error.code}: ${description}). Check the client's id and secret, and that it may use this grant.`;
    return `its authorization server refused (${quote(error.code)}: ${description}).`;
  }
  if (OAuthClientFlowError.isInstance(error) && error.name === 'IssuerMismatchError')
    return "the authorization server's answer did not name the authorization server that was asked (issuer mismatch), so it was not used. Check the server's authorization metadata; a mix-up attack looks like this.";
  return `${quote(error instanceof Error ? error.message : String(error))}.`;
}

/** An error's text for a message: the first line, without a raw response body, cut short. */
function quote(text: string): string {
  const line = (text.split('\n')[0] ?? '').split(/Raw body:/i)[0]?.trim() ?? '';
  return line.length > MAX_QUOTED ? `${line.slice(0, MAX_QUOTED)}…` : line;
}
