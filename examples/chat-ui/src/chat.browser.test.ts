/// <reference types="vite/client" />
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startChatServer } from './server.ts';

/** Debian's Chromium (apt-get install chromium), or the one CHROMIUM_PATH names. */
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
const screenshotPath = fileURLToPath(new URL('../screenshot.png', import.meta.url));
/** `pnpm run screenshot` (vitest `--mode screenshot`) writes the page's picture to screenshot.png. */
const updateScreenshot = import.meta.env.MODE === 'screenshot';

/** What the task card showed at one moment. */
interface CardState {
  readonly status: string | null;
  readonly message: string;
  readonly progress: number;
  readonly result: string | null;
}

/** Starts Chromium, or fails (never skips) with what to do when it is not installed. */
async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium was not found at ${chromiumPath}. The chat page test needs a real browser: install Debian's ` +
        `package (apt-get install -y chromium; .ci/run does this) or set CHROMIUM_PATH to a Chromium executable.`,
    );
  }
  // Playwright gives it a fresh user data dir, --headless and --no-sandbox (no chromiumSandbox).
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
}

describe('the chat page', () => {
  it('shows a task card that goes through its status updates and a growing progress bar, then the result', async () => {
    const browser = await launchChromium();
    const server = await startChatServer({ script: { steps: 5, stepMs: 400 } }).catch(async (error: unknown) => {
      await browser.close();
      throw error;
    });
    onTestFinished(async () => {
      await browser.close();
      await server.close();
    });
    const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
    // Records every state the card goes through, so no update is missed between two looks.
    await page.addInitScript(() => {
      const history: unknown[] = [];
      Object.assign(window, { cardHistory: history });
      const record = () => {
        const card = document.querySelector('[data-testid="task-card"]');
        if (!card) return;
        const state = {
          status: card.getAttribute('data-status'),
          message: card.querySelector('[data-testid="status-message"]')?.textContent ?? '',
          progress: Number(card.querySelector('[data-testid="progress"]')?.getAttribute('aria-valuenow') ?? 0),
          result: card.querySelector('[data-testid="task-result"]')?.textContent ?? null,
        };
        if (JSON.stringify(history.at(-1)) !== JSON.stringify(state)) history.push(state);
      };
      new MutationObserver(record).observe(document, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
    await page.goto(server.url);
    await page.getByRole('textbox', { name: 'Message' }).fill('Analyse the quarterly numbers.');
    await page.getByRole('button', { name: 'Send' }).click();

    await expect
      .poll(() => page.getByTestId('task-result').textContent(), { timeout: 30_000 })
      .toBe('finished 5 steps');
    await expect
      .poll(() => page.getByTestId('message-assistant').last().textContent(), { timeout: 10_000 })
      .toContain('The analysis is done: finished 5 steps.');

    const history = (await page.evaluate(
      () => (window as unknown as { cardHistory: unknown[] }).cardHistory,
    )) as CardState[];
    const running = history.filter((state) => state.status === 'working');
    const messages = [...new Set(running.map((state) => state.message).filter((message) => message !== ''))];
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages).toEqual(expect.arrayContaining(['step 1 of 5', 'step 2 of 5', 'step 3 of 5']));
    const progress = running.map((state) => state.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress.filter((value) => value > 0 && value < 100)).size).toBeGreaterThanOrEqual(3);
    expect(history.at(-1)).toMatchObject({ status: 'completed', progress: 100, result: 'finished 5 steps' });

    // The page renders to an image; the tracked screenshot.png is rewritten only by `pnpm run screenshot`
    // (vitest's mode `screenshot`), so that running the tests leaves the working tree as it was.
    const image = await page.screenshot({ fullPage: true, ...(updateScreenshot ? { path: screenshotPath } : {}) });
    expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
  }, 90_000);
});
