/** Small helpers on data and bytes for the sidecar store. */

/** Whether two byte arrays hold the same bytes; compares four bytes at a time where both are aligned for it. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const length = a.byteLength;
  if (length !== b.byteLength) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = length >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (let k = 0; k < words; k++) if (wa[k] !== wb[k]) return false;
    i = words * 4;
  }
  for (; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A deep copy of plain data (objects, arrays, strings, numbers, booleans,
 * null) such as the model, several times faster than structuredClone (each
 * object is copied by spreading, which V8 does in one step); anything else
 * inside is copied by structuredClone.
 */
export function copyData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = typeof item === 'object' && item !== null ? copyData(item) : item;
    }
    return out as T;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const item = out[key];
    if (typeof item !== 'object' || item === null || !Object.prototype.hasOwnProperty.call(out, key)) continue;
    // An own `__proto__` key is data here: assigning to it would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copyData(item), enumerable: true, writable: true, configurable: true });
    else out[key] = copyData(item);
  }
  return out as T;
}

/** The length of a text in UTF-8, as TextEncoder writes it (a lone surrogate becomes U+FFFD, three bytes). */
export function utf8Length(text: string): number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(text)) return text.length;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}
