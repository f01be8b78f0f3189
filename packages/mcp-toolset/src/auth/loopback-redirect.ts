// The redirect target of an interactive authorization (RFC 8252, section 7.3): a one-shot HTTP
// listener on 127.0.0.1 that takes the authorization response the browser brings back, answers the
// browser with a short page, and closes. A response whose `state` is not the one sent is refused
// and the wait goes on, so a stale tab or a page that guesses the port cannot end it.
import { createServer, type Server } from 'node:http';

/** The answer of the authorization server, as the browser delivered it (its query parameters). */
export type AuthorizationResponse = URLSearchParams;

/** A listener waiting for one authorization response. */
export interface RedirectListener {
  /** Settles with the response (its `state` matched), or rejects when the wait times out or is closed. */
  readonly response: Promise<AuthorizationResponse>;
  /** Stops listening; a wait still pending rejects. */
  close(): void;
}

const PAGE_OK =
  '<!doctype html><meta charset="utf-8"><title>Authorized</title><p>The application received the authorization. You can close this tab.</p>';
const PAGE_STALE =
  '<!doctype html><meta charset="utf-8"><title>Not expected</title><p>This authorization response is not the one the application is waiting for (its state does not match). Start the sign-in again from the application.</p>';

/** A free port on 127.0.0.1, found by binding port 0 and closing again. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await listen(server, 0);
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port was assigned on 127.0.0.1');
  return address.port;
}

/**
 * Listens on 127.0.0.1:`port` for a GET of `path` carrying `state`, for at most `timeoutMs`. The
 * listener is bound when this resolves; it closes itself once the response arrived or the wait ended.
 */
export async function listenForRedirect(options: {
  readonly port: number;
  readonly path: string;
  readonly state: string;
  readonly timeoutMs: number;
}): Promise<RedirectListener> {
  let settle: { resolve: (value: AuthorizationResponse) => void; reject: (error: Error) => void } | undefined;
  const response = new Promise<AuthorizationResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may stop waiting (a timeout of its own); an unobserved rejection must not escape.
  response.catch(() => undefined);
  const server = createServer((request, reply) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== options.path) {
      reply.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    if (url.searchParams.get('state') !== options.state) {
      reply.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE_STALE);
      return;
    }
    reply.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(PAGE_OK);
    finish();
    settle?.resolve(url.searchParams);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = () => {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
  };
  try {
    await listen(server, options.port);
  } catch (error) {
    throw new Error(
      `port ${options.port} on 127.0.0.1 is not free for the authorization redirect (${(error as Error).message}); pass another redirectPort`,
      { cause: error },
    );
  }
  timer = setTimeout(() => {
    finish();
    settle?.reject(new Error(`no authorization response arrived within ${Math.round(options.timeoutMs / 1000)} s`));
  }, options.timeoutMs);
  return {
    response,
    close: () => {
      finish();
      settle?.reject(new Error('the wait for the authorization response was ended'));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
