// Every error class the MCP SDK exports, mapped to the toolset's typed errors in this one place, so
// none reaches a caller: the SDK's local errors (SdkError and its codes, SdkHttpError), its transport
// and authorization errors (those through authorization-failures.ts), and the JSON-RPC errors the
// toolset's own repairs make. A JSON-RPC error
// the server answered passes as it is: whoever sent the request knows whether it is a tool's failure.
// sdk-errors.test.ts maps an instance of each class and of each SdkErrorCode.
import {
  ProtocolError as JsonRpcError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
} from '@modelcontextprotocol/client';
import {
  AuthorizationError,
  ConnectionLostError,
  ProtocolError,
  RequestTimeoutError,
  ToolwrightError,
  UserError,
} from '@toolwright/core';
import { isPlainObject } from '@toolwright/core/internal';
import { authorizationFailure } from './authorization-failures.ts';
import { malformedResponse } from './malformed-responses.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, oversizedMessage } from './stdio-transport.ts';

/** The request an error concerns, for its message. */
export interface FailedRequest {
  /** Names the server (its id, URL or command, without secrets). */
  readonly server: string;
  readonly method: string;
  /** The request's timeout, for a timeout's error. */
  readonly timeoutMs: number;
}

/**
 * The toolset's typed error for the error a request failed with. The toolset's own errors and a JSON-RPC
 * error the server answered pass as they are; everything else (each SDK class, or what a transport
 * threw) becomes a {@link ToolwrightError} naming the server and the method, with the original as its cause.
 */
export function typedRequestError(error: unknown, request: FailedRequest): unknown {
  if (ToolwrightError.isInstance(error)) return error;
  const { server, method, timeoutMs } = request;
  const malformed = malformedResponse(error);
  if (malformed !== undefined)
    return new ProtocolError(`The MCP server ${server} sent a malformed ${method} response: ${malformed}.`, {
      cause: error,
    });
  const oversized = oversizedMessage(error);
  if (oversized !== undefined)
    return new ProtocolError(
      `The MCP server ${server} sent a ${method} answer of more than ${oversized.limit} bytes, over the stdio message limit (maxMessageBytes of the stdio source, ${DEFAULT_MAX_MESSAGE_BYTES} bytes by default); it was dropped and the connection kept. Pass a larger maxMessageBytes ({ command, args, maxMessageBytes }) if such answers are expected.`,
      { cause: error },
    );
  if (error instanceof JsonRpcError) return error;
  // The SDK's authorization errors (its OAuth classes, what escapes its auth seam): see authorization-failures.ts.
  const refused = authorizationFailure(error, server);
  if (refused !== undefined) return refused;
  const cause = { cause: error };
  if (error instanceof SdkHttpError) return httpError(error, request);
  if (error instanceof SdkError) {
    switch (error.code) {
      case SdkErrorCode.RequestTimeout:
        return new RequestTimeoutError(
          `The MCP server ${server} did not answer ${method} within ${timeoutMs} ms (timeouts.requestMs); it may be overloaded or stuck.`,
          { method, timeoutMs, ...cause },
        );
      case SdkErrorCode.ConnectionClosed:
      case SdkErrorCode.NotConnected:
      case SdkErrorCode.NotInitialized:
        return new ConnectionLostError(
          `The connection to the MCP server ${server} is closed (${method} was not answered).`,
          cause,
        );
      case SdkErrorCode.EraNegotiationFailed:
        return new ConnectionLostError(
          `The MCP server ${server} and the toolset agreed on no protocol version: ${short(error.message)}.`,
          cause,
        );
      case SdkErrorCode.AlreadyConnected:
        return new UserError(
          `The SDK Client or transport given for the MCP server ${server} is already connected elsewhere; give the toolset its own.`,
          cause,
        );
      case SdkErrorCode.UnsupportedResultType:
        return new ProtocolError(
          `The MCP server ${server} answered ${method} with ${describeResultType(error.data)}, which a ${method} result cannot have.`,
          cause,
        );
      case SdkErrorCode.InvalidResult:
        return new ProtocolError(
          `The MCP server ${server} sent a ${method} result that the MCP SDK refuses as invalid for the protocol version agreed: ${short(error.message)}.`,
          cause,
        );
      case SdkErrorCode.MethodNotSupportedByProtocolVersion:
        return new ProtocolError(
          `${method} does not exist in the protocol version agreed with the MCP server ${server}, so it was not sent.`,
          cause,
        );
      case SdkErrorCode.CapabilityNotSupported:
        return new ProtocolError(
          `The MCP server ${server} does not declare the capability ${method} needs, so it was not sent: ${short(error.message)}.`,
          cause,
        );
      default:
        return new ProtocolError(
          `${method} to the MCP server ${server} failed in the MCP SDK (${error.code}): ${short(error.message)}.`,
          cause,
        );
    }
  }
  if (error instanceof SseError)
    return new ConnectionLostError(
      `The event stream of the MCP server ${server} failed: ${short(error.message)}.`,
      cause,
    );
  return new ProtocolError(
    `${method} to the MCP server ${server} failed: ${short(error instanceof Error ? error.message : String(error))}.`,
    cause,
  );
}

/** An HTTP error status in answer to a request: the session ended (404), authorization, or the server failed. */
function httpError(error: SdkHttpError, { server, method }: FailedRequest): ToolwrightError {
  const status = `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
  const cause = { cause: error };
  if (error.status === 404)
    return new ConnectionLostError(
      `The MCP server ${server} answered ${method} with ${status}: its session ended (or the endpoint is gone); connect again.`,
      cause,
    );
  if (error.status === 401 || error.status === 403)
    return new AuthorizationError(
      `The MCP server ${server} refused ${method} with ${status}: authorization is missing or not enough. Pass an authProvider, or the headers the server expects.`,
      { server, ...cause },
    );
  return new ProtocolError(`The MCP server ${server} answered ${method} with ${status}${bodyExcerpt(error)}.`, cause);
}

/** What an HTTP error's body said, shortly: an HTML page is named, not quoted. */
function bodyExcerpt(error: SdkHttpError): string {
  const text = isPlainObject(error.data) && typeof error.data.text === 'string' ? error.data.text.trim() : '';
  if (text === '') return '';
  if (/^<(!doctype|html)/i.test(text)) return ' (an HTML page)';
  return `: ${short(text)}`;
}

/**
 * The server's own words when `error` is an error answer from it (a JSON-RPC error, or an HTTP error
 * status), as opposed to one of the toolset's own failures; undefined otherwise.
 */
export function serverAnswer(error: unknown): string | undefined {
  if (error instanceof JsonRpcError) return error.message;
  const cause = ToolwrightError.isInstance(error) ? (error as Error).cause : undefined;
  if (cause instanceof SdkHttpError && cause.status >= 500)
    return `HTTP ${cause.status}${cause.statusText ? ` ${cause.statusText}` : ''}${bodyExcerpt(cause)}`;
  return undefined;
}

/** The `resultType` an SDK error reports, for a message. */
function describeResultType(data: unknown): string {
  const type = isPlainObject(data) ? data.resultType : undefined;
  return typeof type === 'string' ? `resultType "${type.slice(0, 40)}"` : 'an unknown resultType';
}

/** A message cut to a readable length. */
function short(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
