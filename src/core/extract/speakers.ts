/**
 * Speakers in English news text: people ("French President Emmanuel Macron",
 * "Mr. Obama"), organisations ("the Kremlin", "Russian Foreign Ministry"),
 * groups ("European leaders", "Democrats") and anonymous sources ("a senior
 * administration official", "two diplomats"); their clustering within one
 * document; and which speaker each attribution's source refers to, pronouns
 * included.
 *
 * Everything is a linear pass over a hand-written tokenisation with the small
 * word lists of speakerLexicon.ts: no model, nothing downloaded.
 *
 * What is listed as a speaker of a document (a choice a fact-checker sees):
 * every person and organisation mentioned, whether or not they are quoted; a
 * group, an anonymous source, a country or city ("Kyiv accused…"), or an
 * unresolved description ("the prime minister") only when it is the source of
 * at least one claim, because the text mentions many of those in passing.
 *
 * Offsets here are UTF-16 indices (the extractor converts to code points).
 */
import type { SpeakerKind } from '../sidecar/model';
import { COPIED_SLICE_LENGTH, type Attribution, type AttributionSpan, type LowerCasedToken } from './attribution';
import {
  ABBREVIATIONS, ANON_DETERMINERS, ANON_HEADS, ANON_NEEDS_QUALIFIER, ANON_QUALIFIERS, CALENDAR,
  DEMONYM_GROUPS, DESCRIPTION_MODIFIERS, FEMALE_FIRST_NAMES, FEMALE_ROLES, GROUP_DETERMINERS, GROUP_HEADS,
  HONORIFICS, MALE_FIRST_NAMES, MALE_ROLES, NATIONALITIES, NEVER_NAME, ORDINALS, ORG_HEADS, ORG_NAMES,
  ORG_PHRASES, PLACE_HEADS, PLACE_PHRASES, PLACES, RANKS, ROLE_PARTS, SENTENCE_FUNCTION_WORDS, TITLES,
} from './speakerLexicon';

export interface SpeakerCluster {
  id: string;
  name: string;
  kind: SpeakerKind;
  role: string | null;
  aliases: string[];
  /** UTF-16 spans, sorted. */
  mentions: AttributionSpan[];
}

export interface SpeakerAnalysis {
  speakers: SpeakerCluster[];
  /** For each attribution (same order as given): index into `speakers`, or null when unknown. */
  claimSpeakers: (number | null)[];
}

type Gender = '' | 'm' | 'f';

// ------------------------------------------------------------------ tokens

interface Tok {
  s: number;
  e: number;
  /** Lower-cased text ('' for punctuation is never used: punctuation keeps its character). */
  w: string;
  word: boolean;
  cap: boolean;
  /** First word of a sentence (after . ! ? or a line break). */
  sent: boolean;
  /** Followed by a possessive 's (not part of the token). */
  poss: boolean;
  /** Paragraph number (line breaks seen before the token). */
  para: number;
  /** The word's lexicon memberships (WORD_FLAGS; 0 for punctuation). */
  f: number;
}

function isLetterOrDigit(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  if (c < 0xc0 || c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false; // punctuation, symbols, arrows
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return true;
}

function isUpper(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c >= 65 && c <= 90;
  const ch = text[i];
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

/**
 * `text.slice(s, e).toLowerCase()`, without the toLowerCase call when the slice is lower-case ASCII already
 * (most words): in two-byte text (any curly quote makes one) V8 lower-cases on a slow path.
 */
function lowerCaseSlice(text: string, s: number, e: number): string {
  if (e - s >= COPIED_SLICE_LENGTH) return text.slice(s, e).toLowerCase();
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && (c <= 90 || c >= 128)) return text.slice(s, e).toLowerCase();
  }
  return text.slice(s, e);
}

/**
 * `known`: tokens of the same text from findAttributions, in text order; a word spanning exactly the
 * same characters takes its lower-cased text from there rather than lower-casing it again.
 */
function tokenize(text: string, known: readonly LowerCasedToken[]): Tok[] {
  const toks: Tok[] = [];
  const n = text.length;
  let next = 0;
  let para = 0;
  let sentenceStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 0x2029) { para++; sentenceStart = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 12 || c === 0x2028) { i++; continue; }
    if (!isLetterOrDigit(c)) {
      toks.push({ s: i, e: i + 1, w: text[i], word: false, cap: false, sent: false, poss: false, para, f: 0 });
      if (c === 46 || c === 33 || c === 63 || c === 58) sentenceStart = true;
      i++;
      continue;
    }
    const s = i;
    let poss = false;
    let dotted = false;
    i++;
    for (;;) {
      while (i < n && isLetterOrDigit(text.charCodeAt(i))) i++;
      const d = text.charCodeAt(i);
      if ((d === 39 || d === 0x2019) && i + 1 < n && isLetterOrDigit(text.charCodeAt(i + 1))) {
        // "Trump's" → "Trump" + possessive; "O'Brien", "don't" stay whole.
        const after = text.charCodeAt(i + 2);
        if ((text.charCodeAt(i + 1) === 115 || text.charCodeAt(i + 1) === 83) && !(i + 2 < n && isLetterOrDigit(after))) { poss = true; break; }
        i++;
        continue;
      }
      if (d === 45 && i + 1 < n && isLetterOrDigit(text.charCodeAt(i + 1))) { i++; continue; }
      // "U.S", "U.N": a period between single letters stays inside the word.
      if (d === 46 && i + 1 < n && isLetterOrDigit(text.charCodeAt(i + 1)) && (i - s === 1 || dotted) && !isLetterOrDigit(text.charCodeAt(i + 2) || 32)) {
        dotted = true;
        i++;
        continue;
      }
      break;
    }
    let e = i;
    while (next < known.length && known[next].s < s) next++;
    const same = next < known.length && known[next].s === s && known[next].e === e && known[next].k === 0;
    let lower = same ? known[next].w : lowerCaseSlice(text, s, e);
    let endsSentence = false;
    if (text.charCodeAt(e) === 46) {
      // "Mr.", "Lt.", "J.", "U.S.": the period belongs to the abbreviation and ends no sentence.
      if (dotted || e - s === 1 || ABBREVIATIONS.has(lower)) {
        e++;
        lower += '.';
        i = e;
        // "… from the U.S.” and": an abbreviation at a line end still ends the sentence.
        const nx = text.charCodeAt(e);
        if (nx === 10 || Number.isNaN(nx)) endsSentence = true;
      }
    }
    toks.push({ s, e, w: lower, word: true, cap: isUpper(text, s), sent: sentenceStart || opensQuotedSentence(toks, para), poss, para, f: WORD_FLAGS.get(lower) ?? 0 });
    sentenceStart = endsSentence;
    if (poss) i += 2;
  }
  return toks;
}

/**
 * A word about to be appended to `toks` in paragraph `para` right after an opening quote or bracket
 * at a sentence start: it is still first in its sentence.
 */
function opensQuotedSentence(toks: Tok[], para: number): boolean {
  const k = toks.length;
  if (k === 0) return false;
  const p = toks[k - 1];
  if (p.word || !(p.w === '“' || p.w === '"' || p.w === '(' || p.w === '‘' || p.w === "'")) return false;
  return k === 1 || toks[k - 2].w === '.' || toks[k - 2].para !== para || toks[k - 2].w === ':';
}

// ------------------------------------------------------------------ mentions

type MentionKind = 'person' | 'org' | 'place' | 'group' | 'anon' | 'role' | 'weak';

