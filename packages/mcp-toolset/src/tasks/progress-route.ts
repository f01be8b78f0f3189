import type { ProgressUpdate } from '@toolwright/core';
import type { TaskGeneration } from './task-generation.ts';

/**
 * The progress of one request, from before it is sent: updates that arrive before anybody
 * subscribed (a server may report progress before its CreateTaskResult arrives) are kept and
 * handed to the first subscriber.
 */
export class ProgressRoute {
  readonly token: string;
  readonly #stop: () => void;
  #buffer: ProgressUpdate[] = [];
  #listener: ((update: ProgressUpdate) => void) | undefined;

  constructor(generation: TaskGeneration) {
    this.token = generation.newProgressToken();
    this.#stop = generation.onProgress(this.token, (update) => {
      if (this.#listener) this.#listener(update);
      else this.#buffer.push(update);
    });
  }

  /** Sends every update, buffered ones first, to `listener`. Returns a function that ends the route. */
  subscribe(listener: (update: ProgressUpdate) => void): () => void {
    this.#listener = listener;
    for (const update of this.#buffer.splice(0)) listener(update);
    return () => this.close();
  }

  /** Stops routing this token. */
  close(): void {
    this.#listener = undefined;
    this.#buffer = [];
    this.#stop();
  }
}
