import { ProtocolError as JsonRpcError } from '@modelcontextprotocol/client';
import type { ProgressUpdate } from '@toolwright/core';
import type { Connection } from './connection.ts';

/** What every task generation takes from its connection unchanged: the server key, progress, loss, error answers. */
export abstract class ConnectionGeneration {
  protected readonly connection: Connection;

  constructor(connection: Connection) {
    this.connection = connection;
  }

  get serverKey(): string {
    return this.connection.serverKey;
  }
  /** The server's message when `error` is a JSON-RPC error answer. */
  serverErrorMessage(error: unknown): string | undefined {
    return error instanceof JsonRpcError ? error.message : undefined;
  }
  newProgressToken(): string {
    return this.connection.newProgressToken();
  }
  onProgress(token: string, listener: (update: ProgressUpdate) => void): () => void {
    return this.connection.onProgress(token, listener);
  }
  onLost(listener: (error: Error) => void): () => void {
    return this.connection.onLost(listener);
  }
}
