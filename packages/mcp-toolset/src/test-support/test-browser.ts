// Test support: what a user's browser does with an authorization URL of the protected fixture's
// authorization server (which approves at once): it follows the redirects, keeping the server's
// cookies, until the redirect to the loopback listener, which it delivers. The codes it saw are
// kept, for the tests that check no secret leaks.

/** A browser with a cookie jar per origin; `codes` collects the authorization codes it carried. */
export class TestBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();
  readonly codes: string[] = [];
  /** How many sign-ins it made. */
  signIns = 0;

  /** Follows `url` through the authorization server's redirects to the loopback redirect, and delivers it. */
  readonly open = async (url: URL): Promise<void> => {
    this.signIns++;
    let next = url;
    for (let hop = 0; hop < 20; hop++) {
      const response = await fetch(next, { redirect: 'manual', headers: this.#cookieHeader(next) });
      this.#keep(next, response);
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (location === null)
        throw new Error(`the authorization server answered ${response.status} without a redirect at ${next.pathname}`);
      next = new URL(location, next);
      // Leaving the authorization server's origin: the redirect to the application.
      if (next.origin !== url.origin) {
        const code = next.searchParams.get('code');
        if (code !== null) this.codes.push(code);
        await (await fetch(next)).text();
        return;
      }
    }
    throw new Error('the authorization server redirected more than 20 times');
  };

  #cookieHeader(url: URL): Record<string, string> {
    const jar = this.#cookies.get(url.origin);
    if (jar === undefined || jar.size === 0) return {};
    return { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  #keep(url: URL, response: Response): void {
    const jar = this.#cookies.get(url.origin) ?? new Map<string, string>();
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (pair === undefined || index < 0) continue;
      jar.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
    this.#cookies.set(url.origin, jar);
  }
}
