import { describe, expectTypeOf, it } from 'vitest';
import {
  createRunContext,
  functionTool,
  type JsonObject,
  type ToolArguments,
  type ToolDefinition,
  type Toolset,
} from './index.ts';

interface ResearchArguments {
  topic: string;
  depth?: number;
  sources: readonly string[];
}
type ResearchAlias = { topic: string; depth?: number };
class ResearchRequest {
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }
}

declare const toolset: Toolset;
declare const tool: ToolDefinition;
const ctx = createRunContext();

describe('ToolArguments', () => {
  it('accepts an interface, a type alias, a class instance, a record and JSON', () => {
    const fromInterface: ResearchArguments = { topic: 'tides', sources: [] };
    void toolset.callTool('research', fromInterface, ctx, tool);
    void toolset.callTool('research', { topic: 'tides' } satisfies ResearchAlias, ctx, tool);
    void toolset.callTool('research', new ResearchRequest('tides'), ctx, tool);
    void toolset.callTool('research', {} as Readonly<Record<string, unknown>>, ctx, tool);
    void toolset.callTool('research', {} as JsonObject, ctx, tool);
    void toolset.callTool('research', {}, ctx, tool);
    expectTypeOf<ResearchArguments>().toExtend<ToolArguments>();
    expectTypeOf<ResearchAlias>().toExtend<ToolArguments>();
    expectTypeOf<Record<string, unknown>>().toExtend<ToolArguments>();
  });

  it('rejects arrays and primitives', () => {
    // @ts-expect-error an array is not a set of named arguments
    void toolset.callTool('research', ['tides'], ctx, tool);
    // @ts-expect-error a string is not a set of named arguments
    void toolset.callTool('research', 'tides', ctx, tool);
    // @ts-expect-error null is not a set of named arguments
    void toolset.callTool('research', null, ctx, tool);
    expectTypeOf<string[]>().not.toExtend<ToolArguments>();
    expectTypeOf<number>().not.toExtend<ToolArguments>();
  });

  it('lets an implementation read and spread what it was given', () => {
    functionTool({
      name: 'research',
      description: 'Researches a topic.',
      inputSchema: { type: 'object' },
      execute: (args) => {
        const { topic, ...rest } = args;
        expectTypeOf(rest).toExtend<ToolArguments>();
        return String(topic);
      },
    });
  });
});
