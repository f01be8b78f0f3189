// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in plain strings is the config syntax under test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '@toolwright/core';
import { afterAll, describe, expect, it } from 'vitest';
import { stripJsonc } from './jsonc.ts';
import { parseMcpServers, readMcpServers } from './mcp-servers-config.ts';

const folder = mkdtempSync(join(tmpdir(), 'toolwright-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes `text` to a file of the scratch folder and returns its path. */
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

/** The UserError a bad config gives. */
async function problemOf(config: string | object, env: Record<string, string> = {}): Promise<UserError> {
  const error = await readMcpServers(config, { env }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(UserError.isInstance(error), `expected a UserError, got ${String(error)}`).toBe(true);
  return error as UserError;
}

describe('readMcpServers on good files', () => {
  it("reads Claude Desktop's mcpServers: stdio servers with args and env, expanded from the environment", async () => {
    const path = file(
      'claude.json',
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '${HOME_DIR}/work'] },
          github: { command: '${BIN}/github-mcp', env: { GITHUB_TOKEN: '${env:GH_TOKEN}', MODE: 'fixed' } },
        },
      }),
    );
    const config = await readMcpServers(path, { env: { HOME_DIR: '/home/ada', BIN: '/opt/bin', GH_TOKEN: 'ghp_1' } });
    expect(config.origin).toBe(path);
    expect(config.servers).toEqual([
      {
        name: 'files',
        server: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/ada/work'] },
      },
      { name: 'github', server: { command: '/opt/bin/github-mcp', env: { GITHUB_TOKEN: 'ghp_1', MODE: 'fixed' } } },
    ]);
  });

  it("reads VS Code's mcp.json: the servers key, comments, trailing commas, typed stdio and http entries", async () => {
    const path = file(
      'mcp.json',
      `{
        // VS Code writes JSON with comments
        "inputs": [],
        "servers": {
          "local": { "type": "stdio", "command": "node", "args": ["server.js",], "cwd": "tools/server" },
          /* a remote server behind a gateway */
          "remote": {
            "type": "http",
            "url": "https://mcp.example.com/mcp",
            "headers": { "Authorization": "Bearer \${env:API_TOKEN}", "X-Team": "a//b" },
          },
        },
      }`,
    );
    const config = await readMcpServers(pathToFileURL(path), { env: { API_TOKEN: 't0k' } });
    expect(config.servers).toEqual([
      { name: 'local', server: { command: 'node', args: ['server.js'], cwd: join(folder, 'tools/server') } },
      {
        name: 'remote',
        server: {
          url: new URL('https://mcp.example.com/mcp'),
          headers: { Authorization: 'Bearer t0k', 'X-Team': 'a//b' },
        },
      },
    ]);
  });

  it("carries an entry's other keys, as the file has them, for the application reading it (a JSONC file too)", async () => {
    const path = file(
      'extra.json',
      `{
        "mcpServers": {
          // a bridge's own setting, and an editor's note, beside the server
          "research": { "command": "node", "args": ["research.js"], "background": ["deep_research"], "description": "\${NOT_EXPANDED}" },
          "plain": { "type": "http", "url": "https://mcp.example.com/mcp", "disabled": false },
          "off": { "command": "old", "disabled": true, "background": true },
        },
      }`,
    );
    const config = await readMcpServers(path, { env: {} });
    expect(config.servers).toEqual([
      {
        name: 'research',
        server: { command: 'node', args: ['research.js'] },
        extra: { background: ['deep_research'], description: '${NOT_EXPANDED}' },
      },
      { name: 'plain', server: { url: new URL('https://mcp.example.com/mcp') } },
    ]);
    expect(config.servers[1]).not.toHaveProperty('extra');
  });

  it('reads a remote server given by its url alone (Cursor, Windsurf), and leaves out disabled servers', async () => {
    const config = await readMcpServers(
      {
        mcpServers: {
          docs: { url: 'http://127.0.0.1:8080/mcp?team=${TEAM}' },
          old: { command: 'old-server', disabled: true },
          kept: { command: 'new-server', disabled: false },
        },
      },
      { env: { TEAM: 'core' } },
    );
    expect(config.origin).toBe('the given config object');
    expect(config.servers).toEqual([
      { name: 'docs', server: { url: new URL('http://127.0.0.1:8080/mcp?team=core') } },
      { name: 'kept', server: { command: 'new-server' } },
    ]);
  });

  it('keeps strings that look like comments, and escaped quotes, when stripping JSONC', () => {
    const text = '{ "a": "http://x//y", "b": "say \\"/* hi */\\"", // note\n "c": [1, 2,], }';
    expect(JSON.parse(stripJsonc(text))).toEqual({ a: 'http://x//y', b: 'say "/* hi */"', c: [1, 2] });
  });
});

