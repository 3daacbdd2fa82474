/**
 * A table of lower-cased words and what a caller knows about each, looked up
 * straight from a stretch of a text.
 *
 * The directed classifier looks up every token of the sentences it prepares
 * among all the words it has met (directedSentence.ts). Doing that as
 * `map.get(text.slice(s, e).toLowerCase())` allocates two strings per token and
 * hashes the second; here an ASCII word (nearly all of news text) is hashed and
 * compared in place, lower-casing on the fly, and only a word never seen before
 * is sliced. Other words take the plain path, so the result is always that of
 * `describe(text.slice(s, e).toLowerCase())`, computed once per distinct word.
 *
 * (The extraction tokenisers keep slice-and-lower-case: their lexicons are small
 * enough to stay in the processor's cache, where a table of every word met is not.)
 *
 * Each word may also carry a small number, its tag (`tagOf` its info), kept in an
 * array of its own: a caller that needs one fact about every token of a text
 * (say, whether the word can matter at all) reads it there, without touching
 * each word's info object, which for a rare word is a cache miss.
 */
export class WordTable<Info> {
  /**
   * Open addressing, two numbers per slot: entry index + 1 (0 = empty) and the word's hash, which
   * turns away most other words without touching their strings.
   */
  private slots = new Int32Array(2 << 12);
  private readonly words: string[] = [];
  private readonly infos: Info[] = [];
  /** tags[e] is tagOf(infos[e]). */
  private readonly tags: number[] = [];

  /**
   * @param describe what the caller keeps about a word (given lower-cased)
   * @param limit entries kept before the table starts afresh: news vocabulary is large, memory is not
   * @param tagOf the small integer (see `tag`) kept beside a word's info; 0 for every word by default
   */
  constructor(private readonly describe: (lower: string) => Info, private readonly limit = 100_000, private readonly tagOf: (info: Info) => number = () => 0) {}

  /** The info of `text.slice(start, end).toLowerCase()`. */
  get(text: string, start: number, end: number): Info {
    return this.infos[this.entry(text, start, end)];
  }

  /**
   * The entry number of `text.slice(start, end).toLowerCase()`, filed now if new: the key to `info`
   * and `tag`, to be used at once (filing a later word may start the table afresh).
   */
  entry(text: string, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      else if (c > 127) return this.entryOfLower(text.slice(start, end).toLowerCase());
      hash = Math.imul(hash ^ c, FNV_PRIME);
    }
    const length = end - start;
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = slots[2 * at] - 1;
      if (entry < 0) return this.add(text.slice(start, end).toLowerCase(), hash, at);
      if (slots[2 * at + 1] !== hash) continue;
      const word = this.words[entry];
      if (word.length !== length) continue;
      let k = 0;
      while (k < length) {
        let c = text.charCodeAt(start + k);
        if (c >= 65 && c <= 90) c += 32;
        if (word.charCodeAt(k) !== c) break;
        k++;
      }
      if (k === length) return entry;
    }
  }

  /** The info of entry `entry` (see `entry`). */
  info(entry: number): Info {
    return this.infos[entry];
  }

  /** The tag of entry `entry` (see `entry`): tagOf its info, read without touching the info. */
  tag(entry: number): number {
    return this.tags[entry];
  }

  /** The info of a word that is already lower-cased. */
  getLower(lower: string): Info {
    return this.infos[this.entryOfLower(lower)];
  }

  /** The entry of a word that is already lower-cased, filed now if new. */
  private entryOfLower(lower: string): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const hash = hashOf(lower);
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = slots[2 * at] - 1;
      if (entry < 0) return this.add(lower, hash, at);
      if (slots[2 * at + 1] === hash && this.words[entry] === lower) return entry;
    }
  }

  /** Files a new word in the empty slot its probe ended on, giving its entry (`describe` must not use this table). */
  private add(lower: string, hash: number, slot: number): number {
    if (this.words.length >= this.limit) {
      this.words.length = 0;
      this.infos.length = 0;
      this.tags.length = 0;
      this.slots.fill(0);
      return this.entryOfLower(lower);
    }
    const info = this.describe(lower);
    this.words.push(lower);
    this.infos.push(info);
    this.tags.push(this.tagOf(info));
    this.slots[2 * slot] = this.words.length;
    this.slots[2 * slot + 1] = hash;
    // At most half full, so that probes stay short.
    const slotCount = this.slots.length >> 1;
    if (this.words.length * 2 > slotCount) this.rehash(slotCount * 2);
    return this.words.length - 1;
  }

  private rehash(slotCount: number): void {
    const slots = new Int32Array(2 * slotCount);
    const mask = slotCount - 1;
    for (let at = 0; at < this.slots.length; at += 2) {
      const entry = this.slots[at];
      if (entry === 0) continue;
      const hash = this.slots[at + 1];
      let to = hash & mask;
      while (slots[2 * to] !== 0) to = (to + 1) & mask;
      slots[2 * to] = entry;
      slots[2 * to + 1] = hash;
    }
    this.slots = slots;
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units: the same hash `get` computes on the fly. */
function hashOf(s: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), FNV_PRIME);
  return hash;
}
