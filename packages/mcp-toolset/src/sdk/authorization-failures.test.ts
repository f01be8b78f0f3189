import {
  InsufficientScopeError,
  IssuerMismatchError,
  OAuthError,
  OAuthErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { AuthorizationError } from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { authorizationFailure, isAuthorizationFailure } from './authorization-failures.ts';

const server = 'https://mcp.example.com/mcp';

describe('authorizationFailure', () => {
  it.each([
    [new UnauthorizedError(), /answered 401 Unauthorized and no token could be had\. Pass an authProvider/],
    [
      new SdkHttpError(SdkErrorCode.ClientHttpAuthentication, 'Server returned 401 after re-authentication', {
        status: 401,
      }),
      /rejected the token even after the token was renewed/,
    ],
    [
      new SdkHttpError(SdkErrorCode.ClientHttpForbidden, 'Server returned 403 insufficient_scope after step-up', {
        status: 403,
      }),
      /needs a scope the client was not granted, and asking .* again did not help/,
    ],
    [new InsufficientScopeError({ requiredScope: 'files:write' }), /not granted \(files:write\)/],
    [
      new OAuthError(OAuthErrorCode.InvalidGrant, 'refresh token revoked'),
      /invalid_grant: refresh token revoked\).*Sign in again/,
    ],
    [
      new OAuthError(OAuthErrorCode.InvalidClient, 'bad secret'),
      /refused the client itself \(invalid_client: bad secret\)/,
    ],
    [
      new IssuerMismatchError('authorization_response', 'https://as.example', 'https://evil.example'),
      /issuer mismatch/,
    ],
  ])('names the server and says what to do: %s', (error, expected) => {
    const failure = authorizationFailure(error, server);
    expect(AuthorizationError.isInstance(failure)).toBe(true);
    expect(failure?.server).toBe(server);
    expect(failure?.message).toContain(`The MCP server ${server} refused the client's authorization`);
    expect(failure?.message).toMatch(expected);
    expect(failure?.cause).toBe(error);
  });

  it("never quotes the attacker's issuer, nor a raw response body", () => {
    const mixUp = authorizationFailure(
      new IssuerMismatchError('authorization_response', 'https://as.example', 'https://evil.example'),
      server,
    );
    expect(mixUp?.message).not.toContain('evil.example');
    const raw = new OAuthError(
      OAuthErrorCode.ServerError,
      'HTTP 500: Invalid OAuth error response: x. Raw body: {"access_token":"leaked"}',
    );
    expect(authorizationFailure(raw, server)?.message).not.toContain('leaked');
  });

  it('recognises any error the SDK stamped as escaping its auth seam, and nothing else', () => {
    const stamped = new Error('Incompatible auth server: does not support dynamic client registration');
    Object.defineProperty(stamped, Symbol.for('mcp.authSeamEscape'), { value: true });
    expect(authorizationFailure(stamped, server)?.message).toContain('does not support dynamic client registration.');
    expect(isAuthorizationFailure(new Error('fetch failed'))).toBe(false);
    expect(isAuthorizationFailure(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'))).toBe(false);
    expect(authorizationFailure(new Error('other'), server)).toBeUndefined();
  });

  it("passes an AuthorizationError of a provider as it is, or names the toolset's server in it", () => {
    const own = new AuthorizationError('Authorization for the MCP server github failed: the user did not sign in.', {
      server: 'github',
    });
    expect(authorizationFailure(own, 'github')).toBe(own);
    const renamed = authorizationFailure(own, 'reports');
    expect(renamed?.server).toBe('reports');
    expect(renamed?.message).toBe('Authorization for the MCP server reports failed: the user did not sign in.');
  });
});
