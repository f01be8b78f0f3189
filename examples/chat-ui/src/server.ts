import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MCPToolset } from '@toolwright/mcp-toolset';
import { startInMemoryFixture } from '@toolwright/testing';
import { createServer as createViteServer } from 'vite';
import { chatRoute } from './chat-route.ts';
import { type ScriptOptions, scriptedModel } from './scripted-model.ts';

/** A running chat page: its address, and how to stop it (server, page, MCP connection). */
export interface ChatServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the chat page (Vite, in middleware mode) and its route `/api/chat` from one Node HTTP
 * server on 127.0.0.1. The agent's tools come from the fixture MCP server, in memory.
 */
export async function startChatServer(
  options: { readonly port?: number; readonly script?: ScriptOptions } = {},
): Promise<ChatServer> {
  const fixture = await startInMemoryFixture();
  const toolset = new MCPToolset(fixture.clientTransport, { id: 'fixture', includeInstructions: true });
  await toolset.open();
  const model = scriptedModel(options.script ?? { steps: 5, stepMs: 700 });

  const http: Server = createHttpServer();
  const vite = await createViteServer({
    root: fileURLToPath(new URL('..', import.meta.url)),
    configFile: false,
    appType: 'spa',
    logLevel: 'warn',
    server: { middlewareMode: true, hmr: { server: http } },
    // Pre-bundled up front, so the first page load does not discover them and reload.
    optimizeDeps: { include: ['react', 'react/jsx-dev-runtime', 'react-dom/client', '@ai-sdk/react'] },
  });
  http.on('request', (request, response) => {
    if (request.method === 'POST' && request.url === '/api/chat') {
      chatRoute(request, response, { toolset, model }).catch((error: unknown) => {
        console.error('The chat route failed:', error);
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : String(error));
      });
      return;
    }
    vite.middlewares(request, response);
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      // Vite first: it closes its HMR websockets, which the HTTP server would otherwise wait for.
      await vite.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await toolset.close();
      await fixture.close();
    },
  };
}

if (import.meta.main) {
  const server = await startChatServer({ port: Number(process.env.PORT ?? 5173) });
  console.log(`The chat page is at ${server.url} (Ctrl+C stops it).`);
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
}
