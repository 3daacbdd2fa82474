/**
 * Speaker stances: for each attributed claim, what the speaker is for or
 * against — policies and topics from the topic table (targets.ts) and the
 * people, organisations and countries named around the claim (through the
 * directed classifier) — and the corpus-wide aggregation shown in the
 * speaker hover card, where people's confirmed stances win.
 */
import type { ExtractedClaim, ExtractedSpeaker, ExtractedStance } from '../extract/types';
import type { Polarity, Stance } from '../sidecar/model';
import { OffsetMap } from '../text';
import { PreparedSentence } from './directedSentence';
import { stem } from './directedFeatures';
import { capitalisedRuns, isWhiteSpace, scanTokens } from './sentenceTokens';
import { findTopicMentions, isTopic, normaliseTarget, type TopicMention } from './targets';

/** Stems of words that, governing a topic, mean the holder is for it. */
const FOR_TOPIC = new Set([
  'support', 'back', 'urg', 'call', 'push', 'propos', 'plan', 'pledg', 'promis', 'want', 'favor', 'favour',
  'welcom', 'hail', 'prais', 'endors', 'champion', 'spearhead', 'advocat', 'demand', 'insist', 'need', 'must',
  'should', 'agre', 'commit', 'send', 'deploy', 'establish', 'creat', 'build', 'lead', 'defend', 'effort',
  'prepar', 'ready', 'willing', 'determin', 'seek', 'sought', 'aim', 'work', 'help', 'approv',
]);
/** Stems of words that, governing a topic, mean the holder is against it. */
const AGAINST_TOPIC = new Set([
  'oppos', 'reject', 'refus', 'refusal', 'resist', 'warn', 'criticis', 'criticiz', 'condemn', 'denounc',
  'block', 'veto', 'balk', 'reluct', 'reluctanc', 'hesitant', 'skeptic', 'sceptic', 'doubt', 'against',
  'dismiss', 'slam', 'attack', 'rul', 'halt', 'stop', 'prevent', 'avoid', 'fear', 'worri', 'concern',
  'mistak', 'danger', 'dangerous', 'wrong', 'reckless', 'premature', 'naive', 'error', 'disaster',
]);
/** Words after a topic that judge it ("… would be a grave mistake"). */
const GOOD_AFTER = new Set(['essential', 'necessary', 'vital', 'right', 'good', 'important', 'crucial', 'key', 'welcom', 'success', 'need']);
const BAD_AFTER = new Set(['mistak', 'danger', 'dangerous', 'wrong', 'error', 'disaster', 'reckless', 'premature', 'bad', 'unacceptabl', 'folly', 'naive', 'betrayal', 'risk', 'risky', 'catastroph', 'blunder']);
const NEGATORS = new Set(['not', 'no', 'never', "n't", 'without', 'nor', 'neither', 'cannot']);
/** Tokens that end the clause a topic sits in, when scanning away from it. */
const CLAUSE_BREAKS = new Set(['that', ',', ';', ':', '—', '–', '(', ')', '.', '?', '!', 'but', 'while', 'although', 'which', 'who']);
/** Phrases that point back at a topic named just before. */
const ANAPHORA = /\b(?:such a (?:move|step|decision|plan|measure)|the move|that move|this move|the idea|that idea|such an idea)\b/i;
/** "until <clause>" runs to the punctuation; "without <noun phrase>" stops at the next verb. */
const QUALIFIER = /\b(?:(?:until|unless|as long as)\s+(?:[^,.;:—–?!]|\.(?=\p{L}))+|(?:without|in the absence of)\s+(?:(?!(?:would|will|is|was|are|were|should|could|might|must|can|may|to|if|that|which|who|when|and|or)\b)(?:[^,.;:—–?!\s]|\.(?=\p{L}))+\.?\s*)+)/giu;

/**
 * The first qualifier in `text`, as `text.match` would give it without the g flag. One global
 * expression serves both this and the scan of salientTopics: each flag set costs its own
 * compilation of this large expression, a noticeable part of analysing the first document.
 */
function firstQualifier(text: string): RegExpExecArray | null {
  QUALIFIER.lastIndex = 0;
  return QUALIFIER.exec(text);
}

