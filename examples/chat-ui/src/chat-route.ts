import type { IncomingMessage, ServerResponse } from 'node:http';
import { aiSdkTools, statusOnlyPreliminaries, withToolsetInstructions } from '@toolwright/ai-sdk';
import { createRunContext, type Toolset } from '@toolwright/core';
import { convertToModelMessages, isStepCount, type LanguageModel, streamText, type UIMessage } from 'ai';

/**
 * POST /api/chat, as `useChat` calls it: runs `streamText` over the toolset's tools and streams the
 * UI messages back, task status included (preliminary tool results). The run ends, and its MCP
 * task is cancelled on the server, when the page goes away.
 */
export async function chatRoute(
  request: IncomingMessage,
  response: ServerResponse,
  { toolset, model }: { readonly toolset: Toolset<undefined>; readonly model: LanguageModel },
): Promise<void> {
  const { messages } = JSON.parse(await readBody(request)) as { messages: UIMessage[] };
  const gone = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) gone.abort(new Error('The page closed the chat request.'));
  });
  const ctx = createRunContext({ signal: gone.signal });
  const tools = await aiSdkTools(toolset, ctx);
  const result = streamText({
    model,
    tools,
    instructions: await withToolsetInstructions('You run long analyses with the tools you have.', toolset, ctx),
    messages: await convertToModelMessages(messages, { tools }),
    stopWhen: isStepCount(5),
    abortSignal: gone.signal,
    experimental_transform: statusOnlyPreliminaries(), // preliminary outputs: task status only
  });
  result.pipeUIMessageStreamToResponse(response);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
