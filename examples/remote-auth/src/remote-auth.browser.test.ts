// The example's browser step, automated in Debian's Chromium: the sign-in page of the authorization
// server opens, the user presses Approve, and the example runs its task to the result.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { runRemoteAuth } from './remote-auth.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags Chromium needs here: headless as root, and quiet on a closed network. */
const chromiumFlags = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const folder = mkdtempSync(join(tmpdir(), 'toolwright-remote-auth-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium was not found at ${chromiumPath}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.`,
    );
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
}

describe('the remote-auth example', () => {
  it('signs in through the browser once, keeps the tokens owner-only, and runs a task longer than a token lives', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const lines: string[] = [];
      const tokenFile = join(folder, 'tokens.json');
      const outcome = await runRemoteAuth({
        tokenFile,
        taskMs: 5_000,
        log: (line) => lines.push(line),
        onAuthorizationUrl: async (url) => {
          await page.goto(url.href);
          await page.getByRole('button', { name: 'Approve' }).click();
          await page.waitForURL(/127\.0\.0\.1:\d+\/callback/);
          expect(await page.textContent('body')).toContain('You can close this tab');
        },
      });
      expect(outcome.result).toBe('done: outlived its tokens');
      expect(outcome.signIns).toBe(1);
      expect(outcome.grants[0]).toBe('authorization_code');
      expect(outcome.grants).toContain('refresh_token');
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(lines.some((line) => line.includes('/auth?'))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