interface Token {
  text: string;
  stem: string;
  start: number;
  end: number;
}

function tokensWithOffsets(text: string): Token[] {
  const out: Token[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  // The tokens of /[\p{L}\p{N}]+(?:['’-][\p{L}]+)*|[^\s\p{L}\p{N}]/gu, found without the expression.
  scanTokens(text, starts, ends, true);
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k];
    const end = ends[k];
    let word = text.slice(start, end).toLowerCase();
    // (Tested first: most words have no ’, and the replacement costs an expression run apiece.)
    if (word.includes('’')) word = word.replace(/’/g, "'");
    // "doesn't" → "does" + "n't", so the negator is a token of its own.
    if (word.endsWith("n't") && word.length > 3) {
      out.push({ text: word.slice(0, -3), stem: stem(word.slice(0, -3)), start, end: start + word.length - 3 });
      word = "n't";
      out.push({ text: word, stem: word, start: end - 3, end });
      continue;
    }
    out.push({ text: word, stem: stem(word), start, end });
  }
  return out;
}

/** The first token of `text` lower-cased, as `tokenize(text)[0]` gives it ('' when there is none). */
function firstToken(text: string): string {
  const starts: number[] = [];
  const ends: number[] = [];
  scanTokens(text, starts, ends);
  return starts.length ? text.slice(starts[0], ends[0]).toLowerCase() : '';
}

function isNegator(t: Token): boolean {
  return NEGATORS.has(t.text);
}

/** . ! ? or a line feed. */
function isSentenceEnd(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 10;
}

/** The characters of the regular-expression class \s. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Closing quotes that may follow a sentence's period: ” " ’. */
function isClosingQuote(c: number): boolean {
  return c === 0x201d || c === 34 || c === 0x2019;
}

/** Sentence boundaries (UTF-16) of the sentence that contains `offset`. */
function sentenceAround(text: string, offset: number): [number, number] {
  return [sentenceStart(text, offset), sentenceEnd(text, offset)];
}

/** Where the sentence that contains `offset` starts (UTF-16). */
function sentenceStart(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && !isSentenceEnd(text.charCodeAt(start - 1))) start--;
  // Quotes may close after the period: ".”"
  while (start < text.length && start < offset && (isSpace(text.charCodeAt(start)) || isClosingQuote(text.charCodeAt(start)))) start++;
  return start;
}

/** Where the sentence that contains `offset` ends (UTF-16). */
function sentenceEnd(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && !isSentenceEnd(text.charCodeAt(end))) end++;
  while (end < text.length && (isSentenceEnd(text.charCodeAt(end)) && text.charCodeAt(end) !== 10 || isClosingQuote(text.charCodeAt(end)))) end++;
  return end;
}

/** The polarity words around one topic mention give, in [-1, 1], or null when there is no signal. */
function topicPolarity(tokens: Token[], mention: TopicMention, cueStem: string | null): { value: number; signals: number } | null {
  const firstInside = tokens.findIndex((t) => t.end > mention.start);
  const afterIndex = tokens.findIndex((t) => t.start >= mention.end);
  let governing = 0;
  let negations = 0;
  let signals = 0;
  // Inside the mention: "refusal to send troops" is partly matched by the pattern itself.
  for (let i = firstInside - 1; i >= 0 && i >= firstInside - 10; i--) {
    const t = tokens[i];
    if (CLAUSE_BREAKS.has(t.text)) break;
    if (isNegator(t)) {
      negations++;
      signals++;
      continue;
    }
    // Governing words compose: "rejecting Russia's demand to lift" = against × for = against.
    const g = AGAINST_TOPIC.has(t.stem) || AGAINST_TOPIC.has(t.text) ? -1 : FOR_TOPIC.has(t.stem) || FOR_TOPIC.has(t.text) ? 1 : 0;
    if (g !== 0) {
      governing = (governing || 1) * g;
      signals++;
    }
  }
  let judged = 0;
  if (afterIndex >= 0) {
    let negatedAfter = false;
    for (let i = afterIndex; i < tokens.length && i < afterIndex + 10; i++) {
      const t = tokens[i];
      if (['.', ';', '?', '!', '—'].includes(t.text)) break;
      if (t.text === 'not' || t.text === "n't" || t.text === 'never' || t.text === 'no') negatedAfter = true;
      if (BAD_AFTER.has(t.stem) || BAD_AFTER.has(t.text)) judged = negatedAfter ? 1 : -1;
      else if (GOOD_AFTER.has(t.stem) || GOOD_AFTER.has(t.text)) judged = negatedAfter ? -1 : 1;
      if (judged !== 0) {
        signals++;
        break;
      }
    }
  }
  if (signals === 0) {
    // Nothing local: fall back on the claim's own cue verb ("criticised …", "hailed …").
    if (cueStem && AGAINST_TOPIC.has(cueStem)) return { value: -mention.sign, signals: 1 };
    if (cueStem && (cueStem === 'hail' || cueStem === 'prais' || cueStem === 'welcom' || cueStem === 'urg')) return { value: mention.sign, signals: 1 };
    return null;
  }
  let value = (governing || 1) * (judged || 1) * (negations % 2 === 1 ? -1 : 1);
  if (governing === 0 && judged === 0 && negations === 0) value = 0;
  return { value: value * mention.sign, signals };
}

