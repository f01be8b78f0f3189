import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run from source: every workspace package resolves through its `@toolwright/source` export condition.
const sourceCondition = '@toolwright/source';

/** One vitest project per package, each inheriting the root options (`extends: true`). */
function packageProject(name: string) {
  return {
    extends: true as const,
    test: {
      name,
      include: [`packages/${name}/src/**/*.test.ts`],
      typecheck: {
        enabled: true,
        include: [`packages/${name}/src/**/*.test-d.ts`],
        tsconfig: `packages/${name}/tsconfig.json`,
      },
    },
  };
}

export default defineConfig({
  resolve: { conditions: [sourceCondition, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
  test: {
    projects: ['core', 'mcp-toolset', 'capabilities', 'testing', 'ai-sdk', 'bench'].map(packageProject),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Fail on a forgotten `.only` in CI, and on any error left unhandled by a test.
    allowOnly: !process.env.CI,
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
