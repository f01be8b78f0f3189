import { UserError } from '@toolwright/core';
import { describe, expect, it } from 'vitest';
import { parseBridgeArgs } from './args.ts';

describe('parseBridgeArgs', () => {
  it('reads a command after --, with its own flags left to it', () => {
    expect(parseBridgeArgs(['--background', '--', 'node', 'server.js', '--http', '--verbose'])).toMatchObject({
      source: { command: 'node', args: ['server.js', '--http', '--verbose'] },
      http: undefined,
      background: true,
      name: 'upstream',
    });
  });

  it('reads --http with and without a port, --url with headers, --name and --store', () => {
    expect(parseBridgeArgs(['--http', '--', 'node']).http).toBe(0);
    expect(parseBridgeArgs(['--http', '8123', '--', 'node']).http).toBe(8123);
    expect(
      parseBridgeArgs([
        '--url',
        'https://example.com/mcp',
        '--header',
        'Authorization: Bearer abc:def',
        '--header',
        'X-Team:  blue ',
        '--name',
        'research',
        '--store',
        'sqlite:tasks.db',
      ]),
    ).toMatchObject({
      source: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer abc:def', 'X-Team': 'blue' } },
      name: 'research',
      store: 'sqlite:tasks.db',
    });
  });

  it('says what is wrong with a bad command line, as a UserError', () => {
    const problem = (args: string[]) => {
      try {
        parseBridgeArgs(args);
      } catch (error) {
        expect(UserError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(args)}`);
    };
    expect(problem(['--header', 'X: y', '--', 'node'])).toContain('--header applies to a --url server only');
    expect(problem(['--url', 'https://x.test/mcp', '--header', 'novalue'])).toContain('--header takes');
    expect(problem(['--config', 'a.json', '--url', 'https://x.test/mcp'])).toContain('Give one upstream');
  });
});
