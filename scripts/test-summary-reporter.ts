// A vitest reporter that ends the run with one line, `N passed, N failed`, counting every test of every
// project in the run (type tests included), so `npm test` says in one place what happened across packages.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** The counts behind the summary line. */
export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Test files that failed outside any test (a syntax error, a throwing `beforeAll`), and errors left unhandled. */
  otherFailures: number;
}

/** Counts the tests of a finished run; a failure outside any test counts as one failed test. */
export function summarize(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown>,
): TestSummary {
  const summary: TestSummary = { passed: 0, failed: 0, skipped: 0, otherFailures: unhandledErrors.length };
  for (const testModule of testModules) {
    let failedTests = 0;
    for (const test of testModule.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') summary.passed++;
      else if (state === 'failed') failedTests++;
      else summary.skipped++;
    }
    summary.failed += failedTests;
    // A module whose tests all passed can still have failed (an error during collection or in a hook).
    if (failedTests === 0 && testModule.state() === 'failed') summary.otherFailures++;
  }
  summary.failed += summary.otherFailures;
  return summary;
}

/** Prints the summary line last, after the default reporter's own report. */
export class TestSummaryReporter implements Reporter {
  readonly #write: (text: string) => void;

  constructor(write: (text: string) => void = (text) => process.stdout.write(text)) {
    this.#write = write;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const summary = summarize(testModules, unhandledErrors);
    const notes: string[] = [];
    if (summary.skipped > 0) notes.push(`${summary.skipped} skipped or todo`);
    if (summary.otherFailures > 0)
      notes.push(`${summary.otherFailures} failure(s) outside any test (see the errors above), counted as failed`);
    if (notes.length > 0) this.#write(`\n(${notes.join('; ')})\n`);
    this.#write(`\n${summary.passed} passed, ${summary.failed} failed\n`);
  }
}
