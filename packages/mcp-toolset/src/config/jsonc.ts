/**
 * JSON with comments, as editors write their settings (VS Code's `mcp.json` is JSONC): `//` and
 * `/* *\/` comments and trailing commas are removed, strings are left as they are, then the text is
 * parsed as JSON. A syntax error is reported by `JSON.parse`, with the position in the stripped text.
 */
export function parseJsonc(text: string): unknown {
  return JSON.parse(stripJsonc(text));
}

/** The text without comments and trailing commas; everything else, line breaks included, is kept. */
export function stripJsonc(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"') {
      const end = stringEnd(text, index);
      out += text.slice(index, end);
      index = end;
    } else if (char === '/' && text[index + 1] === '/') {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      const stop = end === -1 ? text.length : end + 2;
      // Keep the line breaks of a block comment, so JSON.parse's positions still point at the right line.
      out += text.slice(index, stop).replace(/[^\n]/g, ' ');
      index = stop;
    } else if (char === ',' && isTrailingComma(text, index + 1)) {
      index++;
    } else {
      out += char;
      index++;
    }
  }
  return out;
}

/** The index just past the string that starts at `start` (a double quote), escapes included. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === '"') return index + 1;
    else index++;
  }
  return text.length;
}

/** Whether only blanks and comments stand between `from` and a closing bracket or brace. */
function isTrailingComma(text: string, from: number): boolean {
  let index = from;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) index++;
    else if (char === '/' && text[index + 1] === '/') {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 2;
    } else return char === '}' || char === ']';
  }
  return false;
}
