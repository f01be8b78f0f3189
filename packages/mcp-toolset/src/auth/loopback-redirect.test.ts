import { describe, expect, it } from 'vitest';
import { freeLoopbackPort, listenForRedirect } from './loopback-redirect.ts';

describe('listenForRedirect', () => {
  it('takes the response that carries its state, refuses others and closes after the one it takes', async () => {
    const port = await freeLoopbackPort();
    const listener = await listenForRedirect({ port, path: '/callback', state: 's-1', timeoutMs: 5_000 });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/other?state=s-1&code=c`)).status).toBe(404);
    const stale = await fetch(`${base}/callback?state=guess&code=c`);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('not the one the application is waiting for');
    const good = await fetch(`${base}/callback?state=s-1&code=the-code&iss=https%3A%2F%2Fas.example`);
    expect(good.status).toBe(200);
    const response = await listener.response;
    expect(response.get('code')).toBe('the-code');
    expect(response.get('iss')).toBe('https://as.example');
    await expect(fetch(`${base}/callback?state=s-1&code=again`)).rejects.toThrow();
  });

  it('gives up after its timeout and frees the port', async () => {
    const port = await freeLoopbackPort();
    const listener = await listenForRedirect({ port, path: '/cb', state: 's', timeoutMs: 50 });
    await expect(listener.response).rejects.toThrow(/no authorization response arrived/);
    const again = await listenForRedirect({ port, path: '/cb', state: 's', timeoutMs: 1_000 });
    again.close();
    await expect(again.response).rejects.toThrow(/was ended/);
  });

  it('says which port is taken', async () => {
    const port = await freeLoopbackPort();
    const first = await listenForRedirect({ port, path: '/cb', state: 's', timeoutMs: 1_000 });
    await expect(listenForRedirect({ port, path: '/cb', state: 's', timeoutMs: 1_000 })).rejects.toThrow(
      new RegExp(`port ${port} on 127.0.0.1 is not free`),
    );
    first.close();
  });
});
