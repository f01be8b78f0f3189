import { describe, expect, it } from 'vitest';
import { UserError } from './errors.ts';
import { toolDefinition, withToolName } from './tool-definition.ts';

describe('tool definitions', () => {
  it('survive JSON.stringify and JSON.parse unchanged, with and without optional fields', () => {
    const full = toolDefinition({
      name: 'forecast',
      description: 'Weather forecast',
      inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      outputSchema: { type: 'object' },
      metadata: { task: true, annotations: { readOnlyHint: true }, tags: ['weather'] },
    });
    const bare = toolDefinition({ name: 'ping' });
    for (const definition of [full, bare]) expect(JSON.parse(JSON.stringify(definition))).toEqual(definition);
    expect(bare).toEqual({ name: 'ping', inputSchema: { type: 'object', properties: {} }, metadata: {} });
    expect(Object.keys(bare)).not.toContain('description');
  });

  it('refuse metadata that is not JSON, naming the tool and the path', () => {
    expect(() => toolDefinition({ name: 'clock', metadata: { since: new Date() } })).toThrow(UserError);
    expect(() => toolDefinition({ name: 'clock', metadata: { since: new Date() } })).toThrow(
      /Tool 'clock': metadata\.since is an instance of Date/,
    );
    expect(() => toolDefinition({ name: 'clock', metadata: [1] })).toThrow(/metadata must be a JSON object/);
    expect(() => toolDefinition({ name: '' })).toThrow(/non-empty string name/);
  });

  it('copy their input, so later changes to it do not leak in', () => {
    const metadata = { tags: ['a'] };
    const definition = toolDefinition({ name: 'x', metadata });
    metadata.tags.push('b');
    expect(definition.metadata).toEqual({ tags: ['a'] });
  });

  it('rename keeping everything else', () => {
    const definition = toolDefinition({ name: 'a', metadata: { task: true } });
    expect(withToolName(definition, 'b')).toEqual({ ...definition, name: 'b' });
    expect(withToolName(definition, 'a')).toBe(definition);
  });
});
