import { describe, expect, it } from 'vitest';
import { readMcpHeaders } from './mcp-header.ts';

const tool = (properties: Record<string, unknown>) => ({ type: 'object', properties });
const invalidMcpHeader = (inputSchema: unknown) => readMcpHeaders(inputSchema).invalid;

describe('readMcpHeaders', () => {
  it('accepts valid annotations and schemas without any', () => {
    expect(invalidMcpHeader(tool({ region: { type: 'string', 'x-mcp-header': 'Region' } }))).toBeUndefined();
    expect(
      invalidMcpHeader(
        tool({ p: { type: 'integer', 'x-mcp-header': 'Priority' }, v: { type: 'boolean', 'x-mcp-header': 'X-V' } }),
      ),
    ).toBeUndefined();
    expect(invalidMcpHeader(tool({ a: { type: 'object' } }))).toBeUndefined();
    expect(invalidMcpHeader(undefined)).toBeUndefined();
  });

  it('names what is wrong: empty, not a token, not a primitive, duplicated', () => {
    expect(invalidMcpHeader(tool({ v: { type: 'string', 'x-mcp-header': '' } }))).toMatch(/empty/);
    for (const name of ['My Region', 'Region:Primary', 'Région', 'Region\t1'])
      expect(invalidMcpHeader(tool({ v: { type: 'string', 'x-mcp-header': name } }))).toMatch(/not a header name/);
    for (const type of ['object', 'array', 'null', 'number'])
      expect(invalidMcpHeader(tool({ v: { type, 'x-mcp-header': 'Data' } }))).toMatch(/not a string, integer/);
    expect(
      invalidMcpHeader(
        tool({ a: { type: 'string', 'x-mcp-header': 'MyField' }, b: { type: 'string', 'x-mcp-header': 'myfield' } }),
      ),
    ).toMatch(/more than one parameter/);
  });

  it('reads the designated parameters, at any depth of properties', () => {
    expect(
      readMcpHeaders(
        tool({
          region: { type: 'string', 'x-mcp-header': 'Region' },
          query: { type: 'string' },
          target: {
            type: 'object',
            properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' }, tries: { type: 'integer' } },
          },
        }),
      ),
    ).toEqual({
      parameters: [
        { path: ['region'], header: 'Region' },
        { path: ['target', 'zone'], header: 'Zone' },
      ],
    });
    expect(readMcpHeaders(tool({ a: { type: 'string' } }))).toEqual({ parameters: [] });
    expect(readMcpHeaders(undefined)).toEqual({ parameters: [] });
  });

  it('refuses an annotation that no chain of properties alone reaches', () => {
    const string = { type: 'string', 'x-mcp-header': 'Deep' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'object', 'x-mcp-header': 'Root' }, /the inputSchema itself has an x-mcp-header/],
      [tool({ list: { type: 'array', items: string } }), /parameter 'list' has an x-mcp-header under 'items'/],
      [tool({ list: { type: 'array', prefixItems: [string] } }), /under 'prefixItems'/],
      [{ ...tool({}), oneOf: [tool({ a: string })] }, /parameter 'a' has an x-mcp-header under 'oneOf'/],
      [{ ...tool({}), allOf: [{ properties: { a: string } }] }, /under 'allOf'/],
      [{ ...tool({}), if: tool({ a: string }) }, /under 'if'/],
      [{ ...tool({}), additionalProperties: string }, /under 'additionalProperties'/],
      [{ ...tool({ a: { $ref: '#/$defs/a' } }), $defs: { a: string } }, /under '\$defs'/],
      [tool({ map: { type: 'object', patternProperties: { '^x': string } } }), /under 'patternProperties'/],
    ];
    for (const [schema, message] of cases) expect(readMcpHeaders(schema).invalid).toMatch(message);
  });

  it('names nested parameters by their path, and counts duplicates across depths', () => {
    expect(
      readMcpHeaders(
        tool({ outer: { type: 'object', properties: { inner: { type: 'number', 'x-mcp-header': 'N' } } } }),
      ).invalid,
    ).toMatch(/parameter 'outer.inner' carries x-mcp-header 'N' but is not a string, integer or boolean/);
    expect(
      readMcpHeaders(
        tool({
          region: { type: 'string', 'x-mcp-header': 'Region' },
          outer: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'REGION' } } },
        }),
      ).invalid,
    ).toMatch(/more than one parameter/);
  });

  it('refuses a schema too deep to search instead of overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let depth = 0; depth < 10_000; depth++) schema = { type: 'object', properties: { next: schema } };
    expect(readMcpHeaders(schema).invalid).toMatch(/nests deeper than 64 levels/);
    let shallow: Record<string, unknown> = { type: 'string', 'x-mcp-header': 'Leaf' };
    for (let depth = 0; depth < 60; depth++) shallow = { type: 'object', properties: { next: shallow } };
    expect(readMcpHeaders(shallow).parameters?.[0]?.header).toBe('Leaf');
  });
});
