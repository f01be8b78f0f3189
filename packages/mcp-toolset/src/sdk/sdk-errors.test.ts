// Each error class the SDK exports, and each SdkErrorCode, mapped to the toolset's typed errors: none
// reaches a caller as it is, except a JSON-RPC error the server answered, which the code that sent the
// request classifies (a tool's failure, or not; hostile-2025.test.ts and hostile-2026.test.ts follow it).
import {
  InsufficientScopeError,
  ProtocolError as JsonRpcError,
  MissingRequiredClientCapabilityError,
  OAuthClientFlowError,
  OAuthError,
  ResourceNotFoundError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnauthorizedError,
  UnsupportedProtocolVersionError,
  UrlElicitationRequiredError,
} from '@modelcontextprotocol/client';
import {
  AuthorizationError,
  ConnectionLostError,
  ProtocolError,
  RequestTimeoutError,
  type ToolwrightError,
  UserError,
} from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { repairResponse } from './malformed-responses.ts';
import { serverAnswer, typedRequestError } from './sdk-errors.ts';
import { LineBuffer } from './stdio-transport.ts';

const REQUEST = { server: 'mcp:test-server', method: 'tools/list', timeoutMs: 1_234 };

type ErrorClass = { isInstance(value: unknown): boolean; readonly name: string };

/** The class each SdkErrorCode becomes. A code the SDK adds later fails here until it is given one. */
const BY_CODE: Record<SdkErrorCode, ErrorClass> = {
  [SdkErrorCode.NotConnected]: ConnectionLostError,
  [SdkErrorCode.AlreadyConnected]: UserError,
  [SdkErrorCode.NotInitialized]: ConnectionLostError,
  [SdkErrorCode.CapabilityNotSupported]: ProtocolError,
  [SdkErrorCode.RequestTimeout]: RequestTimeoutError,
  [SdkErrorCode.ConnectionClosed]: ConnectionLostError,
  [SdkErrorCode.SendFailed]: ProtocolError,
  [SdkErrorCode.InvalidResult]: ProtocolError,
  [SdkErrorCode.UnsupportedResultType]: ProtocolError,
  [SdkErrorCode.InputRequiredRoundsExceeded]: ProtocolError,
  [SdkErrorCode.ListPaginationExceeded]: ProtocolError,
  [SdkErrorCode.MethodNotSupportedByProtocolVersion]: ProtocolError,
  [SdkErrorCode.EraNegotiationFailed]: ConnectionLostError,
  [SdkErrorCode.ClientHttpNotImplemented]: ProtocolError,
  [SdkErrorCode.ClientHttpAuthentication]: AuthorizationError,
  [SdkErrorCode.ClientHttpForbidden]: AuthorizationError,
  [SdkErrorCode.ClientHttpUnexpectedContent]: ProtocolError,
  [SdkErrorCode.ClientHttpFailedToOpenStream]: ProtocolError,
  [SdkErrorCode.ClientHttpFailedToTerminateSession]: ProtocolError,
};

function typed(error: unknown): ToolwrightError & { cause?: unknown } {
  return typedRequestError(error, REQUEST) as ToolwrightError & { cause?: unknown };
}

