// The MCP reference server "everything" sends notifications/tools/list_changed right after
// initialize: the first call after open() must still find its tools.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MCPToolset } from './mcp-toolset.ts';
import { isGone, launchedSource, treeOf, WRITE_TREE } from './test-support/launched.ts';

const require = createRequire(import.meta.url);
const server = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
);

function everything(): MCPToolset {
  return new MCPToolset({ command: process.execPath, args: [server, 'stdio'], stderr: 'ignore' }, { id: 'everything' });
}

describe('against @modelcontextprotocol/server-everything', () => {
  it('calls a tool with the first call after open()', async () => {
    for (let run = 0; run < 3; run++) {
      await using toolset = everything();
      await toolset.open();
      expect(await toolset.directCallTool('echo', { message: `hello ${run}` })).toBe(`Echo: hello ${run}`);
    }
  }, 60_000);

  it('starts a task with the first call after open()', async () => {
    for (let run = 0; run < 2; run++) {
      await using toolset = everything();
      await toolset.open();
      const handle = await toolset.startTask('simulate-research-query', { topic: 'tides' });
      expect(handle.taskId).toBeTypeOf('string');
      await handle.cancel();
    }
  }, 60_000);

  it('ends the server behind a launcher once a task of it was cancelled (it then ignores its stdin closing)', async () => {
    const lines: string[] = [];
    const toolset = new MCPToolset(
      launchedSource({
        command: process.execPath,
        // The server writes its id and its launcher's first, so the test can look for both after close().
        args: ['--import', `data:text/javascript,${encodeURIComponent(WRITE_TREE)}`, server, 'stdio'],
        stderr: (line) => lines.push(line),
        closeGraceMs: 200,
      }),
      { id: 'everything' },
    );
    await toolset.open();
    const handle = await toolset.startTask('simulate-research-query', { topic: 'tides' });
    await handle.cancel();
    const tree = await treeOf(lines);
    expect(tree).toHaveLength(2);
    await toolset.close();
    expect(tree.filter((pid) => !isGone(pid))).toEqual([]);
  }, 60_000);
});
