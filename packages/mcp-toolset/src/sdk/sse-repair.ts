// Server-sent events (the WHATWG HTML "server-sent events" format) read as text, event by event, so
// that an event's data can be rewritten before the SDK's event parser sees it. Lines end at CRLF, LF
// or a lone CR; an event ends at a blank line; its data is its `data:` lines' values joined by LFs.

const LF = 10;
const CR = 13;

/**
 * A text decoder stream (with the encoding and options of `like`) for server-sent events that holds
 * back an incomplete event and hands on whole events, each with its data replaced by what `repair`
 * returns for it (undefined: the event as it came). Each piece is searched once as it arrives, and
 * each event once more when it is whole, however the chunks fall.
 *
 * An event parser that reads a CR at the end of its text waits to see whether an LF follows, so an
 * event whose blank line is a lone CR at the end of what was handed on would wait for the next
 * event, or for ever at the end of the stream. Such a CR is given its LF (a CRLF is the same line
 * end) as soon as it is known to be lone.
 */
export function repairingDecoder(
  like: TextDecoderStream,
  repair: (data: string) => string | undefined,
): TransformStream<Uint8Array, string> {
  const decoder = new TextDecoder(like.encoding, { fatal: like.fatal, ignoreBOM: like.ignoreBOM });
  const boundaries = new EventBoundaries();
  let held: string[] = [];
  /** The last text handed on ended with the CR of a blank line, and nothing has come after it yet. */
  let endedInCR = false;
  return new TransformStream<Uint8Array, string>({
    transform(chunk, controller) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length === 0) return;
      if (endedInCR && text.charCodeAt(0) !== LF) controller.enqueue('\n');
      endedInCR = false;
      const end = boundaries.lastEnd(text);
      if (end === -1) {
        held.push(text);
        return;
      }
      const whole = held.length === 0 ? text.slice(0, end) : held.join('') + text.slice(0, end);
      held = end < text.length ? [text.slice(end)] : [];
      const out = repairedEvents(whole, repair);
      if (out.charCodeAt(out.length - 1) !== CR) controller.enqueue(out);
      else if (end < text.length)
        controller.enqueue(`${out}\n`); // lone: an LF would have been in `whole`
      else {
        controller.enqueue(out);
        endedInCR = true;
      }
    },
    flush(controller) {
      const rest = held.join('') + decoder.decode();
      if (endedInCR) controller.enqueue('\n');
      if (rest.length > 0) controller.enqueue(rest);
    },
  });
}

/** Finds the line terminators of a string left to right with native searches, each result kept until passed. */
class Terminators {
  readonly #text: string;
  /** Where the next LF and CR are; -1 when there is none, -2 before the first search. */
  #lf = -2;
  #cr = -2;

  constructor(text: string) {
    this.#text = text;
  }

  /** The index of the first CR or LF at or after `from`, or -1 when there is none. */
  next(from: number): number {
    if (this.#lf !== -1 && this.#lf < from) this.#lf = this.#text.indexOf('\n', from);
    if (this.#cr !== -1 && this.#cr < from) this.#cr = this.#text.indexOf('\r', from);
    if (this.#lf === -1) return this.#cr;
    if (this.#cr === -1) return this.#lf;
    return Math.min(this.#lf, this.#cr);
  }
}

/** Finds where events end in text that arrives in pieces: just past a blank line. */
class EventBoundaries {
  /** The current line has a character that is not a terminator. */
  #lineHasText = false;
  /** The last character was a CR: an LF right after it is part of the same terminator. */
  #afterCR = false;
  /** That CR ended a blank line, so its LF belongs to the event's end, in this piece or the next. */
  #blankCR = false;

  /** The index in `piece` just past the last blank line it completes, or -1 when it completes none. */
  lastEnd(piece: string): number {
    const terminators = new Terminators(piece);
    let end = -1;
    for (let from = 0; from < piece.length; ) {
      const at = terminators.next(from);
      if (at !== from) {
        // Text before the next terminator, or to the end of the piece.
        this.#lineHasText = true;
        this.#afterCR = false;
        if (at === -1) break;
      }
      const isLF = piece.charCodeAt(at) === LF;
      if (isLF && this.#afterCR) {
        // The LF of a CRLF; a blank line's CRLF stays whole.
        if (this.#blankCR) end = at + 1;
      } else {
        const blank = !this.#lineHasText;
        if (blank) end = at + 1;
        this.#lineHasText = false;
        this.#blankCR = blank && !isLF;
      }
      this.#afterCR = !isLF;
      from = at + 1;
    }
    return end;
  }
}

/** The whole events `text` (it ends with a blank line), with the data of each that `repair` rewrites replaced. */
function repairedEvents(text: string, repair: (data: string) => string | undefined): string {
  let out = '';
  let passed = 0;
  let eventStart = 0;
  let data: string | undefined;
  const terminators = new Terminators(text);
  for (let lineStart = 0; lineStart < text.length; ) {
    const at = terminators.next(lineStart);
    const next = text.charCodeAt(at) === CR && text.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
    if (at === lineStart) {
      // A blank line: the event since eventStart ends.
      const repaired = data === undefined ? undefined : repair(data);
      if (repaired !== undefined) {
        out += text.slice(passed, eventStart) + rewrittenEvent(text.slice(eventStart, at), repaired);
        passed = at;
      }
      eventStart = next;
      data = undefined;
    } else if (text.startsWith('data:', lineStart)) {
      const value = text.slice(text.charCodeAt(lineStart + 5) === 32 ? lineStart + 6 : lineStart + 5, at);
      data = data === undefined ? value : `${data}\n${value}`;
    }
    lineStart = next;
  }
  return passed === 0 ? text : out + text.slice(passed);
}

/** The lines of an event (each ending in its terminator) with its data lines replaced by one carrying `data`. */
function rewrittenEvent(event: string, data: string): string {
  const kept = event.split(/\r\n|\r|\n/).filter((line) => line.length > 0 && !line.startsWith('data:'));
  return [...kept, `data: ${data}`, ''].join('\n');
}