describe('readMcpServers on bad files', () => {
  it('says when the file is missing or is not JSON', async () => {
    expect((await problemOf(join(folder, 'missing.json'))).message).toMatch(
      /Could not read the MCP servers config .*missing\.json/,
    );
    const broken = await problemOf(file('broken.json', '{ "mcpServers": { "a": '));
    expect(broken.message).toMatch(/broken\.json is not valid JSON/);
  });

  it('needs one object of servers under mcpServers or servers', async () => {
    expect((await problemOf({ tools: {} })).message).toMatch(/neither an "mcpServers" nor a "servers" object/);
    expect((await problemOf({ mcpServers: {}, servers: {} })).message).toMatch(/both "mcpServers" and "servers"/);
    expect((await problemOf({ mcpServers: [] })).message).toMatch(/"mcpServers" that is not an object/);
    expect((await problemOf([])).message).toMatch(/is not a JSON object/);
  });

  it.each([
    [{ a: 'npx server' }, "MCP server 'a': is not an object"],
    [{ a: { type: 'websocket', url: 'ws://x' } }, `MCP server 'a': "type" is "websocket", which is unknown`],
    [{ a: { type: 'sse', url: 'https://x/sse' } }, `MCP server 'a': "type" is "sse": the HTTP+SSE transport`],
    [{ a: { type: 'stdio' } }, `MCP server 'a': has "type": "stdio" but no "command"`],
    [{ a: { type: 'http' } }, `MCP server 'a': has "type": "http" but no "url"`],
    [{ a: { args: ['x'] } }, `MCP server 'a': has neither "command" (a local server) nor "url"`],
    [{ a: { command: 'x', url: 'https://x' } }, `MCP server 'a': has both "command" and "url"`],
    [{ a: { command: '' } }, `MCP server 'a': "command" must be a non-empty string`],
    [{ a: { command: 'x', args: 'x y' } }, `MCP server 'a': "args" must be an array of strings`],
    [{ a: { command: 'x', args: ['ok', 3] } }, `MCP server 'a': "args"[1] must be a string, not a number`],
    [{ a: { command: 'x', env: { PORT: 8080 } } }, `MCP server 'a': "env.PORT" must be a string, not a number`],
    [{ a: { command: 'x', cwd: 7 } }, `MCP server 'a': "cwd" must be a non-empty string`],
    [{ a: { command: 'x', disabled: 'yes' } }, `MCP server 'a': "disabled" must be true or false`],
    [{ a: { url: 'not a url' } }, `MCP server 'a': "url" is not a valid URL`],
    [{ a: { url: 'ftp://files.example.com/mcp' } }, `MCP server 'a': "url" must be an http: or https: URL, not ftp:`],
    [{ a: { url: 42 } }, `MCP server 'a': "url" must be a string, not a number`],
    [{ a: { url: 'https://x/mcp', headers: ['Authorization: x'] } }, `MCP server 'a': "headers" must be an object`],
  ])('names the server and the field: %j', async (servers, expected) => {
    expect((await problemOf({ mcpServers: servers })).message).toContain(expected);
  });

  it('names the variable a field uses when it is not set, and never shows a value', async () => {
    const error = await problemOf(
      {
        mcpServers: {
          github: { url: 'https://x/mcp', headers: { Authorization: 'Bearer ${GITHUB_TOKEN}', X: '${SET}' } },
        },
      },
      { SET: 'visible-secret-value' },
    );
    expect(error.message).toContain(
      `MCP server 'github': "headers.Authorization" uses \${GITHUB_TOKEN}, but the environment variable GITHUB_TOKEN is not set`,
    );
    expect(error.message).not.toContain('visible-secret-value');
  });

  it("refuses VS Code's input variables, which only the editor can answer", async () => {
    const error = await problemOf({ servers: { a: { command: 'x', env: { TOKEN: '${input:token}' } } } });
    expect(error.message).toContain(`"env.TOKEN" uses \${input:token}, which cannot be expanded here`);
  });

  it('reports every problem of the file at once', async () => {
    const error = await problemOf({ mcpServers: { a: { command: 3 }, b: { url: 'nope' }, c: { command: 'ok' } } });
    expect(error.message).toMatch(/has 2 problems:\n- MCP server 'a': "command".*\n- MCP server 'b': "url"/);
  });

  it('shows no part of a URL that does not parse (it may hold a token)', () => {
    expect(() => parseMcpServers({ mcpServers: { a: { url: 'https//user:hunter2@host' } } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
