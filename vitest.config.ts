import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Unit tests need no server; integration and end-to-end tests share one DynamoDB Local and one fauxqs. */
const withServers = { globalSetup: ['test/support/global-setup.ts'] };

const project = (name: string, include: string[], extra: TestProjectInlineConfiguration['test'] = {}): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include, ...extra },
});

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_REGION: 'ap-northeast-2', CURSOR_KEY: 'unit-tests-list-cursor-key' },
    projects: [
      // Regressions (one file per money defect, named after it) run with the unit tests; those that
      // need DynamoDB Local are `*.local.test.ts` (integration), the whole stack `*.e2e.test.ts`.
      project('unit', ['test/unit/**/*.test.ts', 'test/regressions/**/*.test.ts', 'test/sim/**/*.test.ts'], { exclude: ['**/*.local.test.ts', '**/*.e2e.test.ts'] }),
      project('infra', ['test/infra/**/*.test.ts']),
      project('integration', ['test/integration/**/*.test.ts', 'test/regressions/**/*.local.test.ts'], withServers),
      project('e2e', ['test/e2e/**/*.test.ts', 'test/regressions/**/*.e2e.test.ts', 'test/sim/**/*.e2e.test.ts'], withServers),
    ],
    coverage: {
      provider: 'v8',
      include: ['domain/**/*.ts'],
      reporter: ['text-summary', 'text'],
      // The rules are the product: the unit tests alone exercise 95% of domain/'s lines and branches.
      thresholds: { lines: 95, branches: 95 },
    },
  },
});
