// The example as a user runs it: a real process, the MCP reference server "everything" its stdio child.
// Its elicitation handler narrows the request (`request.mode === 'url'` first) and answers the server's
// enum question from the options the schema offers, as the mcp-toolset README shows.
import { fileURLToPath } from 'node:url';
import { expectInOrder, runExample } from '@toolwright/adapter-contract';
import { describe, expect, it } from 'vitest';

describe('the server-everything example', () => {
  it("answers the task's enum elicitation with an option from its schema, and the task completes with it", async () => {
    const { stdout, stderr } = await runExample(fileURLToPath(new URL('..', import.meta.url)));
    expect(stderr).toBe('');
    expectInOrder(stdout, [
      'Connected to mcp-servers/everything',
      'simulate-research-query: taskSupport required, called as a task.',
      'created (working)',
      'input_required: Found multiple interpretations for "python"',
      // "programming" is the first option the server offers (oneOf[0].const), not the fallback "technical".
      'Please clarify what you\'re looking for:" → answering "programming"',
      'working: Continuing with interpretation: "programming"',
      'completed',
      '# Research Report: python (programming)',
      '- **Clarification**: programming',
    ]);
  }, 70_000);
});
