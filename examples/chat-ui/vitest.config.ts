import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The browser test runs the example from source, as the workspace's tests do.
const sourceCondition = '@toolwright/source';

export default defineConfig({
  resolve: { conditions: [sourceCondition, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.browser.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    allowOnly: !process.env.CI,
  },
});