describe('the mapping of SDK errors', () => {
  it('has a class for every SdkErrorCode the SDK has', () => {
    expect(Object.values(SdkErrorCode).sort()).toEqual(Object.keys(BY_CODE).sort());
  });

  it.each(Object.entries(BY_CODE))(
    'maps SdkError %s to %o, naming the server, with the SDK error as its cause',
    (code, type) => {
      const error = new SdkError(code as SdkErrorCode, `the SDK says ${code}`, { method: 'tools/list' });
      const result = typed(error);
      expect(type.isInstance(result), type.name).toBe(true);
      expect(result.message).toContain('mcp:test-server');
      expect(result.cause).toBe(error);
    },
  );

  it('keeps the method and the timeout of a RequestTimeoutError', () => {
    const result = typed(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'));
    expect(result).toMatchObject({ method: 'tools/list', timeoutMs: 1_234 });
    expect(result.message).toContain('timeouts.requestMs');
  });

  it('names the resultType of an UnsupportedResultType and the method of an InvalidResult', () => {
    const unsupported = typed(new SdkError(SdkErrorCode.UnsupportedResultType, 'x', { resultType: 'input_required' }));
    expect(unsupported.message).toContain('resultType "input_required"');
    const invalid = typed(new SdkError(SdkErrorCode.InvalidResult, 'Invalid result for tools/list: [ "tools" ]'));
    expect(invalid.message).toContain('tools/list');
    expect(invalid.message).toContain('refuses as invalid');
  });

  it.each([
    [
      500,
      'Internal Server Error',
      '<!DOCTYPE html><html><body>boom</body></html>',
      ProtocolError,
      'HTTP 500 Internal Server Error (an HTML page)',
    ],
    [502, 'Bad Gateway', 'upstream went away', ProtocolError, 'HTTP 502 Bad Gateway: upstream went away'],
    [404, 'Not Found', '{"error":"Session not found"}', ConnectionLostError, 'its session ended'],
    [401, 'Unauthorized', '', AuthorizationError, 'authProvider'],
    [403, 'Forbidden', '', AuthorizationError, 'authProvider'],
  ] as const)(
    'maps SdkHttpError %i to %o, saying what the server answered without quoting a page',
    (status, statusText, text, type, words) => {
      const error = new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `Error POSTing to endpoint: ${text}`, {
        status,
        statusText,
        text,
      });
      const result = typed(error);
      expect(type.isInstance(result)).toBe(true);
      expect(result.message).toContain(words);
      expect(result.message).not.toContain('<html>');
      expect(result.cause).toBe(error);
    },
  );

  it.each([
    ['UnauthorizedError', new UnauthorizedError('Unauthorized')],
    ['OAuthError', new OAuthError('invalid_grant', 'the grant expired')],
    ['OAuthClientFlowError', new OAuthClientFlowError('the flow broke')],
    ['InsufficientScopeError', new InsufficientScopeError({ requiredScope: 'tools:write' })],
  ])('maps %s (authorization) to an AuthorizationError naming the server', (_name, error) => {
    const result = typed(error);
    expect(AuthorizationError.isInstance(result)).toBe(true);
    expect(result).toMatchObject({ server: 'mcp:test-server' });
    expect(result.message).toContain('authorization');
    expect(result.cause).toBe(error);
  });

  it('maps an SseError (the legacy SSE transport) to a ConnectionLostError', () => {
    const error = new SseError(500, 'the event stream closed', {} as ConstructorParameters<typeof SseError>[2]);
    expect(ConnectionLostError.isInstance(typed(error))).toBe(true);
  });

  it('maps whatever else a transport throws to a ProtocolError naming the method, and passes its own errors', () => {
    const plain = typed(new TypeError('something odd'));
    expect(ProtocolError.isInstance(plain)).toBe(true);
    expect(plain.message).toContain('tools/list');
    const own = new UserError('mine');
    expect(typed(own)).toBe(own);
  });

  it.each([
    ['ProtocolError', new JsonRpcError(-32603, 'Internal error')],
    ['ResourceNotFoundError', new ResourceNotFoundError('file:///x')],
    ['UrlElicitationRequiredError', new UrlElicitationRequiredError([], 'go to a URL')],
    [
      'UnsupportedProtocolVersionError',
      new UnsupportedProtocolVersionError({ supported: ['2025-11-25'], requested: '2030-01-01' }),
    ],
    ['MissingRequiredClientCapabilityError', new MissingRequiredClientCapabilityError({ requiredCapabilities: {} })],
  ])(
    'passes the JSON-RPC error %s the server answered to whoever sent the request, which classifies it',
    (_name, error) => {
      expect(typed(error)).toBe(error);
      expect(serverAnswer(error)).toBe(error.message);
    },
  );

  it('turns the error answers the toolset made for a malformed or an oversized answer into ProtocolErrors that say so', () => {
    const repaired = repairResponse({ jsonrpc: '2.0', id: 1, result: 'not an object' }) as {
      error: { code: number; message: string; data: unknown };
    };
    const malformed = typed(JsonRpcError.fromError(repaired.error.code, repaired.error.message, repaired.error.data));
    expect(ProtocolError.isInstance(malformed)).toBe(true);
    expect(malformed.message).toContain('malformed tools/list response');
    const buffer = new LineBuffer(16);
    buffer.append(Buffer.from('{"jsonrpc":"2.0","id":7,"result":{"text":"far too long for the limit"}}\n'));
    const dropped = buffer.readMessage() as { error: { code: number; message: string; data: unknown } };
    const oversized = typed(JsonRpcError.fromError(dropped.error.code, dropped.error.message, dropped.error.data));
    expect(ProtocolError.isInstance(oversized)).toBe(true);
    expect(oversized.message).toContain('more than 16 bytes');
    expect(oversized.message).toContain('maxMessageBytes');
  });

  it("reads the server's own words from its error answers (JSON-RPC, or an HTTP status of 500 and up) only", () => {
    const http = (status: number) =>
      typed(new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'x', { status, statusText: 'Bad', text: '' }));
    expect(serverAnswer(http(503))).toBe('HTTP 503 Bad');
    expect(serverAnswer(http(404))).toBeUndefined();
    expect(serverAnswer(typed(new SdkError(SdkErrorCode.RequestTimeout, 'x')))).toBeUndefined();
    expect(serverAnswer(new Error('x'))).toBeUndefined();
  });
});
