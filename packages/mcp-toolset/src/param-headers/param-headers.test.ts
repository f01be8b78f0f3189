import { describe, expect, it } from 'vitest';
import { readMcpHeaders } from './mcp-header.ts';
import { encodeHeaderValue, headerText, ParamHeaderMirror, paramHeaders } from './param-headers.ts';

/** What a server does with a header value before comparing it with the body (SEP-2243). */
function decode(value: string): string {
  const match = /^=\?base64\?(.*)\?=$/.exec(value);
  return match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : value;
}

describe('encodeHeaderValue', () => {
  it('encodes the examples of the specification as it gives them', () => {
    expect(encodeHeaderValue('us-west1')).toBe('us-west1');
    expect(encodeHeaderValue('Hello, 世界')).toBe('=?base64?SGVsbG8sIOS4lueVjA==?=');
    expect(encodeHeaderValue(' padded ')).toBe('=?base64?IHBhZGRlZCA=?=');
    expect(encodeHeaderValue('line1\nline2')).toBe('=?base64?bGluZTEKbGluZTI=?=');
    expect(encodeHeaderValue('=?base64?literal?=')).toBe('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
  });

  it('sends visible ASCII with inner spaces as it is', () => {
    for (const value of ['us west 1', 'SELECT * FROM users', 'a!#$%&\'*+-.^_`|~:;"(),/<=>?@[\\]{}z', '42', 'true'])
      expect(encodeHeaderValue(value)).toBe(value);
    // Only the exact sentinel shape is ambiguous: a value that merely starts or ends like it is not.
    expect(encodeHeaderValue('=?base64?open')).toBe('=?base64?open');
    expect(encodeHeaderValue('closed?=')).toBe('closed?=');
  });

  it('encodes every value that is not a safe plain header value, and each decodes back to the original', () => {
    const unsafe = [
      ' leading',
      'trailing ',
      '\tindented',
      'inner\ttab',
      'line1\r\nline2',
      'bell\u0007',
      'delete\u007f',
      'café',
      'emoji 🎉',
      'no-break\u00a0space',
      '',
      '=?base64??=',
    ];
    for (const value of unsafe) {
      const encoded = encodeHeaderValue(value);
      expect(encoded, JSON.stringify(value)).toMatch(/^=\?base64\?[A-Za-z0-9+/]*={0,2}\?=$/);
      expect(decode(encoded)).toBe(value);
    }
  });
});

describe('headerText', () => {
  it('converts strings, integers and booleans as the specification says', () => {
    expect(headerText('text')).toBe('text');
    expect(headerText(42)).toBe('42');
    expect(headerText(-7)).toBe('-7');
    expect(headerText(0)).toBe('0');
    expect(headerText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(headerText(true)).toBe('true');
    expect(headerText(false)).toBe('false');
  });

  it('mirrors nothing it cannot convert exactly: null, absent, fractions, unsafe integers, structures', () => {
    for (const value of [null, undefined, 3.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, {}, ['a']])
      expect(headerText(value)).toBeUndefined();
  });
});

describe('paramHeaders', () => {
  const parameters = readMcpHeaders({
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      priority: { type: 'integer', 'x-mcp-header': 'Priority' },
      verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' },
      method: { type: 'string', 'x-mcp-header': 'Method' },
      query: { type: 'string' },
      target: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
    },
  }).parameters;

  it('mirrors each designated parameter the arguments carry, at its path, encoded; nothing else', () => {
    expect(
      paramHeaders(parameters ?? [], {
        region: 'us-west1',
        priority: 42,
        verbose: false,
        method: 'test-method',
        query: 'SELECT 1',
        target: { zone: 'zone 1 ' },
      }),
    ).toEqual({
      'Mcp-Param-Region': 'us-west1',
      'Mcp-Param-Priority': '42',
      'Mcp-Param-Verbose': 'false',
      // A parameter named Method becomes Mcp-Param-Method, never the standard Mcp-Method.
      'Mcp-Param-Method': 'test-method',
      'Mcp-Param-Zone': '=?base64?em9uZSAxIA==?=',
    });
  });

  it('omits the header of a null or absent value, and of a path the arguments do not follow', () => {
    expect(paramHeaders(parameters ?? [], { region: 'eu', verbose: null, target: 'not an object' })).toEqual({
      'Mcp-Param-Region': 'eu',
    });
    expect(paramHeaders(parameters ?? [], undefined)).toEqual({});
  });
});

describe('ParamHeaderMirror.headersFor', () => {
  const mirror = new ParamHeaderMirror();
  mirror.useListing(new Map([['lookup', [{ path: ['region'], header: 'Region' }]]]));
  const call = (name: string, args: unknown) => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name, arguments: args },
  });

  it('gives a tools/call of a listed tool its headers, and nothing to anything else', () => {
    expect(mirror.headersFor(call('lookup', { region: 'us' }))).toEqual({ 'Mcp-Param-Region': 'us' });
    expect(mirror.headersFor(call('lookup', {}))).toBeUndefined();
    expect(mirror.headersFor(call('other', { region: 'us' }))).toBeUndefined();
    expect(mirror.headersFor({ jsonrpc: '2.0', id: 2, method: 'tasks/get', params: { taskId: 't' } })).toBeUndefined();
    expect(mirror.headersFor({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBeUndefined();
    expect(mirror.headersFor([call('lookup', { region: 'us' })])).toBeUndefined();
  });

  it('follows the latest listing', () => {
    const fresh = new ParamHeaderMirror();
    fresh.useListing(new Map([['lookup', [{ path: ['region'], header: 'Region' }]]]));
    fresh.useListing(new Map());
    expect(fresh.headersFor(call('lookup', { region: 'us' }))).toBeUndefined();
  });
});