const ENTITY_STOP = new Set([
  'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'January', 'February', 'March', 'April',
  'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'The', 'A', 'An', 'But', 'And', 'He', 'She',
  'It', 'They', 'We', 'I', 'This', 'That', 'There', 'In', 'On', 'For', 'So', 'Still', 'However', 'While', 'If', 'My', 'Our',
  'Despite', 'After', 'Before', 'As', 'At', 'By', 'With', 'From', 'Beyond', 'Meanwhile', 'Many', 'Some', 'Others', 'Retired', 'Speaking',
]);

/** A name found in a sentence: its UTF-16 span and the sentence's text there. */
interface NamedEntity {
  span: [number, number];
  /**
   * sentence.slice(span[0], span[1]), made once per sentence: the claims that share the sentence
   * look it up by this string, whose hash the engine then keeps.
   */
  name: string;
}

/** Capitalised runs (names of people, organisations, countries) in a sentence. */
function namedEntities(sentence: string): NamedEntity[] {
  const out: NamedEntity[] = [];
  for (const [runStart, runEnd] of capitalisedRuns(sentence)) {
    // Without a possessive: "Trump's" → "Trump", "Reuters’" → "Reuters".
    let end = runEnd;
    if (end - runStart >= 2 && sentence.charCodeAt(end - 1) === 115 && isApostrophe(sentence.charCodeAt(end - 2))) end -= 2;
    else if (isApostrophe(sentence.charCodeAt(end - 1))) end -= 1;
    let start = runStart;
    let text: string;
    let singleWord = true;
    for (let i = runStart; i < end && singleWord; i++) if (isWhiteSpace(sentence.charCodeAt(i))) singleWord = false;
    if (singleWord) {
      // Most runs are one word ("Trump", "Monday"): the general case below, without its arrays.
      text = sentence.slice(runStart, end);
      if (ENTITY_STOP.has(text)) continue;
    } else {
      const run = sentence.slice(runStart, runEnd);
      const words = sentence.slice(runStart, end).split(/\s+/);
      while (words.length && ENTITY_STOP.has(words[0])) words.shift();
      if (!words.length) continue;
      text = words.join(' ');
      // (-1 when the run had other white space than one space between its words.)
      start = runStart + run.indexOf(text);
    }
    if (text.length < 2 || isInitial(text)) continue;
    // Adjectives, not parties: "U.S.-brokered", "French-British", a lone "European".
    if (text.includes('-') && (/-\p{Ll}/u.test(text) || /^\p{Lu}\p{L}*-\p{Lu}\p{L}*$/u.test(text))) continue;
    if ((singleWord || !/\s/.test(text)) && looksLikeNationality(text)) continue;
    // The name is the span's text: `text` itself, but where the run's words were apart by other
    // white space than one space (start is then off by one, see above).
    const spanEnd = start + text.length;
    out.push({ span: [start, spanEnd], name: singleWord ? text : sentence.slice(start, spanEnd) });
  }
  return out;
}