interface Mention {
  s: number;
  e: number;
  /** Token range [a, b). */
  a: number;
  b: number;
  kind: MentionKind;
  /** The name as written (honorific kept, title and determiner left out). */
  surface: string;
  /** For persons: first and last name (lower-cased, folded); '' when unknown. */
  first: string;
  last: string;
  /** Number of name tokens (persons). */
  nameTokens: number;
  gender: Gender;
  role: string | null;
  /** 3 a title before the name, 2 an apposition, 1 a rank alone. */
  roleStrength: number;
  /** Anonymous and group descriptions: head noun; role descriptions: the role words. */
  head: string;
  definite: boolean;
  honorific: string;
  /** Set when the mention was folded into another one's role ("A Twitter spokesman, Christopher Abboud"). */
  absorbed: boolean;
  cluster: number;
  pronoun: boolean;
}

/** Lower case without accents, ’ as ' (a plain loop finds the common all-ASCII case: fold runs for most tokens). */
function fold(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/’/g, "'");
  }
  return s.toLowerCase();
}

const NAME_PARTICLES = new Set(['von', 'van', 'de', 'der', 'den', 'da', 'del', 'della', 'di', 'du', 'dos', 'bin', 'al', 'el', 'la', 'le', 'ben', 'ter']);
const NAME_SUFFIXES = new Set(['jr.', 'sr.', 'ii', 'iii', 'iv', 'jr', 'sr']);
const BARE_GROUP_HEADS = new Set(['officials', 'diplomats', 'leaders', 'lawmakers', 'legislators', 'analysts', 'experts', 'critics', 'authorities', 'prosecutors', 'investigators', 'negotiators', 'protesters', 'economists', 'observers', 'activists', 'sources', 'insiders']);
const PLURAL_ANON_DETS = new Set(['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'several', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
const APPOSITION_STOP = new Set(['said', 'says', 'told', 'who', 'which', 'that', 'is', 'was', 'were', 'are', 'has', 'have', 'had', 'will', 'would', 'added', 'and', 'warned', 'argued', 'wrote', 'according']);
const ROLE_DETERMINERS = new Set(['the', 'a', 'an']);
const PLACE_PREPOSITIONS = new Set(['of', 'in', 'at', 'near', 'across', 'outside', 'inside']);
const APPOSITION_OF = new Set(['of', 'at', 'for', 'the', 'in', 'to', 'on']);

/*
 * Lexicon memberships of a word, one bit per word list: a token looks its word up once (Tok.f),
 * and the mention rules, which ask several lists about most words, test bits. `LIST.has(t.w)`
 * and `t.f & BIT` agree because every list holds lower-cased words only.
 */
/** Can start an anonymous or group description. */
const DESCRIPTION_START = 1 << 0;
const DEMONYM_GROUP = 1 << 1;
const ANON_DETERMINER = 1 << 2;
const GROUP_DETERMINER = 1 << 3;
const ORDINAL = 1 << 4;
const ANON_HEAD = 1 << 5;
const GROUP_HEAD = 1 << 6;
const DESCRIPTION_MODIFIER = 1 << 7;
const NATIONALITY = 1 << 8;
const SENTENCE_FUNCTION_WORD = 1 << 9;
const CALENDAR_WORD = 1 << 10;
const PLURAL_ANON_DET = 1 << 11;
const TITLE = 1 << 12;
const ROLE_PART = 1 << 13;
const MALE_ROLE = 1 << 14;
const FEMALE_ROLE = 1 << 15;
const NEVER_A_NAME = 1 << 16;
const PLACE = 1 << 17;
const ORG_NAME = 1 << 18;
const MALE_FIRST_NAME = 1 << 19;
const FEMALE_FIRST_NAME = 1 << 20;
const NAME_PARTICLE = 1 << 21;
const ORG_HEAD = 1 << 22;
const HONORIFIC = 1 << 23;
const RANK = 1 << 24;
const APPOSITION_STOP_WORD = 1 << 25;
const NAME_SUFFIX = 1 << 26;
const ROLE_DETERMINER = 1 << 27;
const APPOSITION_LINK = 1 << 28;
const PLACE_HEAD = 1 << 29;
/** A title or a gendered role word ("spokeswoman"). */
const ROLE_WORD = TITLE | MALE_ROLE | FEMALE_ROLE;

const WORD_FLAGS = new Map<string, number>();
for (const [words, bit] of [
  [ANON_DETERMINERS, DESCRIPTION_START], [GROUP_DETERMINERS, DESCRIPTION_START], [DESCRIPTION_MODIFIERS, DESCRIPTION_START],
  [NATIONALITIES, DESCRIPTION_START], [GROUP_HEADS, DESCRIPTION_START], [ANON_HEADS, DESCRIPTION_START], [DEMONYM_GROUPS, DESCRIPTION_START],
  [DEMONYM_GROUPS, DEMONYM_GROUP], [ANON_DETERMINERS, ANON_DETERMINER], [GROUP_DETERMINERS, GROUP_DETERMINER], [ORDINALS, ORDINAL],
  [ANON_HEADS, ANON_HEAD], [GROUP_HEADS, GROUP_HEAD], [DESCRIPTION_MODIFIERS, DESCRIPTION_MODIFIER], [NATIONALITIES, NATIONALITY],
  [SENTENCE_FUNCTION_WORDS, SENTENCE_FUNCTION_WORD], [CALENDAR, CALENDAR_WORD], [PLURAL_ANON_DETS, PLURAL_ANON_DET], [TITLES, TITLE],
  [ROLE_PARTS, ROLE_PART], [MALE_ROLES, MALE_ROLE], [FEMALE_ROLES, FEMALE_ROLE], [NEVER_NAME, NEVER_A_NAME], [PLACES, PLACE],
  [ORG_NAMES, ORG_NAME], [MALE_FIRST_NAMES, MALE_FIRST_NAME], [FEMALE_FIRST_NAMES, FEMALE_FIRST_NAME], [NAME_PARTICLES, NAME_PARTICLE],
  [ORG_HEADS, ORG_HEAD], [HONORIFICS.keys(), HONORIFIC], [RANKS, RANK], [APPOSITION_STOP, APPOSITION_STOP_WORD], [NAME_SUFFIXES, NAME_SUFFIX],
  [ROLE_DETERMINERS, ROLE_DETERMINER], [APPOSITION_OF, APPOSITION_LINK], [PLACE_HEADS, PLACE_HEAD],
] as Array<[Iterable<string>, number]>) {
  for (const w of words) WORD_FLAGS.set(w, (WORD_FLAGS.get(w) ?? 0) | bit);
}

/** The words of tokens [a, b) joined by U+0001, as the phrase lists (ORG_PHRASES, PLACE_PHRASES) store them. */
function joinedWords(toks: Tok[], a: number, b: number): string {
  let joined = toks[a].w;
  for (let k = a + 1; k < b; k++) joined += '\u0001' + toks[k].w;
  return joined;
}

/** The first words of the multi-word phrases of a phrase list. */
function phraseFirstWords(phrases: Iterable<string>): Set<string> {
  const firsts = new Set<string>();
  for (const p of phrases) if (p.includes('\u0001')) firsts.add(p.slice(0, p.indexOf('\u0001')));
  return firsts;
}
const ORG_PHRASE_FIRST_WORDS = phraseFirstWords(ORG_PHRASES);
const PLACE_PHRASE_FIRST_WORDS = phraseFirstWords(PLACE_PHRASES);

/**
 * Tokens [a, b) (two or more) are a phrase of `phrases`, whose first words are `firstWords`. Most
 * capitalised runs start with no listed phrase's first word, and then no joined string is built.
 */
function isPhrase(toks: Tok[], a: number, b: number, phrases: ReadonlySet<string>, firstWords: ReadonlySet<string>): boolean {
  return firstWords.has(toks[a].w) && phrases.has(joinedWords(toks, a, b));
}

/** Every token of [a, b) is in one of the lists of `flags`. */
function everyWord(toks: Tok[], a: number, b: number, flags: number): boolean {
  for (let k = a; k < b; k++) if (!(toks[k].f & flags)) return false;
  return true;
}

/** An initial with its period ("j.", "w."): what /^.\.$/ matches (any character but a line break, then a period). */
function isInitial(w: string): boolean {
  return w.length === 2 && w.charCodeAt(1) === 46 && w.charCodeAt(0) !== 10 && w.charCodeAt(0) !== 13 && w.charCodeAt(0) !== 0x2028 && w.charCodeAt(0) !== 0x2029;
}

/** The token's word, accents folded, is a first name of the lists ("José" meets "jose"). */
function isFirstName(t: Tok): boolean {
  // A lower-cased ASCII word is its own folded form, and its flags say.
  for (let i = 0; i < t.w.length; i++) {
    if (t.w.charCodeAt(i) > 0x7f) {
      const folded = fold(t.w);
      return MALE_FIRST_NAMES.has(folded) || FEMALE_FIRST_NAMES.has(folded);
    }
  }
  return (t.f & (MALE_FIRST_NAME | FEMALE_FIRST_NAME)) !== 0;
}

function isPlural(head: string): boolean {
  return head.endsWith('s') || head === 'people' || head === 'police' || head === 'spokespeople';
}

class MentionFinder {
  readonly mentions: Mention[] = [];
  constructor(private readonly text: string, private readonly toks: Tok[]) {}

  private span(a: number, b: number): string {
    return this.text.slice(this.toks[a].s, this.toks[b - 1].e);
  }

  private mention(a: number, b: number, kind: MentionKind, extra: Partial<Mention> = {}): Mention {
    const m: Mention = {
      s: this.toks[a].s, e: this.toks[b - 1].e, a, b, kind, surface: this.span(a, b), first: '', last: '', nameTokens: 0,
      gender: '', role: null, roleStrength: 0, head: '', definite: false, honorific: '', absorbed: false, cluster: -1, pronoun: false,
      ...extra,
    };
    this.mentions.push(m);
    return m;
  }

  find(): Mention[] {
    const toks = this.toks;
    for (let i = 0; i < toks.length;) {
      const t = toks[i];
      if (!t.word) { i++; continue; }
      // Most words start no rule: only call the rules whose first word this can be.
      const next = (t.f & DESCRIPTION_START ? this.description(i) : undefined) ??
        (t.w === 'the' ? this.roleDescription(i) : undefined) ?? (t.cap ? this.capitalRun(i) : undefined);
      i = next ?? i + 1;
    }
    this.absorbDescriptions();
    return this.mentions;
  }

  /** Anonymous sources and groups: "a senior administration official", "two diplomats", "European leaders". Returns the next token index. */
  private description(i: number): number | undefined {
    const toks = this.toks;
    const t = toks[i];
    if (t.cap && t.f & DEMONYM_GROUP && !(toks[i + 1]?.word && toks[i + 1].cap)) {
      this.mention(i, i + 1, 'group', { head: t.w });
      return i + 1;
    }
    let j = i;
    let det = '';
    /** The determiner's flags (0 without one). */
    let detFlags = 0;
    if (t.f & (ANON_DETERMINER | GROUP_DETERMINER)) { det = t.w; detFlags = t.f; j++; }
    if (det && toks[j]?.word && toks[j].f & ORDINAL) j++;
    const modStart = j;
    while (j < toks.length && j - modStart < 4 && toks[j].word && !toks[j].poss) {
      const f = toks[j].f;
      const isHead = (f & (ANON_HEAD | GROUP_HEAD)) !== 0;
      // A head followed by another head ("government officials") is a modifier.
      if (isHead && !(toks[j + 1]?.word && toks[j + 1].f & (ANON_HEAD | GROUP_HEAD))) break;
      const modifier = (f & (DESCRIPTION_MODIFIER | NATIONALITY)) !== 0 || isHead ||
        // "a Twitter spokesman", "a White House official": capitalised modifiers only after a determiner.
        (det !== '' && toks[j].cap && !(f & SENTENCE_FUNCTION_WORD));
      if (!modifier) return undefined;
      j++;
    }
    const h = toks[j];
    if (!h || !h.word || h.cap && !(j === i && h.sent)) return undefined;
    const head = h.w;
    const headFlags = h.f;
    const plural = isPlural(head);
    const hasMods = j > modStart;
    let end = j + 1;
    // A head right before a name is a title ("spokesman Dmitry Peskov"): the name rule takes it.
    const after = toks[end];
    if (after && after.word && after.cap && !after.sent && !(after.f & CALENDAR_WORD)) return undefined;
    if (headFlags & ANON_HEAD && (detFlags & ANON_DETERMINER || (det === 'the' && !plural))) {
      const needsPlural = (detFlags & PLURAL_ANON_DET) !== 0;
      if (det !== 'the' && needsPlural !== plural) return undefined;
      if (ANON_NEEDS_QUALIFIER.has(head)) {
        if (!(after && after.word && ANON_QUALIFIERS.has(after.w))) return undefined;
      }
      const start = det === 'the' ? i + 1 : i;
      if (start >= end) return undefined;
      this.mention(start, end, 'anon', { head: singular(head), definite: det === 'the' });
      return end;
    }
    if (headFlags & GROUP_HEAD && plural && !(detFlags & PLURAL_ANON_DET) && det !== 'a' && det !== 'an' && det !== 'one' && det !== 'another') {
      if (!hasMods && !BARE_GROUP_HEADS.has(head) && !(det === 'the' && headFlags & ANON_HEAD)) return undefined;
      const start = detFlags & GROUP_DETERMINER ? i + 1 : i;
      this.mention(start, end, 'group', { head: singular(head), definite: det === 'the' });
      return end;
    }
    if (detFlags & PLURAL_ANON_DET && headFlags & GROUP_HEAD && plural && headFlags & ANON_HEAD) {
      this.mention(i, end, 'anon', { head: singular(head) });
      return end;
    }
    return undefined;
  }

  /** "the French president", "the prime minister": a role standing for a person named elsewhere. */
  private roleDescription(i: number): number | undefined {
    const toks = this.toks;
    if (toks[i].w !== 'the') return undefined;
    let k = i + 1;
    let lastTitle = -1;
    let lowerTitle = false;
    while (k < toks.length && k - i <= 5 && toks[k].word && !toks[k].poss) {
      const f = toks[k].f;
      if (f & TITLE) { lastTitle = k; if (!toks[k].cap) lowerTitle = true; }
      else if (!(f & NATIONALITY || f & ROLE_PART && toks[k].w !== 'the' || toks[k].cap)) break;
      k++;
    }
    if (toks[k - 1]?.poss && toks[k - 1].f & TITLE) { lastTitle = k - 1; if (!toks[k - 1].cap) lowerTitle = true; }
    // Capitalised titles ("the Prime Minister") are the capital-run rule's; only the lower-case ones here.
    if (lastTitle < 0 || !lowerTitle || lastTitle !== k - 1 && !toks[k - 1].poss) return undefined;
    const after = toks[lastTitle + 1];
    if (after && after.word && after.cap && !after.sent) return undefined;
    const role = this.span(i + 1, lastTitle + 1);
    this.mention(i + 1, lastTitle + 1, 'role', { head: fold(role), definite: true, gender: toks[lastTitle].f & MALE_ROLE ? 'm' : toks[lastTitle].f & FEMALE_ROLE ? 'f' : '' });
    return lastTitle + 1;
  }

  /** A run of capitalised words: a person (with title or honorific), an organisation, a place, or a role alone. */
  private capitalRun(i: number): number | undefined {
    const toks = this.toks;
    const first = toks[i];
    // Function words are capitalised at sentence starts and in headlines, never as names.
    if (first.f & SENTENCE_FUNCTION_WORD || (first.sent && (first.w.endsWith('ing') || first.w.endsWith('ly')))) return undefined;
    if (first.f & (CALENDAR_WORD | NEVER_A_NAME)) return undefined;
    // "Later, …", "Still, …": a lone capitalised word opening a sentence before a comma is an adverb.
    if (first.sent && toks[i + 1]?.w === ',' && !(first.f & (PLACE | ORG_NAME))) return undefined;
    let b = i + 1;
    if (!first.poss) {
      while (b < toks.length) {
        const t = toks[b];
        if (!t.word) break;
        // "Theresa May": a month after a first name is a surname.
        if (t.f & CALENDAR_WORD && !(toks[b - 1].f & (MALE_FIRST_NAME | FEMALE_FIRST_NAME))) break;
        // Headlines capitalise every word: "Rip Donald Trump As A Racist" stops at "As".
        if (t.cap && t.f & SENTENCE_FUNCTION_WORD) break;
        if (t.cap) { b++; if (t.poss) break; continue; }
        const nx = toks[b + 1];
        if (t.f & NAME_PARTICLE && nx?.word && nx.cap) { b++; continue; }
        // "Secretary of State", "Ministry of Defence", "Bank of England".
        if ((t.w === 'of' || t.w === 'for' || t.w === 'on') && nx?.word && nx.cap && toks[b - 1].f & (ORG_HEAD | TITLE)) { b++; continue; }
        break;
      }
    }
    // Strip particles left dangling at the end.
    while (b > i + 1 && !toks[b - 1].cap) b--;
    this.classifyRun(i, b);
    return b;
  }

  private classifyRun(a: number, b: number): void {
    const toks = this.toks;
    const lastFlags = toks[b - 1].f;

    // Organisations by name or head word ("Russian Foreign Ministry", "the Kremlin", "White House").
    if (b - a === 1 ? lastFlags & ORG_NAME || ORG_PHRASES.has(toks[a].w) : isPhrase(toks, a, b, ORG_PHRASES, ORG_PHRASE_FIRST_WORDS)) {
      this.mention(a, b, 'org');
      return;
    }
    // Honorific, then role words up to the last title; the rest is the name.
    let h = a;
    let gender: Gender = '';
    let honorific = '';
    let roleEnd = -1; // exclusive token index
    let sawTitle = false;
    let rankOnly = true;
    for (let k = a; k < b; k++) {
      const w = toks[k].w;
      const f = toks[k].f;
      if (k === h && f & HONORIFIC && roleEnd < 0) { gender = HONORIFICS.get(w)!; honorific = this.span(k, k + 1); h = k + 1; continue; }
      if (f & ROLE_WORD) {
        sawTitle = true; roleEnd = k + 1;
        if (!(f & RANK)) rankOnly = false;
        if (f & MALE_ROLE) gender = 'm';
        if (f & FEMALE_ROLE) gender = 'f';
        continue;
      }
      if (sawTitle && f & ROLE_PART && k + 1 < b && toks[k + 1].f & (TITLE | ROLE_PART)) { roleEnd = k + 1; continue; }
      if (sawTitle && f & ROLE_PART && k === roleEnd && (toks[k - 1].w === 'of' || w === 'of')) { roleEnd = k + 1; continue; }
      if (roleEnd >= 0 && k === roleEnd && f & ROLE_PART && toks[k - 1].w === 'of') { roleEnd = k + 1; continue; }
    }
    // "Justice Department", "Eurasia Group", "General Assembly" — unless a title ends the run ("… Chief Executive");
    // "Department of Justice", "Bank of England": an organisation head before "of".
    let ofAt = a + 1;
    while (ofAt < b && toks[ofAt].w !== 'of' && toks[ofAt].w !== 'for' && toks[ofAt].w !== 'on') ofAt++;
    if (((lastFlags & ORG_HEAD && !(lastFlags & TITLE)) || (ofAt < b && toks[ofAt - 1].f & ORG_HEAD)) && !(toks[a].f & HONORIFIC)) {
      this.mention(a, b, 'org');
      return;
    }
    let nameStart = h;
    let role: string | null = null;
    if (roleEnd > h) {
      role = this.span(h, roleEnd);
      nameStart = roleEnd;
    } else if (roleEnd > a) {
      role = this.span(a, roleEnd);
      nameStart = Math.max(h, roleEnd);
    }
    if (nameStart >= b) {
      // A role alone: "the Prime Minister", "the French President".
      if (role) {
        const prev = toks[a - 1];
        this.mention(a, b, 'role', { head: fold(role), definite: prev?.w === 'the', gender, surface: this.text.slice(toks[a].s, toks[b - 1].e) });
      }
      return;
    }
    // "Crooked Hillary Clinton", "Miss Universe Alicia Machado": words before a known first name are a
    // nickname or title, not part of the name.
    for (let k = nameStart + 1; k < b - 1; k++) {
      if (isFirstName(toks[k])) {
        // Those words make a poor role (often a headline's verb), so they are dropped.
        if (honorific) { honorific = ''; gender = ''; }
        nameStart = k;
        break;
      }
    }
    const nameTokens = b - nameStart;
    // The surname: the last name word that is not a suffix ("Jr.") or an initial ("J."); the first name: the first that is not an initial.
    let surnameAt = b - 1;
    while (surnameAt >= nameStart && (toks[surnameAt].f & NAME_SUFFIX || isInitial(toks[surnameAt].w))) surnameAt--;
    if (surnameAt < nameStart) surnameAt = b - 1;
    let firstAt = nameStart;
    while (firstAt < b && isInitial(toks[firstAt].w)) firstAt++;
    if (firstAt === b) firstAt = nameStart;
    const surname = toks[surnameAt].w;
    const surnameFlags = toks[surnameAt].f;
    const firstFlags = toks[nameStart].f;
    const surface = this.span(honorific ? h - 1 : nameStart, b);
    const hasTitle = role !== null || honorific !== '';

    if (!hasTitle) {
      if ((nameTokens > 1 && surnameFlags & PLACE_HEAD) || (nameTokens === 1 ? PLACE_PHRASES.has(toks[nameStart].w) : isPhrase(toks, nameStart, b, PLACE_PHRASES, PLACE_PHRASE_FIRST_WORDS))) { this.mention(nameStart, b, 'place'); return; }
      if (nameTokens === 1) {
        if (firstFlags & ORG_NAME) { this.mention(nameStart, b, 'org'); return; }
        if (firstFlags & PLACE) { this.mention(nameStart, b, 'place'); return; }
        if (firstFlags & (NATIONALITY | DEMONYM_GROUP)) return;
      } else if (firstFlags & (NATIONALITY | PLACE) || everyWord(toks, nameStart, b, PLACE | NATIONALITY)) {
        // "European Union", "U.S. Army Europe", "Western Europe": not a person.
        if (surnameFlags & (PLACE | PLACE_HEAD)) this.mention(nameStart, b, 'place');
        return;
      }
    }
    for (let k = nameStart; k < b; k++) if (toks[k].f & NEVER_A_NAME) return;
    // "the Latest", "the Commission": names of people take no article.
    const afterThe = !hasTitle && toks[nameStart - 1]?.w === 'the';
    // "Mitch McConnell of Kentucky": a lone capitalised word after these prepositions is a place.
    if (!hasTitle && nameTokens === 1 && PLACE_PREPOSITIONS.has(toks[nameStart - 1]?.w ?? '')) { this.mention(nameStart, b, 'place'); return; }
    // A one-word name has no first name: nothing to fold or look up.
    const foldedFirst = nameTokens > 1 ? fold(toks[firstAt].w) : '';
    const firstNameGender: Gender = nameTokens > 1 ? (MALE_FIRST_NAMES.has(foldedFirst) ? 'm' : FEMALE_FIRST_NAMES.has(foldedFirst) ? 'f' : '') : '';
    if (!gender) gender = firstNameGender;
    const knownFirst = firstNameGender !== '';
    const kind: MentionKind = hasTitle || knownFirst ? 'person' : 'weak';
    let roleStrength = role ? (rankOnly ? 1 : 3) : 0;
    // A title written in lower case before the name: "Russian Foreign Ministry spokeswoman Maria Zakharova".
    if (!honorific) {
      const before = this.lowercaseRoleBefore(a, role !== null);
      if (before) {
        role = role ? `${before.text} ${role}` : before.text;
        roleStrength = Math.max(roleStrength, before.rankOnly ? 1 : 3);
        if (!gender) gender = before.gender;
      }
    }
    const m = this.mention(nameStart, b, afterThe ? 'weak' : role || knownFirst || honorific ? 'person' : kind, {
      definite: afterThe,
      s: toks[honorific ? h - 1 : nameStart].s,
      surface,
      first: foldedFirst,
      last: fold(surname),
      nameTokens,
      gender,
      role,
      roleStrength,
      honorific: honorific ? fold(honorific).replace(/\.$/, '') : '',
    });
    m.a = honorific ? h - 1 : nameStart;
    // An apposition after the name: "Keir Starmer, the British Prime Minister, said".
    const app = this.appositionRole(b);
    if (app && (m.roleStrength < 2 || !m.role)) {
      m.role = app.text;
      m.roleStrength = 2;
      if (!m.gender) m.gender = app.gender;
    } else if (app && !m.gender) m.gender = app.gender;
    if (m.kind === 'weak' && app && m.nameTokens >= 2) m.kind = 'person';
  }

  /** Lower-case titles (and the capitalised words before them) right before token `a`. */
  private lowercaseRoleBefore(a: number, hasCapitalTitle: boolean): { text: string; rankOnly: boolean; gender: Gender } | undefined {
    const toks = this.toks;
    let p = a - 1;
    let sawTitle = false;
    let rankOnly = true;
    let gender: Gender = '';
    while (p >= 0 && toks[p].word && !toks[p].cap && toks[p].para === toks[a].para) {
      const w = toks[p].w;
      const f = toks[p].f;
      if (f & ROLE_WORD) {
        sawTitle = true;
        if (!(f & RANK)) rankOnly = false;
        if (f & MALE_ROLE) gender = 'm';
        if (f & FEMALE_ROLE) gender = 'f';
      } else if (!(f & ROLE_PART && w !== 'the' && w !== 'of' && w !== 'for')) break;
      p--;
    }
    if (!sawTitle && !(hasCapitalTitle && p < a - 1)) return undefined;
    if (p === a - 1) return undefined;
    let start = p + 1;
    if (sawTitle) {
      // The capitalised words that make the title specific: "Kremlin spokesman", "Russian Foreign Ministry spokeswoman".
      while (p >= 0 && toks[p].word && toks[p].cap && !toks[p].poss && toks[p].para === toks[a].para && !(toks[p].sent && toks[p].f & SENTENCE_FUNCTION_WORD)) { start = p; p--; }
    }
    return { text: this.text.slice(toks[start].s, toks[a - 1].e), rankOnly, gender };
  }

  /** ", the British Prime Minister," after a name. */
  private appositionRole(b: number): { text: string; gender: Gender } | undefined {
    const toks = this.toks;
    if (toks[b]?.w !== ',' || toks[b - 1]?.poss) return undefined;
    let k = b + 1;
    if (toks[k]?.word && toks[k].f & ROLE_DETERMINER) k++;
    const start = k;
    let title = -1;
    let gender: Gender = '';
    while (k < toks.length && k - start < 14) {
      const t = toks[k];
      if (!t.word) {
        if (t.w === '.' || t.w === '-' || t.w === '&') { if (t.w === '.') break; k++; continue; }
        break;
      }
      if (t.para !== toks[b].para || t.f & APPOSITION_STOP_WORD || /^\d/.test(t.w) && k === start) break;
      if (title < 0 && t.f & ROLE_WORD && k - start < 6) {
        title = k;
        if (t.f & MALE_ROLE) gender = 'm';
        if (t.f & FEMALE_ROLE) gender = 'f';
      }
      k++;
    }
    if (title < 0 || k === start) return undefined;
    // "Later, French President Emmanuel Macron left": a title followed by a name is not an apposition.
    // Capitalised words are allowed inside an organisation or place named after of/at/for/the/in
    // ("director for Europe at the Eurasia Group").
    let named = false;
    for (let q = title + 1; q < k; q++) {
      const t = toks[q];
      if (!t.word || !t.cap) { named = false; continue; }
      if (t.f & (TITLE | ROLE_PART | NATIONALITY | ORG_HEAD)) continue;
      if (named || toks[q - 1].f & APPOSITION_LINK) { named = true; continue; }
      return undefined;
    }
    const end = toks[k];
    if (end && end.word) return undefined; // ran past the limit: not a short apposition
    if (end && end.w !== ',' && end.w !== '.' && end.w !== ')' && end.w !== ';' && end.w !== '—') return undefined;
    return { text: this.text.slice(toks[start].s, toks[k - 1].e), gender };
  }

  /** "A Twitter spokesman, Christopher Abboud, said": the description becomes the person's role. */
  private absorbDescriptions(): void {
    const ms = this.mentions;
    for (let k = 0; k + 1 < ms.length; k++) {
      const d = ms[k];
      const p = ms[k + 1];
      if ((d.kind !== 'anon' && d.kind !== 'role') || p.kind !== 'person' && p.kind !== 'weak') continue;
      if (this.toks[d.b]?.w !== ',' || p.a !== d.b + 1) continue;
      if (PLURAL_ANON_DETS.has(this.toks[d.a].w)) continue;
      d.absorbed = true;
      p.kind = 'person';
      const role = this.toks[d.a].word && ANON_DETERMINERS.has(this.toks[d.a].w) ? this.span(d.a + 1, d.b) : d.surface;
      if (p.roleStrength < 3) { p.role = role; p.roleStrength = 3; }
      if (!p.gender) p.gender = d.gender || (MALE_ROLES.has(d.head) ? 'm' : FEMALE_ROLES.has(d.head) ? 'f' : '');
    }
  }
}

function singular(head: string): string {
  if (head === 'people') return 'person';
  if (head === 'spokespeople') return 'spokesperson';
  return head.endsWith('s') && !head.endsWith('ss') ? head.slice(0, -1) : head;
}

// ------------------------------------------------------------------ clusters

interface Cluster {
  kind: MentionKind;
  mentions: Mention[];
  gender: Gender;
  first: string;
  last: string;
  /** A bare surname resolved to this cluster before (newsroom style keeps one referent per surname). */
  bareUsed: boolean;
  isSource: boolean;
  /** Cluster made from a source span that matched no mention. */
  name?: string;
  pronouns: AttributionSpan[];
}

const PRONOUNS = new Map<string, 'm' | 'f' | 'p' | 'n'>([['he', 'm'], ['she', 'f'], ['they', 'p'], ['it', 'n']]);
const RELATIVE_PRONOUNS = new Set(['who', 'which', 'whom']);

function compatible(a: Gender, b: Gender): boolean {
  return a === '' || b === '' || a === b;
}

class Clusterer {
  readonly clusters: Cluster[] = [];
  private readonly byKey = new Map<string, number>();
  private roleMentionCache: Mention[] | undefined;
  private readonly anonClusters: number[] = [];
  private readonly orgKeys: string[] = [];

  constructor(private readonly mentions: Mention[]) {}

  private add(m: Mention, key?: string): number {
    const c: Cluster = { kind: m.kind, mentions: [m], gender: m.gender, first: m.first, last: m.last, bareUsed: false, isSource: false, pronouns: [] };
    this.clusters.push(c);
    const id = this.clusters.length - 1;
    if (key !== undefined) this.byKey.set(key, id);
    m.cluster = id;
    return id;
  }

  private join(m: Mention, id: number): void {
    const c = this.clusters[id];
    c.mentions.push(m);
    m.cluster = id;
    if (!c.gender && m.gender) c.gender = m.gender;
    // A capitalised pair taken up again by its last word alone ("Mujtaba Rahman … Rahman said") is a person.
    if (c.kind === 'weak' && (m.kind === 'person' || (m.nameTokens === 1 && !m.definite && m.last === c.last && c.mentions[0].nameTokens >= 2))) c.kind = 'person';
    if (c.kind === 'role' && m.kind === 'person') c.kind = 'person';
  }

  run(): void {
    const ms = this.mentions;
    // Full names first, so that a bare surname can refer forward ("Macron said… — Emmanuel Macron").
    for (const m of ms) {
      if (m.absorbed || (m.kind !== 'person' && m.kind !== 'weak') || m.nameTokens < 2 || m.definite) continue;
      const key = `p:${m.first} ${m.last}`;
      const id = this.byKey.get(key);
      if (id !== undefined && compatible(this.clusters[id].gender, m.gender)) this.join(m, id);
      else this.add(m, id === undefined ? key : undefined);
    }
    const surnames = new Map<string, number[]>();
    const firstNames = new Map<string, number[]>();
    this.clusters.forEach((c, id) => {
      (surnames.get(c.last) ?? surnames.set(c.last, []).get(c.last)!).push(id);
      if (c.first) (firstNames.get(c.first) ?? firstNames.set(c.first, []).get(c.first)!).push(id);
    });
    let anonCount = 0;
    for (const m of ms) {
      if (m.absorbed || m.cluster >= 0) continue;
      switch (m.kind) {
        case 'person':
        case 'weak':
          this.clusterName(m, surnames, firstNames);
          break;
        case 'role': {
          // "the French president" → the person whose role ends with these words.
          const id = this.latestWithRole(m.head, m.s);
          if (id !== undefined) this.join(m, id);
          else {
            const key = `r:${m.head}`;
            const same = this.byKey.get(key);
            if (same !== undefined) this.join(m, same); else this.add(m, key);
          }
          break;
        }
        case 'org': {
          const key = `o:${fold(m.surface)}`;
          let id = this.byKey.get(key);
          if (id === undefined) {
            // "Foreign Ministry" after "Russian Foreign Ministry".
            const name = ' ' + key.slice(2);
            const ends = this.orgKeys.filter((k) => k.endsWith(name));
            if (ends.length === 1) id = this.byKey.get(ends[0]);
          }
          if (id !== undefined) this.join(m, id); else { this.add(m, key); this.orgKeys.push(key); }
          break;
        }
        case 'place': {
          const key = `l:${fold(m.surface)}`;
          const id = this.byKey.get(key);
          if (id !== undefined) this.join(m, id); else this.add(m, key);
          break;
        }
        case 'group': {
          if (m.definite) {
            const id = this.latestAnon(m.head, m.s, true, m.surface);
            if (id !== undefined) { this.join(m, id); break; }
          }
          const key = `g:${fold(m.surface)}`;
          const id = this.byKey.get(key);
          if (id !== undefined) this.join(m, id); else this.add(m, key);
          break;
        }
        case 'anon': {
          if (m.definite) {
            const id = this.latestAnon(m.head, m.s, false, m.surface);
            if (id !== undefined) { this.join(m, id); break; }
          }
          this.anonClusters.push(this.add(m, `a:${anonCount++}`));
          break;
        }
      }
    }
  }

  /**
   * A person or a capitalised name not yet in a cluster: joins the full name it shortens, else the
   * cluster of the same bare surname. (A method of its own, like the other long steps, so that the
   * compiled code of run() is small and is not recompiled whole when a rare case first comes up.)
   */
  private clusterName(m: Mention, surnames: Map<string, number[]>, firstNames: Map<string, number[]>): void {
    const w = m.last;
    let cands = (surnames.get(w) ?? []).filter((id) => compatible(this.clusters[id].gender, m.gender) && this.clusters[id].mentions[0].nameTokens >= 2);
    // A first name alone ("Hillary"), or a family name written first ("Mr. Xi" after "Xi Jinping").
    if (cands.length === 0 && !(surnames.get(w) ?? []).some((id) => this.clusters[id].mentions[0].nameTokens >= 2)) {
      cands = (firstNames.get(w) ?? []).filter((id) => compatible(this.clusters[id].gender, m.gender));
    }
    if (m.definite && m.nameTokens >= 2) cands = [];
    if (m.definite && cands.length === 0) {
      // "the Trump campaign" joins Trump; "the Latest", "the Commission" are no one's name.
      const key = `l:${fold(m.surface)}`;
      const same = this.byKey.get(key);
      m.kind = 'place';
      if (same !== undefined) this.join(m, same); else this.add(m, key);
      return;
    }
    if (cands.length > 0) {
      const id = this.pick(cands, m.s);
      this.join(m, id);
      this.clusters[id].bareUsed = true;
      return;
    }
    // No full name in the text: one cluster per surname and gender ("Mrs. Trump" apart from "Mr. Trump").
    const key = `b:${w}:${m.gender}`;
    const other = m.gender === '' ? [`b:${w}:m`, `b:${w}:f`].map((k) => this.byKey.get(k)).filter((x): x is number => x !== undefined) : [];
    const same = this.byKey.get(key) ?? (other.length === 1 ? other[0] : undefined) ?? (m.gender ? this.byKey.get(`b:${w}:`) : undefined);
    if (same !== undefined && compatible(this.clusters[same].gender, m.gender)) this.join(m, same);
    else {
      const id = this.add(m, key);
      (surnames.get(w) ?? surnames.set(w, []).get(w)!).push(id);
    }
  }

  /** Among clusters sharing a surname: the one the bare surname already meant, else the most mentioned so far, else the latest. */
  private pick(cands: number[], pos: number): number {
    if (cands.length === 1) return cands[0];
    const used = cands.filter((id) => this.clusters[id].bareUsed);
    if (used.length === 1) return used[0];
    let best = cands[0];
    let bestCount = -1;
    let bestLast = -1;
    for (const id of cands) {
      const before = this.clusters[id].mentions.filter((x) => x.s < pos);
      const lastPos = before.length ? Math.max(...before.map((x) => x.s)) : -1 - this.clusters[id].mentions[0].s / 1e9;
      if (before.length > bestCount || (before.length === bestCount && lastPos > bestLast)) { best = id; bestCount = before.length; bestLast = lastPos; }
    }
    return best;
  }

  private latestWithRole(roleWords: string, pos: number): number | undefined {
    // Mentions carrying a role are few; they are scanned newest first.
    let best: number | undefined;
    let bestPos = -1;
    for (const x of this.roleMentions) {
      if (x.s >= pos || x.cluster < 0) continue;
      const c = this.clusters[x.cluster];
      if (c.kind !== 'person' && c.kind !== 'weak') continue;
      const r = fold(x.role!);
      if ((r === roleWords || r.endsWith(' ' + roleWords)) && x.s > bestPos) { best = x.cluster; bestPos = x.s; }
    }
    return best;
  }

  private get roleMentions(): Mention[] {
    return (this.roleMentionCache ??= this.mentions.filter((m) => m.role !== null && (m.kind === 'person' || m.kind === 'weak')));
  }

  private latestAnon(head: string, pos: number, plural: boolean, surface: string): number | undefined {
    const modifiers = fold(surface).split(' ').slice(0, -1).filter((w) => w !== 'the');
    let best: number | undefined;
    let bestPos = -1;
    this.anonClusters.forEach((id) => {
      const c = this.clusters[id];
      const m0 = c.mentions[0];
      if (m0.head !== head || isPlural(fold(m0.surface).split(' ').pop() ?? '') !== plural) return;
      // "the French official" refers to an earlier official described with (at least) the same words.
      const have = new Set(fold(m0.surface).split(' '));
      if (!modifiers.every((w) => have.has(w))) return;
      for (const x of c.mentions) if (x.s < pos && x.s > bestPos) { best = id; bestPos = x.s; }
    });
    return best;
  }
}

// ------------------------------------------------------------------ sources and pronouns

function slug(name: string): string {
  const s = fold(name).replace(/['’]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'speaker';
}

function isPersonLike(c: Cluster): boolean {
  return c.kind === 'person' || c.kind === 'weak' || c.kind === 'role';
}

/** How many mentions back a pronoun may reach: keeps huge documents linear, and antecedents are near. */
const SCAN_LIMIT = 400;

const TRAILING_ADVERBS = new Set(['meanwhile', 'however', 'too', 'also', 'instead', 'though', 'then', 'now', 'again', 'later', 'earlier', 'today', 'separately']);

/**
 * Clusters the speakers of `text` and resolves each attribution's source to
 * one of them. Never throws on odd input (the caller guards too). `tokens`,
 * when given, are findAttributions' tokens of the text (see tokenize).
 */
export function analyzeSpeakers(text: string, attributions: readonly Attribution[], tokens: readonly LowerCasedToken[] = []): SpeakerAnalysis {
  const toks = tokenize(text, tokens);
  const mentions = new MentionFinder(text, toks).find();
  const clusterer = new Clusterer(mentions);
  clusterer.run();
  const clusters = clusterer.clusters;
  const live = mentions.filter((m) => !m.absorbed && m.cluster >= 0);

  live.sort((x, y) => x.s - y.s);
  const mentionsIn = (span: AttributionSpan): Mention[] => {
    let lo = 0, hi = live.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (live[mid].s < span.start) lo = mid + 1; else hi = mid; }
    const out: Mention[] = [];
    for (let k = lo; k < live.length && live[k].s < span.end; k++) if (live[k].e <= span.end) out.push(live[k]);
    return out;
  };
  const tokAt = (pos: number): number => {
    let lo = 0, hi = toks.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (toks[mid].e <= pos) lo = mid + 1; else hi = mid; }
    return lo;
  };

  let surfaceIndex: Map<string, number> | undefined;
  const resolved: (number | null)[] = attributions.map(() => null);
  const pending: number[] = [];
  // Pass 1: sources that name someone.
  attributions.forEach((att, k) => {
    if (att.continues !== undefined || !att.source) { pending.push(k); return; }
    const inSpan = mentionsIn(att.source);
    if (inSpan.length === 0) { pending.push(k); return; }
    const pick = inSpan.find((m) => m.kind === 'person' || m.kind === 'weak') ?? inSpan.find((m) => m.kind === 'anon') ?? inSpan[0];
    resolved[k] = pick.cluster;
    clusters[pick.cluster].isSource = true;
  });

  // Pass 2, in text order: continued quotes, pronouns, relative pronouns, and sources that matched no mention.
  const extraClusters = new Map<string, number>();
  for (const k of pending) {
    const att = attributions[k];
    if (att.continues !== undefined) {
      resolved[k] = att.continues >= 0 && att.continues < k ? resolved[att.continues] : null;
      continue;
    }
    if (!att.source) continue;
    const src = text.slice(att.source.start, att.source.end).trim().replace(/[,;]+$/, '').trim();
    const lower = src.toLowerCase();
    const pron = PRONOUNS.get(lower);
    if (pron) {
      const id = resolvePronoun(pron, att.source.start, k);
      if (id !== undefined) {
        resolved[k] = id;
        const c = clusters[id];
        c.isSource = true;
        c.pronouns.push({ start: att.source.start, end: att.source.end });
        if ((pron === 'm' || pron === 'f') && !c.gender) c.gender = pron;
      }
      continue;
    }
    if (RELATIVE_PRONOUNS.has(lower)) {
      // "…Steve Witkoff, who said", "…Ben Hodges, a former commander, who said": the nearest mention
      // before the pronoun in the same sentence, a person first for "who".
      const start = att.source.start;
      let lo = start;
      while (lo > 0 && start - lo < 160 && !/[.!?\n]/.test(text[lo - 1])) lo--;
      const before = mentionsIn({ start: lo, end: start });
      const m = (lower === 'who' || lower === 'whom' ? [...before].reverse().find((x) => x.kind === 'person' || x.kind === 'weak' || x.kind === 'anon') : undefined) ?? before[before.length - 1];
      if (m) { resolved[k] = m.cluster; clusters[m.cluster].isSource = true; }
      continue;
    }
    const id = clusterFromSpan(att.source, extraClusters);
    if (id !== undefined) { resolved[k] = id; clusters[id].isSource = true; }
  }

  /** Index of the last live mention starting before `pos`. */
  function lastBefore(pos: number): number {
    let lo = 0, hi = live.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (live[mid].s < pos) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  function resolvePronoun(kind: 'm' | 'f' | 'p' | 'n', pos: number, k: number): number | undefined {
    const fits = (id: number | null | undefined): id is number => {
      if (id === null || id === undefined) return false;
      const c = clusters[id];
      if (kind === 'm' || kind === 'f') return isPersonLike(c) && compatible(c.gender, kind) && !(c.kind === 'anon');
      if (kind === 'p') return c.kind === 'group' || c.kind === 'org' || c.kind === 'place' || (c.kind === 'anon' && isPlural(c.mentions[0].surface.split(' ').pop()!.toLowerCase()));
      return c.kind === 'org' || c.kind === 'place';
    };
    // The subject of the previous attribution, when it is close (same or previous paragraph).
    for (let j = k - 1; j >= 0; j--) {
      const prev = attributions[j];
      if (resolved[j] === null) continue;
      const prevPos = prev.source?.start ?? prev.content.start;
      if (prevPos >= pos) continue;
      const paraGap = toks[tokAt(pos)]?.para - toks[tokAt(prevPos)]?.para;
      if (paraGap <= 1 && fits(resolved[j])) return resolved[j]!;
      break;
    }
    // "they": the latest group or plural anonymous source first, organisations and places after.
    if (kind === 'p') {
      for (let i = lastBefore(pos), n = 0; i >= 0 && n < SCAN_LIMIT; i--, n++) {
        const m = live[i];
        const c = clusters[m.cluster];
        if (m.e <= pos && (c.kind === 'group' || c.kind === 'anon' && isPlural(m.surface.split(' ').pop()!.toLowerCase()))) return m.cluster;
      }
    }
    // Else a recent person known to have that gender (same or previous paragraph)…
    if (kind === 'm' || kind === 'f') {
      const para = toks[tokAt(pos)]?.para ?? 0;
      for (let i = lastBefore(pos); i >= 0; i--) {
        const m = live[i];
        if (m.e > pos) continue;
        if (toks[m.a] && para - toks[m.a].para > 1) break;
        const c = clusters[m.cluster];
        if (isPersonLike(c) && c.gender === kind) return m.cluster;
      }
    }
    // …else the latest compatible mention before the pronoun (not too far back).
    for (let i = lastBefore(pos), n = 0; i >= 0 && n < SCAN_LIMIT; i--, n++) {
      const m = live[i];
      if (m.e > pos) continue;
      if ((kind === 'm' || kind === 'f') && m.kind === 'anon') {
        // "a French official … he said": an anonymous person can be "he".
        if (!isPlural(m.surface.split(' ').pop()!.toLowerCase())) return m.cluster;
        continue;
      }
      if (fits(m.cluster)) {
        const c = clusters[m.cluster];
        if ((kind === 'm' || kind === 'f') && c.kind === 'weak' && !c.isSource && m.nameTokens < 2) continue;
        return m.cluster;
      }
    }
    return undefined;
  }

  function bySurface(): Map<string, number> {
    if (!surfaceIndex) {
      surfaceIndex = new Map();
      for (const m of live) {
        const surface = fold(m.surface);
        if (!surfaceIndex.has(surface)) surfaceIndex.set(surface, m.cluster);
      }
    }
    return surfaceIndex;
  }

  function clusterFromSpan(span: AttributionSpan, cache: Map<string, number>): number | undefined {
    let a = tokAt(span.start);
    let b = a;
    while (b < toks.length && toks[b].s < span.end) b++;
    while (a < b && toks[a].word && (toks[a].w === 'the' || GROUP_DETERMINERS.has(toks[a].w) && toks[a].w !== 'all')) a++;
    while (b > a && (!toks[b - 1].word || TRAILING_ADVERBS.has(toks[b - 1].w))) b--;
    if (b <= a || b - a > 6) return undefined;
    const head = toks[b - 1].w;
    // "the agency", "The campaign": the latest organisation with that head word, if any.
    if (b - a === 1 && ORG_HEADS.has(head) && a > 0 && toks[a - 1].w === 'the') {
      for (let i = live.length - 1; i >= 0; i--) {
        const m = live[i];
        if (m.e > span.start) continue;
        const c = clusters[m.cluster];
        if (c.kind === 'org' && fold(m.surface).endsWith(head)) return m.cluster;
      }
    }
    let kind: MentionKind | undefined;
    if (GROUP_HEADS.has(head) && isPlural(head)) kind = 'group';
    else if (ANON_HEADS.has(head)) kind = 'anon';
    else if (ORG_HEADS.has(head)) kind = 'org';
    else if (toks.slice(a, b).some((t) => t.cap && !(t.sent && SENTENCE_FUNCTION_WORDS.has(t.w))) && toks.slice(a, b).every((t) => t.word && (t.cap || NAME_PARTICLES.has(t.w) || t.w === 'of'))) kind = 'org';
    if (!kind) return undefined;
    const surface = text.slice(toks[a].s, toks[b - 1].e);
    // A name met elsewhere in the text as something else ("Russia" the place) is that speaker.
    const same = bySurface().get(fold(surface));
    if (same !== undefined) return same;
    const key = `${kind}:${fold(surface)}`;
    const known = cache.get(key);
    const m: Mention = {
      s: toks[a].s, e: toks[b - 1].e, a, b, kind, surface, first: '', last: fold(toks[b - 1].w), nameTokens: b - a, gender: '', role: null,
      roleStrength: 0, head: singular(head), definite: false, honorific: '', absorbed: false, cluster: -1, pronoun: false,
    };
    if (known !== undefined) { clusters[known].mentions.push(m); m.cluster = known; return known; }
    clusters.push({ kind, mentions: [m], gender: '', first: '', last: m.last, bareUsed: false, isSource: true, pronouns: [] });
    m.cluster = clusters.length - 1;
    cache.set(key, m.cluster);
    return m.cluster;
  }

  // Output: which clusters are listed, their names, roles and stable ids.
  const listed: number[] = [];
  clusters.forEach((c, id) => {
    const always = c.kind === 'person' || c.kind === 'org';
    if (always || c.isSource) listed.push(id);
  });
  // Each listed cluster's first start, computed once rather than in every comparison.
  const firstStarts = new Float64Array(clusters.length);
  for (const id of listed) firstStarts[id] = firstStart(clusters[id]);
  listed.sort((x, y) => firstStarts[x] - firstStarts[y]);
  const listedSurnames = new Map<string, number>();
  for (const id of listed) {
    const c = clusters[id];
    if (c.kind === 'person' || c.kind === 'weak') listedSurnames.set(c.last, (listedSurnames.get(c.last) ?? 0) + 1);
  }
  const index = new Map<number, number>();
  const usedIds = new Map<string, number>();
  const speakers: SpeakerCluster[] = listed.map((id, n) => {
    index.set(id, n);
    const c = clusters[id];
    const name = canonicalName(c, (last) => (listedSurnames.get(last) ?? 0) > 1);
    let sid = slug(name);
    const seen = usedIds.get(sid);
    if (seen !== undefined) {
      let k = seen + 1;
      while (usedIds.has(`${sid}-${k}`)) k++;
      usedIds.set(sid, k);
      sid = `${sid}-${k}`;
    }
    usedIds.set(sid, usedIds.get(sid) ?? 1);
    const aliases: string[] = [];
    const inTextOrder = [...c.mentions].sort((x, y) => x.s - y.s);
    for (const m of inTextOrder) {
      const s = m.kind === 'role' && m.definite ? `the ${m.surface}` : m.kind === 'anon' ? lowerDeterminer(m.surface) : m.surface;
      if (s !== name && !aliases.includes(s)) aliases.push(s);
    }
    const spans = c.mentions.map((m) => ({ start: m.s, end: m.e })).concat(c.pronouns);
    spans.sort((x, y) => x.start - y.start || x.end - y.end);
    const unique = spans.filter((sp, i) => i === 0 || sp.start !== spans[i - 1].start || sp.end !== spans[i - 1].end);
    return { id: sid, name, kind: outputKind(c), role: bestRole(c, inTextOrder), aliases, mentions: unique };
  });
  return { speakers, claimSpeakers: resolved.map((id) => (id === null ? null : index.get(id) ?? null)) };
}

function firstStart(c: Cluster): number {
  let s = Infinity;
  for (const m of c.mentions) if (m.s < s) s = m.s;
  return s;
}

function lowerDeterminer(s: string): string {
  const sp = s.indexOf(' ');
  if (sp < 0) return s;
  const w = s.slice(0, sp);
  return ANON_DETERMINERS.has(w.toLowerCase()) || w === 'The' ? w.toLowerCase() + s.slice(sp) : s;
}

function outputKind(c: Cluster): SpeakerKind {
  switch (c.kind) {
    case 'person': case 'weak': case 'role': return 'person';
    case 'org': case 'place': return 'organization';
    case 'group': return 'group';
    case 'anon': return 'anonymous';
  }
}

function canonicalName(c: Cluster, sameSurname: (last: string) => boolean): string {
  if (c.name) return c.name;
  const ms = c.mentions;
  if (c.kind === 'person' || c.kind === 'weak') {
    // The longest full name as written, without honorific; else the honorific + surname.
    let best: Mention | undefined;
    for (const m of ms) if (m.nameTokens >= 2 && (!best || m.nameTokens > best.nameTokens)) best = m;
    if (best) return best.honorific ? best.surface.slice(best.surface.indexOf(' ') + 1) : best.surface;
    // Surname only: "Obama" (not "Mr. Obama"), unless the honorific tells two people apart ("Mrs. Trump").
    const withHonorific = ms.find((m) => m.honorific);
    if (withHonorific && sameSurname(withHonorific.last)) return withHonorific.surface;
    const bare = ms.find((m) => m.kind !== 'role' && !m.honorific && m.nameTokens === 1);
    if (bare) return bare.surface;
    if (withHonorific) return withHonorific.surface.slice(withHonorific.surface.indexOf(' ') + 1);
    return (ms.find((m) => m.kind !== 'role') ?? ms[0]).surface;
  }
  if (c.kind === 'role') return lowerDeterminer('the ' + ms[0].surface);
  if (c.kind === 'anon') return lowerDeterminer(ms[0].surface);
  return ms[0].surface;
}

/** `inTextOrder`: the cluster's mentions sorted by start. */
function bestRole(c: Cluster, inTextOrder: readonly Mention[]): string | null {
  let best: string | null = null;
  let strength = 0;
  for (const m of inTextOrder) {
    if (m.role && m.roleStrength > strength) { best = m.role; strength = m.roleStrength; }
  }
  if (best === null && c.kind === 'role') return c.mentions[0].surface;
  return best;
}
