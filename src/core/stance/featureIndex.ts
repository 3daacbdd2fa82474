/**
 * Feature name → model row, built straight over the model's newline-joined
 * names (directedModel.json) without splitting them.
 *
 * The model has some 24,000 features. Splitting the names into strings and
 * filing them in a Map is most of what loading the model used to cost in a
 * fresh process (the allocation, the hashing of every string, and the garbage
 * collections that follow), and every look-up then wanted its name built as a
 * string first ("b:" + stem, "bb:" + stem + "_" + stem). Here the names stay
 * one string: a table of (row, hash) pairs is filled by hashing each name in
 * place, and a name is looked up from its parts, compared in place as well.
 *
 * Two-word features (<prefix><word>_<word>, such as bb:prais_for) are asked
 * for by the hundred thousand over a corpus, mostly for pairs the model lacks:
 * once a batch is under way they are also filed under their two words' hashes
 * (`hashOf`), which a caller keeps per word, so that such a look-up hashes no
 * characters at all.
 */
export class FeatureIndex {
  /** Number of features (rows). */
  readonly size: number;
  /** Name r runs over names[starts[r], starts[r + 1] - 1) (the newline after it excluded). */
  private readonly starts: Int32Array;
  /**
   * Open addressing, two numbers per slot: row + 1 (0 = empty) and the name's hash, which turns
   * away most other names without touching their characters. At most half full.
   */
  private readonly slots: Int32Array;
  /** The prefixes of two-word features, and those features' table: (row + 1, key) pairs as in `slots`. */
  private readonly pairPrefixes: readonly string[];
  private pairSlots: Int32Array | undefined;
  /**
   * Bit k is set when some filed pair key has k as its low PAIR_FILTER_BITS bits. Most two-word
   * look-ups are for pairs the model lacks; this table, unlike pairSlots, is small enough to stay
   * in the processor's cache, and turns most of those away without a probe of pairSlots (a cache
   * miss, mostly).
   */
  private pairFilter: Int32Array | undefined;
  /** Two-word look-ups answered before pairSlots was filed. */
  private pairLookups = 0;

  /**
   * @param names the feature names joined by newlines ('' for none), in row order
   * @param pairPrefixes prefixes of the two-word features to file for `pairRow`
   */
  constructor(private readonly names: string, pairPrefixes: readonly string[] = []) {
    let size = 0;
    if (names !== '') {
      size = 1;
      for (let at = names.indexOf('\n'); at >= 0; at = names.indexOf('\n', at + 1)) size++;
    }
    this.size = size;
    const starts = (this.starts = new Int32Array(size + 1));
    let slotCount = 16;
    while (slotCount < size * 2) slotCount *= 2;
    const slots = (this.slots = new Int32Array(2 * slotCount));
    const mask = slotCount - 1;
    let start = 0;
    for (let row = 0; row < size; row++) {
      starts[row] = start;
      let hash = FNV_OFFSET;
      let end = start;
      for (; end < names.length; end++) {
        const c = names.charCodeAt(end);
        if (c === 10) break;
        hash = Math.imul(hash ^ c, FNV_PRIME);
      }
      let at = hash & mask;
      for (; slots[2 * at] !== 0; at = (at + 1) & mask) {
        // A name stored twice: the later row wins, as it would in a Map filled in row order.
        if (slots[2 * at + 1] === hash && this.nameEquals(slots[2 * at] - 1, start, end)) break;
      }
      slots[2 * at] = row + 1;
      slots[2 * at + 1] = hash;
      start = end + 1;
    }
    starts[size] = start;
    this.pairPrefixes = pairPrefixes;
  }

  /**
   * Files every <prefix><first>_<second> name under pairKey(prefix number, hashOf(first),
   * hashOf(second)); a name with several underscores under each way of splitting it, since only
   * the look-up knows where its first word ends. Fills pairFilter on the way.
   */
  private filePairs(): Int32Array {
    const { names, starts, pairPrefixes } = this;
    const keys: number[] = [];
    const rows: number[] = [];
    for (let row = 0; row < this.size; row++) {
      const start = starts[row];
      const end = starts[row + 1] - 1;
      for (let p = 0; p < pairPrefixes.length; p++) {
        const prefix = pairPrefixes[p];
        if (names.charCodeAt(start) !== prefix.charCodeAt(0) || !names.startsWith(prefix, start)) continue;
        let first = FNV_OFFSET;
        for (let at = start + prefix.length; at < end; at++) {
          const c = names.charCodeAt(at);
          if (c === 95) {
            let second = FNV_OFFSET;
            for (let k = at + 1; k < end; k++) second = Math.imul(second ^ names.charCodeAt(k), FNV_PRIME);
            keys.push(pairKey(p, first, second));
            rows.push(row);
          }
          first = Math.imul(first ^ c, FNV_PRIME);
        }
      }
    }
    const filter = (this.pairFilter = new Int32Array(1 << (PAIR_FILTER_BITS - 5)));
    for (const key of keys) filter[(key & PAIR_FILTER_MASK) >>> 5] |= 1 << (key & 31);
    let slotCount = 16;
    while (slotCount < keys.length * 2) slotCount *= 2;
    const slots = new Int32Array(2 * slotCount);
    const mask = slotCount - 1;
    for (let k = 0; k < keys.length; k++) {
      let at = keys[k] & mask;
      for (; slots[2 * at] !== 0; at = (at + 1) & mask) {
        // A name stored twice: the later row wins, as in `row`.
        if (slots[2 * at + 1] === keys[k] && this.sameName(slots[2 * at] - 1, rows[k])) break;
      }
      slots[2 * at] = rows[k] + 1;
      slots[2 * at + 1] = keys[k];
    }
    return slots;
  }