/** A lone capital, perhaps with a period: /^[A-Z]\.?$/ without the expression (run on every name). */
function isInitial(text: string): boolean {
  const first = text.charCodeAt(0);
  return first >= 65 && first <= 90 && (text.length === 1 || (text.length === 2 && text.charCodeAt(1) === 46));
}

/** Countries that end like an adjective of nationality. */
const COUNTRIES_LIKE_ADJECTIVES = new Set(['Iran', 'Pakistan', 'Afghanistan', 'Sudan', 'Japan', 'Taiwan', 'Oman', 'Kazakhstan']);

/**
 * "European", "British", "Chinese", "Islamic": /(?:an|ish|ese|ic)$/ but for the countries that end
 * so, without the expressions (run on every name).
 */
function looksLikeNationality(text: string): boolean {
  return (text.endsWith('an') || text.endsWith('ish') || text.endsWith('ese') || text.endsWith('ic')) && !COUNTRIES_LIKE_ADJECTIVES.has(text);
}

/** ' or ’ */
function isApostrophe(c: number): boolean {
  return c === 39 || c === 0x2019;
}

function polarityOf(value: number): Polarity {
  return value > 0 ? 'support' : value < 0 ? 'oppose' : 'neutral';
}

/** The summary verb phrase for a polarity toward a target. */
function verbFor(polarity: Polarity, target: string): string {
  const topic = isTopic(target);
  switch (polarity) {
    case 'support':
      return topic ? 'Supports' : 'Speaks favourably of';
    case 'oppose':
      return topic ? 'Opposes' : 'Criticises';
    case 'neutral':
      return 'Comments on';
    default:
      return 'Has mixed views on';
  }
}

export function summarise(polarity: Polarity, target: string, qualifier?: string): string {
  return `${verbFor(polarity, target)} ${target}${qualifier ? ` ${qualifier}` : ''}`;
}

/** The qualifier ("until peace is established") at the end of a summary made by `summarise`. */
function qualifierOf(summary: string, polarity: Polarity, target: string): string | undefined {
  const head = `${verbFor(polarity, target)} ${target} `;
  if (!summary.startsWith(head)) return undefined;
  return summary.slice(head.length).replace(/\s*\(.*\)$/, '').trim() || undefined;
}

