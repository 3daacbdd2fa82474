/**
 * A cheap first test before looking a word up in a word list, for lists that most words of a text are
 * not in. A word's shape is its length and its first and last characters, 5 bits each; a word whose
 * shape no listed word has is not listed. Testing the shape is one array read, while a Map or Set
 * lookup that misses still compares the word with the listed words of its hash bucket, scattered
 * over the heap. (For the cue lexicon, one word of a news text in six has a listed shape, one in
 * thirty is listed.)
 */
export class WordShapes {
  private readonly listed = new Uint8Array(1 << 15);

  constructor(words: Iterable<string>) {
    for (const w of words) this.listed[shapeOf(w)] = 1;
  }

  /** False when `w` is certainly not one of the words; true when it may be. */
  mayInclude(w: string): boolean {
    return this.listed[shapeOf(w)] === 1;
  }
}

function shapeOf(w: string): number {
  return ((w.length & 31) << 10) | ((w.charCodeAt(0) & 31) << 5) | (w.charCodeAt(w.length - 1) & 31);
}