  /**
   * The row of the two-word feature pairPrefixes[prefix] + first + '_' + second, or -1 when the
   * model has none; `firstHash` and `secondHash` are hashOf(first) and hashOf(second).
   */
  pairRow(prefix: number, first: string, firstHash: number, second: string, secondHash: number): number {
    const head = this.pairPrefixes[prefix];
    if (this.pairSlots === undefined) {
      // Filing the pairs costs more than a fresh process spends on one document's look-ups: it is
      // done once a batch is under way.
      if (++this.pairLookups <= PAIR_LOOKUPS_BEFORE_FILING) return this.row(head, first, '_', second);
      this.pairSlots = this.filePairs();
    }
    const key = pairKey(prefix, firstHash, secondHash);
    if ((this.pairFilter![(key & PAIR_FILTER_MASK) >>> 5] & (1 << (key & 31))) === 0) return -1;
    const { pairSlots: slots, starts, names } = this;
    const length = head.length + first.length + 1 + second.length;
    const mask = (slots.length >> 1) - 1;
    for (let at = key & mask; ; at = (at + 1) & mask) {
      const entry = slots[2 * at];
      if (entry === 0) return -1;
      if (slots[2 * at + 1] !== key) continue;
      const row = entry - 1;
      const from = starts[row];
      if (starts[row + 1] - 1 - from !== length) continue;
      if (names.startsWith(head, from) && names.startsWith(first, from + head.length) && names.charCodeAt(from + head.length + first.length) === 95 &&
        names.startsWith(second, from + head.length + first.length + 1)) return row;
    }
  }

  /**
   * The row of the feature named `a + b + c + d`, or -1 when the model has none. The name comes
   * in parts so that callers need not build it ("bb:", stem, "_", next stem).
   */
  row(a: string, b = '', c = '', d = ''): number {
    const hash = hashText(hashText(hashText(hashText(FNV_OFFSET, a), b), c), d);
    const length = a.length + b.length + c.length + d.length;
    const { slots, starts, names } = this;
    const mask = (slots.length >> 1) - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = slots[2 * at];
      if (entry === 0) return -1;
      if (slots[2 * at + 1] !== hash) continue;
      const row = entry - 1;
      let from = starts[row];
      if (starts[row + 1] - 1 - from !== length) continue;
      if (!names.startsWith(a, from)) continue;
      from += a.length;
      if (!names.startsWith(b, from)) continue;
      from += b.length;
      if (!names.startsWith(c, from)) continue;
      if (names.startsWith(d, from + c.length)) return row;
    }
  }

  /** The name of row r. */
  name(row: number): string {
    return this.names.slice(this.starts[row], this.starts[row + 1] - 1);
  }

  /** Whether rows r and s have the same name. */
  private sameName(r: number, s: number): boolean {
    return this.nameEquals(r, this.starts[s], this.starts[s + 1] - 1);
  }

  /** Whether the name of `row` equals names[start, end). */
  private nameEquals(row: number, start: number, end: number): boolean {
    const from = this.starts[row];
    const length = end - start;
    // (Also used while starts is being filled, so the name's end is found by its newline.)
    const to = this.names.indexOf('\n', from);
    if ((to < 0 ? this.names.length : to) - from !== length) return false;
    for (let k = 0; k < length; k++) if (this.names.charCodeAt(from + k) !== this.names.charCodeAt(start + k)) return false;
    return true;
  }
}

/** Two-word look-ups answered by `row` before pairRow files the pairs (a news article asks for a few thousand). */
export const PAIR_LOOKUPS_BEFORE_FILING = 20_000;

/** Bits of a pair key that pairFilter tells apart: 2^17 bits (16 kB), over ten times the model's two-word features. */
const PAIR_FILTER_BITS = 17;
const PAIR_FILTER_MASK = (1 << PAIR_FILTER_BITS) - 1;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** The hash of a word that `pairRow` takes. */
export function hashOf(word: string): number {
  return hashText(FNV_OFFSET, word);
}

/** One number from a two-word feature's prefix number and the hashes of its words. */
function pairKey(prefix: number, firstHash: number, secondHash: number): number {
  return Math.imul(firstHash ^ prefix, 0x9e3779b1) ^ secondHash;
}

/** FNV-1a over the UTF-16 code units of `s`, continuing from `hash`. */
function hashText(hash: number, s: string): number {
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), FNV_PRIME);
  return hash;
}