function cleanQualifier(q: string): string {
  return q.trim().replace(/\.$/, '').replace(/[“”"«»]/g, '').replace(/\s+/g, ' ').trim();
}

/** What the stance rules need to know about one sentence of the document, whichever claim asks. */
interface SentenceFacts {
  sentence: string;
  salient: TopicMention[];
  anaphora: boolean;
  /** Filled on first use. */
  tokens?: Token[];
  qualifier?: RegExpMatchArray | null;
  topicBefore?: string | null;
  entities?: NamedEntity[];
  classifier?: PreparedSentence;
}

function sentenceFacts(cache: Map<number, SentenceFacts>, text: string, sStart: number, sEnd: number): SentenceFacts {
  const key = sStart * (text.length + 1) + sEnd;
  let facts = cache.get(key);
  if (!facts) {
    const sentence = text.slice(sStart, sEnd);
    const lower = sentence.toLowerCase();
    // Every field from the start: one object shape for all sentences keeps the claim loop's code fast.
    facts = {
      sentence,
      salient: salientTopics(sentence, lower),
      anaphora: mayBeAnaphora(lower) && ANAPHORA.test(sentence),
      tokens: undefined,
      qualifier: undefined,
      topicBefore: undefined,
      entities: undefined,
      classifier: undefined,
    };
    cache.set(key, facts);
  }
  return facts;
}

/**
 * False when the lower-cased sentence lacks the words every ANAPHORA phrase has ("move", "idea",
 * "such a"), so that most sentences skip the expression.
 */
function mayBeAnaphora(lower: string): boolean {
  return ANAPHORA_WORDS.test(lower);
}

const ANAPHORA_WORDS = /move|idea|such a/;

interface Evidence {
  target: string;
  value: number;
  confidence: number;
  qualifier?: string;
}

/**
 * Stances of each claim's speaker in one document. `text` is the document;
 * claim offsets are code points. One stance per (speaker, target), evidence
 * from several claims combined (conflicting claims make it `mixed`).
 */
export function computeStances(text: string, extraction: { speakers: ExtractedSpeaker[]; claims: ExtractedClaim[] }): ExtractedStance[] {
  const map = new OffsetMap(text);
  const speakers = new Map(extraction.speakers.map((s) => [s.id, s]));
  const grouped = new Map<string, { speaker: string; target: string; items: Array<Evidence & { claim: string }> }>();

  const claims = extraction.claims.filter((c) => c.speaker !== null).sort((a, b) => a.start - b.start);
  // Several claims often share a sentence: what depends only on the sentence is worked out once.
  const sentences = new Map<number, SentenceFacts>();
  const resolved = new Map<string, string>();
  /** Cue text → stem of its first word: cues are a few reporting words, said again and again. */
  const cueStems = new Map<string, string>();
  let lastWords: Array<string | undefined> | undefined;
  const claimStarts = claims.map((c) => map.toUtf16(c.start));
  for (const claim of claims) {
    const speaker = speakers.get(claim.speaker!);
    if (!speaker) continue;
    // The sentence(s) holding the claim, its cue and its source.
    let first = claim.start;
    let last = claim.end;
    for (const span of [claim.cue, claim.source]) {
      if (!Array.isArray(span)) continue;
      first = Math.min(first, span[0]);
      last = Math.max(last, span[1]);
    }
    const from = map.toUtf16(first);
    const to = map.toUtf16(last);
    const sStart = sentenceStart(text, from);
    const sEnd = sentenceEnd(text, Math.max(from, to - 1));
    const facts = sentenceFacts(sentences, text, sStart, sEnd);
    const sentence = facts.sentence;
    let cueStem: string | null = null;
    if (claim.cue) {
      const cue = map.slice(claim.cue[0], claim.cue[1]);
      cueStem = cueStems.get(cue) ?? null;
      if (cueStem === null) cueStems.set(cue, (cueStem = stem(firstToken(cue))));
    }
    const evidence: Evidence[] = [];

    // Policies and topics.
    let mentions = facts.salient;
    if (mentions.length === 0 && facts.anaphora) {
      // "… might consider such a move": the main topic of the nearest sentence before that has one.
      const before = (facts.topicBefore ??= topicBefore(text, sStart));
      const at = sentence.search(ANAPHORA);
      if (before) mentions = [{ canonical: before, sign: 1, start: at, end: at + sentence.match(ANAPHORA)![0].length }];
    }
    const claimFrom = map.toUtf16(claim.start) - sStart;
    const claimTo = map.toUtf16(claim.end) - sStart;
    // Most sentences name no topic: their tokens and qualifier are never needed.
    let qualifierMatch: RegExpMatchArray | null | undefined;
    for (const mention of mentions) {
      const tokens = (facts.tokens ??= tokensWithOffsets(sentence));
      if (qualifierMatch === undefined) qualifierMatch = (facts.qualifier ??= firstQualifier(sentence)) ?? nextSentenceQualifier(text, sEnd, claim, claims, claimStarts);
      const result = topicPolarity(tokens, mention, cueStem);
      const value = result ? result.value : 0;
      // A topic merely named near a claim, with no polarity, says nothing about the speaker.
      if (value === 0 && !(mention.start < claimTo && claimFrom < mention.end)) continue;
      const confidence = result ? Math.min(0.9, 0.55 + 0.15 * result.signals) : 0.3;
      evidence.push({ target: mention.canonical, value, confidence, qualifier: value !== 0 && qualifierMatch ? cleanQualifier(qualifierMatch[0]) : undefined });
    }

    // People, organisations, countries: the directed classifier, speaker as p.
    const speakerSpan = speakerSpanIn(sentence, sStart, claim, speaker, map);
    if (speakerSpan) {
      const seen = new Set<string>();
      for (const { span: entity, name } of (facts.entities ??= namedEntities(sentence))) {
        if (entity[0] < speakerSpan[1] && speakerSpan[0] < entity[1]) continue;
        let target = resolved.get(name);
        if (target === undefined) resolved.set(name, (target = resolveEntity(name, extraction.speakers, (lastWords ??= extraction.speakers.map((x) => x.name.split(/\s+/).pop())))));
        if (!target || target === speaker.name || speaker.aliases.includes(target) || seen.has(target)) continue;
        if (mentions.some((m) => m.start <= entity[0] && entity[1] <= m.end)) continue;
        seen.add(target);
        const sentiment = (facts.classifier ??= new PreparedSentence(sentence)).classify(speakerSpan, entity);
        if (sentiment.from !== 'p' || sentiment.polarity === 'neutral' || sentiment.confidence < 0.5) continue;
        evidence.push({ target, value: sentiment.polarity === 'positive' ? 1 : -1, confidence: Math.round(sentiment.confidence * 100) / 100, qualifier: undefined });
      }
    }

    for (const e of evidence) {
      const key = `${speaker.id}\u0000${e.target}`;
      const group = grouped.get(key) ?? { speaker: speaker.id, target: e.target, items: [] };
      group.items.push({ target: e.target, value: e.value, confidence: e.confidence, qualifier: e.qualifier, claim: claim.id });
      grouped.set(key, group);
    }
  }

  const stances: ExtractedStance[] = [];
  for (const group of grouped.values()) {
    const support = group.items.filter((i) => i.value > 0);
    const oppose = group.items.filter((i) => i.value < 0);
    const polarity: Polarity = support.length && oppose.length ? 'mixed' : support.length ? 'support' : oppose.length ? 'oppose' : 'neutral';
    const sided = polarity === 'support' ? support : polarity === 'oppose' ? oppose : group.items;
    const qualifier = sided.find((i) => i.qualifier)?.qualifier;
    const confidence = combineConfidence(sided.map((i) => i.confidence)) * (polarity === 'mixed' ? 0.6 : 1);
    stances.push({
      speaker: group.speaker,
      target: group.target,
      polarity,
      claims: [...new Set(group.items.map((i) => i.claim))],
      summary: polarity === 'mixed' ? mixedSummary(group.target, support.length, oppose.length) : summarise(polarity, group.target, qualifier),
      confidence: Math.round(confidence * 100) / 100,
    });
  }
  return stances.sort((a, b) => b.claims.length - a.claims.length || b.confidence - a.confidence);
}

/**
 * Topic mentions that are what a sentence is about: those inside a qualifier
 * ("lifting sanctions without a truce") only qualify the main topic.
 */
function salientTopics(sentence: string, lower = sentence.toLowerCase()): TopicMention[] {
  const topics = findTopicMentions(sentence, lower);
  if (topics.length === 0) return topics;
  const qualifiers: Array<[number, number]> = [];
  QUALIFIER.lastIndex = 0;
  // (A match is never empty: each alternative starts with a word.)
  for (let m = QUALIFIER.exec(sentence); m; m = QUALIFIER.exec(sentence)) qualifiers.push([m.index, m.index + m[0].length]);
  return topics.filter((t) => !qualifiers.some(([a, b]) => t.start >= a && t.end <= b));
}

/** The main topic of the nearest of the two sentences before `offset` that names one. */
function topicBefore(text: string, offset: number): string | null {
  let end = offset;
  for (let k = 0; k < 2 && end > 0; k++) {
    const start = sentenceStart(text, Math.max(0, end - 2));
    const topics = salientTopics(text.slice(start, end)).filter((t) => t.canonical !== 'sanctions on Russia');
    if (topics.length) return topics[0].canonical;
    end = start;
  }
  return null;
}

/**
 * A qualifier in the next sentence when the same speaker goes on ("he said it won't be time until …").
 * `claimStarts` are the UTF-16 starts of `claims`.
 */
function nextSentenceQualifier(text: string, sEnd: number, claim: ExtractedClaim, claims: ExtractedClaim[], claimStarts: number[]): RegExpMatchArray | null {
  const [nStart, nEnd] = sentenceAround(text, Math.min(text.length - 1, sEnd + 1));
  if (nStart <= sEnd - 1) return null;
  const sameSpeakerNext = claims.some((c, k) => c !== claim && c.speaker === claim.speaker && claimStarts[k] >= nStart && claimStarts[k] < nEnd);
  if (!sameSpeakerNext) return null;
  return firstQualifier(text.slice(nStart, nEnd));
}

/** Where the speaker is named in the sentence (the claim's source span, else a mention or the name). */
function speakerSpanIn(sentence: string, sStart: number, claim: ExtractedClaim, speaker: ExtractedSpeaker, map: OffsetMap): [number, number] | null {
  const sEnd = sStart + sentence.length;
  for (let k = claim.source ? -1 : 0; k < speaker.mentions.length; k++) {
    const span = k < 0 ? claim.source! : speaker.mentions[k];
    const a = map.toUtf16(span[0]);
    const b = map.toUtf16(span[1]);
    if (a >= sStart && b <= sEnd && b > a) return [a - sStart, b - sStart];
  }
  for (const name of [speaker.name, ...speaker.aliases]) {
    const at = sentence.indexOf(name);
    if (at >= 0 && name) return [at, at + name.length];
  }
  return null;
}

/**
 * A known speaker's canonical name when the entity names one; else the normalised entity.
 * `lastWords[k]` is the last word of speaker k's name.
 */
function resolveEntity(name: string, speakers: ExtractedSpeaker[], lastWords: Array<string | undefined>): string {
  for (let k = 0; k < speakers.length; k++) {
    const s = speakers[k];
    if (s.name === name || s.aliases.includes(name)) return s.name;
    const last = lastWords[k];
    if (s.kind === 'person' && last && last === name) return s.name;
  }
  return normaliseTarget(name);
}

function combineConfidence(values: number[]): number {
  if (!values.length) return 0;
  // Independent pieces of evidence: 1 − Π(1 − c), capped below certainty.
  return Math.min(0.99, 1 - values.reduce((acc, c) => acc * (1 - c), 1));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function mixedSummary(target: string, support: number, oppose: number): string {
  const verb = isTopic(target) ? ['supports', 'opposes'] : ['speaks favourably', 'critically'];
  return isTopic(target)
    ? `Has mixed views on ${target}: ${verb[0]} it in ${plural(support, 'statement')}, ${verb[1]} it in ${plural(oppose, 'statement')}`
    : `Has mixed views on ${target}: favourable in ${plural(support, 'statement')}, critical in ${plural(oppose, 'statement')}`;
}

/** One speaker's stance across the corpus, as the hover card shows it. */
export interface AggregatedStance {
  speaker: string;
  target: string;
  polarity: Polarity;
  /** Evidence claims, with the document each comes from. */
  claims: Array<{ document: string; claim: string }>;
  statements: number;
  documents: number;
  /** Statements on each side (for mixed stances: both sides). */
  support: number;
  oppose: number;
  summary: string;
  confidence: number;
  /** True when a person confirmed or edited this stance in a sidecar. */
  confirmed: boolean;
}

/** A confirmed stance from a sidecar, optionally with the document (file name) it was confirmed in. */
export type ConfirmedStance = Stance & { document?: string };

/**
 * Corpus-wide stances: per speaker and normalised target, evidence from every
 * document gathered; most-evidenced first. Conflicting evidence gives `mixed`
 * with both sides counted. A confirmed stance (from the sidecars) replaces the
 * computed one for its speaker and target and is marked `confirmed`.
 */
export function aggregateStances(perDocument: Array<{ document: string; stances: ExtractedStance[] }>, confirmed: ConfirmedStance[] = []): AggregatedStance[] {
  interface Group {
    speaker: string;
    target: string;
    support: Array<{ document: string; claims: string[]; confidence: number; qualifier?: string }>;
    oppose: Array<{ document: string; claims: string[]; confidence: number; qualifier?: string }>;
    neutral: Array<{ document: string; claims: string[]; confidence: number }>;
  }
  const groups = new Map<string, Group>();
  for (const { document, stances } of perDocument) {
    for (const s of stances) {
      const target = normaliseTarget(s.target) || s.target;
      const key = `${s.speaker}\u0000${target}`;
      const g = groups.get(key) ?? { speaker: s.speaker, target, support: [], oppose: [], neutral: [] };
      groups.set(key, g);
      const item = { document, claims: s.claims, confidence: s.confidence, qualifier: qualifierOf(s.summary, s.polarity, s.target) };
      if (s.polarity === 'support') g.support.push(item);
      else if (s.polarity === 'oppose') g.oppose.push(item);
      else if (s.polarity === 'neutral') g.neutral.push(item);
      else {
        // A document-level mixed stance: count its claims on both sides by what its summary says.
        const m = s.summary.match(/in (\d+) statements?, .* in (\d+) statements?/);
        const half = Math.max(1, Math.floor(s.claims.length / 2));
        g.support.push({ ...item, claims: s.claims.slice(0, m ? Number(m[1]) : half) });
        g.oppose.push({ ...item, claims: s.claims.slice(m ? Number(m[1]) : half) });
      }
    }
  }

  const out: AggregatedStance[] = [];
  for (const g of groups.values()) {
    const count = (items: Array<{ document: string; claims: string[] }>) => new Set(items.flatMap((i) => i.claims.map((c) => `${i.document}\u0000${c}`))).size;
    const support = count(g.support);
    const oppose = count(g.oppose);
    const all = [...g.support, ...g.oppose, ...g.neutral];
    const claims = uniqueClaims(all);
    const documents = new Set(all.map((i) => i.document)).size;
    const polarity: Polarity = support && oppose ? 'mixed' : support ? 'support' : oppose ? 'oppose' : 'neutral';
    const sided = polarity === 'support' ? g.support : polarity === 'oppose' ? g.oppose : all;
    const qualifier = polarity === 'support' || polarity === 'oppose' ? (sided as Array<{ qualifier?: string }>).find((i) => i.qualifier)?.qualifier : undefined;
    const counts = `(${plural(claims.length, 'statement')}, ${plural(documents, 'document')})`;
    const summary = polarity === 'mixed' ? `${mixedSummary(g.target, support, oppose)} ${counts}` : `${summarise(polarity, g.target, qualifier)} ${counts}`;
    const confidence = combineConfidence(sided.map((i) => i.confidence)) * (polarity === 'mixed' ? 0.6 : 1);
    out.push({ speaker: g.speaker, target: g.target, polarity, claims, statements: claims.length, documents, support, oppose, summary, confidence: Math.round(confidence * 100) / 100, confirmed: false });
  }

  for (const c of confirmed) {
    const target = normaliseTarget(c.target) || c.target;
    const at = out.findIndex((s) => s.speaker === c.speaker && s.target === target);
    const claims = c.claims.map((claim) => ({ document: c.document ?? '', claim }));
    const documents = new Set(claims.map((x) => x.document)).size;
    const replacement: AggregatedStance = {
      speaker: c.speaker,
      target,
      polarity: c.polarity,
      claims,
      statements: claims.length,
      documents,
      support: c.polarity === 'support' ? claims.length : 0,
      oppose: c.polarity === 'oppose' ? claims.length : 0,
      summary: c.summary ?? `${summarise(c.polarity, target)} (${plural(claims.length, 'statement')}, ${plural(documents, 'document')})`,
      confidence: 1,
      confirmed: true,
    };
    if (at >= 0) out[at] = replacement;
    else out.push(replacement);
  }

  // Confirmed first, then most-evidenced, then most confident.
  return out.sort((a, b) => Number(b.confirmed) - Number(a.confirmed) || b.statements - a.statements || b.confidence - a.confidence || a.target.localeCompare(b.target));
}

function uniqueClaims(items: Array<{ document: string; claims: string[] }>): Array<{ document: string; claim: string }> {
  const seen = new Set<string>();
  const out: Array<{ document: string; claim: string }> = [];
  for (const i of items) {
    for (const claim of i.claims) {
      const key = `${i.document}\u0000${claim}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ document: i.document, claim });
    }
  }
  return out;
}
