import { describe, expect, it } from 'vitest';
import { invalidMcpHeader } from './mcp-header.ts';

const tool = (properties: Record<string, unknown>) => ({ type: 'object', properties });

describe('invalidMcpHeader', () => {
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
});
