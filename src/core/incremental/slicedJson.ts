/**
 * JSON parsed a slice at a time, so that a large result (the extraction of a 1 MB article is
 * about 1.5 MB of JSON) never holds the editor's thread for long: JSON.parse of the whole text
 * is one long task, this is many short ones.
 *
 * It works for any JSON, and slices finely where the text is an object whose members are arrays
 * (an extraction: speakers, claims, stances): the elements of those arrays are found by one scan
 * of the text (strings and nesting followed), then parsed a few at a time. Any other value is
 * parsed in one go. Invalid JSON throws, as JSON.parse does.
 */

export class SlicedJsonParser<T = unknown> {
  private text = '';
  private readonly bytes: Uint8Array | undefined;
  private decoded = 0;
  private pieces: string[] = [];
  private readonly decoder = new TextDecoder();
  private phase: 'decode' | 'scan' | 'parse' | 'done' = 'decode';
  /** Not an object: parsed in one go. */
  private whole = false;
  /** Scan: where it is, and whether inside an array member (at its elements). */
  private at = -1;
  private inArray = false;
  private readonly members: Array<{ key: string; start: number; end: number; elements?: Array<[number, number]> }> = [];
  private parsedMembers = 0;
  private parsedElements = 0;
  private readonly result: Record<string, unknown> = {};
  private value: T | undefined;

  constructor(json: string | Uint8Array) {
    if (typeof json === 'string') {
      this.text = json;
      this.phase = 'scan';
    } else {
      this.bytes = json;
    }
  }

  /** Does about `units` of work (characters decoded or scanned, or a hundredth as many values parsed); true when the value is ready. */
  step(units = 200_000): boolean {
    switch (this.phase) {
      case 'decode': {
        // In pieces, joined once: appending piece by piece would make a rope that every read of a
        // character below would have to flatten first.
        const bytes = this.bytes!;
        const end = Math.min(bytes.length, this.decoded + units);
        this.pieces.push(this.decoder.decode(bytes.subarray(this.decoded, end), { stream: end < bytes.length }));
        this.decoded = end;
        if (end >= bytes.length) {
          this.text = this.pieces.join('');
          this.pieces = [];
          this.phase = 'scan';
        }
        return false;
      }
      case 'scan':
        if (this.scan(units)) this.phase = 'parse';
        return false;
      case 'parse':
        if (this.parse(Math.max(1, Math.floor(units / 100)))) this.phase = 'done';
        return this.phase === 'done';
      case 'done':
        return true;
    }
  }

  /** The parsed value (finishing the work now if needed). */
  get(): T {
    while (!this.step(Infinity)) { /* the rest at once */ }
    return this.value!;
  }

  /** Finds the top-level members and, for arrays, the text of each element, one element at a time. True when done. */
  private scan(units: number): boolean {
    const text = this.text;
    if (this.at < 0) {
      const first = skipSpace(text, 0);
      if (text[first] !== '{') {
        this.whole = true;
        return true;
      }
      this.at = first + 1;
    }
    const stop = Math.min(text.length, this.at + units);
    while (this.at < stop) {
      let i = skipSpace(text, this.at);
      if (this.inArray) {
        const elements = this.members[this.members.length - 1]!.elements!;
        if (text[i] === ',' && elements.length > 0) i = skipSpace(text, i + 1);
        else if (text[i] === ']') {
          this.members[this.members.length - 1]!.end = i + 1;
          this.inArray = false;
          this.at = i + 1;
          continue;
        }
        const end = skipValue(text, i);
        if (end === i) throw new SyntaxError(`Unexpected token in JSON at position ${i}`);
        elements.push([i, end]);
        this.at = end;
        continue;
      }
      if (text[i] === '}') return true;
      if (text[i] === ',' && this.members.length > 0) i = skipSpace(text, i + 1);
      if (text[i] !== '"') throw new SyntaxError(`Unexpected token in JSON at position ${i}`);
      const keyEnd = skipString(text, i);
      const key = JSON.parse(text.slice(i, keyEnd)) as string;
      i = skipSpace(text, keyEnd);
      if (text[i] !== ':') throw new SyntaxError(`Unexpected token in JSON at position ${i}`);
      i = skipSpace(text, i + 1);
      if (text[i] === '[') {
        this.members.push({ key, start: i, end: i, elements: [] });
        this.inArray = true;
        this.at = i + 1;
      } else {
        const end = skipValue(text, i);
        this.members.push({ key, start: i, end });
        this.at = end;
      }
    }
    if (this.at >= text.length) throw new SyntaxError('Unexpected end of JSON input');
    return false;
  }

  private parse(count: number): boolean {
    const text = this.text;
    if (this.whole) {
      this.value = JSON.parse(text) as T;
      return true;
    }
    let left = count;
    while (this.parsedMembers < this.members.length && left > 0) {
      const member = this.members[this.parsedMembers]!;
      if (!member.elements) {
        own(this.result, member.key, JSON.parse(text.slice(member.start, member.end)));
        this.parsedMembers++;
        left--;
        continue;
      }
      if (this.parsedElements === 0) own(this.result, member.key, []);
      const list = this.result[member.key] as unknown[];
      while (this.parsedElements < member.elements.length && left > 0) {
        const [s, e] = member.elements[this.parsedElements++]!;
        list.push(JSON.parse(text.slice(s, e)));
        left--;
      }
      if (this.parsedElements === member.elements.length) {
        this.parsedMembers++;
        this.parsedElements = 0;
      }
    }
    if (this.parsedMembers < this.members.length) return false;
    this.value = this.result as T;
    return true;
  }
}

/** Sets an own property, as JSON.parse does (even one named "__proto__"). */
function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** The end of the string starting at `i` (a quote). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  throw new SyntaxError('Unterminated string in JSON');
}

/** The end of the value starting at `i` (nesting and strings followed; the value itself is checked when parsed). */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) { j = skipString(text, j) - 1; if (depth === 0) return j + 1; continue; }
    if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) return j;
      depth--;
      if (depth === 0) return j + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) return j;
  }
  if (depth === 0) return text.length;
  throw new SyntaxError('Unexpected end of JSON input');
}
