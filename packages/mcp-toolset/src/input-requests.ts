import type {
  CreateMessageRequest,
  CreateMessageResult,
  ElicitRequest,
  ElicitResult,
} from '@modelcontextprotocol/client';
import { UserError } from '@toolwright/core';

/** The option that answers each kind of server request for input, for the error that names it. */
const INPUT_OPTIONS: Readonly<Record<string, string>> = {
  'elicitation/create':
    "the `elicitation` option to MCPToolset: elicitation: async (request, context) => ({ action: 'accept', content: { ... } })",
  'sampling/createMessage':
    'the `sampling` option to MCPToolset: sampling: async (request, context) => ({ role, content, model })',
  'roots/list': 'a connected SDK Client with a roots/list handler as the source (the toolset has no roots option)',
};

/** Whether `method` is a server request for input (elicitation, sampling, roots). */
export function isInputRequest(method: string): boolean {
  return INPUT_OPTIONS[method] !== undefined;
}

/**
 * The error for input a server asked for that the toolset cannot give: `what` needs it ("Task 1
 * of tool 'x'"), `afterwards` says what became of it (", so the task was cancelled").
 */
export function noInputHandler(what: string, method: string, afterwards = ''): UserError {
  const option = INPUT_OPTIONS[method];
  return new UserError(
    `${what} needs input (${method.slice(0, 60)}), but the toolset has no handler to answer it${afterwards}. ${option === undefined ? 'The toolset answers only elicitation, sampling and roots requests.' : `Pass ${option}.`}`,
  );
}

/** The handlers a connection installs for the server's requests for input, each given the request's params and signal. */
export interface InputHandlers {
  readonly elicitation?: ((params: ElicitRequest['params'], signal: AbortSignal) => Promise<ElicitResult>) | undefined;
  readonly sampling?:
    | ((params: CreateMessageRequest['params'], signal: AbortSignal) => Promise<CreateMessageResult>)
    | undefined;
}
