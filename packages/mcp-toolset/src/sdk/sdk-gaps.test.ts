// What SDK 2.x cannot carry for tasks yet, each with the workaround this package keeps for it. Each test
// here passes while the gap exists and fails once the SDK handles the case itself: then remove the
// workaround it names.
import { Client, SdkError, SdkErrorCode, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  startInMemoryFixture,
  startInMemoryTasksExtensionFixture,
  tasksExtensionStdioFixture,
} from '@toolwright/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { withoutResultType } from '../test-support/test-2026-servers.ts';

describe('SDK 2.x gaps the toolset works around', () => {
  it("client.callTool cannot return a 2025-11-25 CreateTaskResult (workaround: Tasks20251125.callTool sends tools/call through Connection.request's pass-through schema)", async () => {
    await using fixture = await startInMemoryFixture({ record: false });
    const client = new Client({ name: 'gap-test', version: '1.0.0' });
    await client.connect(fixture.clientTransport);
    try {
      const params = { name: 'slow_task', arguments: { value: 'x', delayMs: 1 }, task: {} };
      const outcome = await client.callTool(params as Parameters<Client['callTool']>[0]).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      // Today the SDK's result check rejects the CreateTaskResult (after the server created the task).
      expect('error' in outcome).toBe(true);
      const error = (outcome as { error: unknown }).error;
      expect(error instanceof SdkError && error.code).toBe(SdkErrorCode.InvalidResult);
    } finally {
      await client.close();
    }
  });

  it('a 2026-07-28 result without resultType is rejected, not taken as complete (workaround: completeByDefault adds it)', async () => {
    const server = await withoutResultType();
    const client = new Client({ name: 'gap-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(server.transport());
    try {
      const error = await client
        .request({ method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } }, z.unknown())
        .catch((caught: unknown) => caught);
      expect(server.stripped()).toBe(1);
      expect(error instanceof SdkError && error.code).toBe(SdkErrorCode.InvalidResult);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a 2026-07-28 tools/call answered with a task is refused by every SDK path, and the task is lost (workaround: sdk-bypass.ts RawRequests)', async () => {
    await using fixture = await startInMemoryTasksExtensionFixture();
    const client = new Client(
      { name: 'gap-test', version: '1.0.0' },
      {
        capabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } },
        versionNegotiation: { mode: { pin: '2026-07-28' } },
      },
    );
    await client.connect(new StreamableHTTPClientTransport(fixture.url, { fetch: fixture.fetch }));
    try {
      const error = await client
        .request({ method: 'tools/call', params: { name: 'slow_task', arguments: { delayMs: 10 } } }, z.unknown())
        .catch((caught: unknown) => caught);
      expect(error instanceof SdkError && error.code).toBe(SdkErrorCode.UnsupportedResultType);
      // The server created the task all the same: the client cannot know its id.
      expect((await fixture.inspector.calls())[0]).toMatchObject({ answer: 'task' });
    } finally {
      await client.close();
    }
  });
  it("negotiating on the SDK's own StdioClientTransport asks server/discover on a second process, and starts the session's only afterwards (workaround: negotiation.ts probes in place)", async () => {
    await using fixture = tasksExtensionStdioFixture();
    const client = new Client({ name: 'gap-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    const transport = new StdioClientTransport({ command: fixture.command, args: fixture.args, stderr: 'ignore' });
    await client.connect(transport);
    try {
      await client.listTools();
      const starts = await fixture.starts();
      expect(starts).toHaveLength(2);
      // The probe reached the first process before the session's process even started; that one served the listing.
      expect(starts[1]?.pid).toBe(transport.pid);
      const probed = (await fixture.inspector.received('server/discover'))[0]?.at ?? Number.POSITIVE_INFINITY;
      const listed = (await fixture.inspector.received('tools/list'))[0]?.at ?? 0;
      expect(probed).toBeLessThan(starts[1]?.at ?? 0);
      expect(listed).toBeGreaterThan(starts[1]?.at ?? Number.POSITIVE_INFINITY);
    } finally {
      await client.close();
    }
  });
});
