/**
 * Stance targets: the table of policy/topic patterns, and `normaliseTarget`,
 * which maps the many ways a text names one topic onto a single canonical
 * target so that evidence gathers across documents.
 *
 * Each topic pattern carries a `sign`: +1 when the phrase names the topic
 * itself ("lift sanctions" → lifting sanctions), -1 when it names its opposite
 * ("tighten sanctions" → supporting it means opposing lifting sanctions).
 */

export interface TopicPattern {
  /** Matched against lowercased text with typographic quotes removed. */
  pattern: RegExp;
  sign: 1 | -1;
}

export interface Topic {
  canonical: string;
  patterns: TopicPattern[];
}

const SANCTIONS = String.raw`(?:the\s+|western\s+|eu\s+|u\.s\.\s+|economic\s+|existing\s+|some\s+|all\s+)*sanctions`;
const TROOPS = String.raw`(?:[\w,.-]+\s+){0,2}?(?:troops|soldiers|forces|boots on the ground)`;

/**
 * The topic table. Order matters: the first topic whose pattern matches a
 * stretch of text claims it (so "lifting sanctions" wins over "sanctions").
 */
export const TOPICS: Topic[] = [
  {
    canonical: 'lifting sanctions on Russia',
    patterns: [
      { pattern: new RegExp(String.raw`\b(?:lift|lifts|lifted|lifting|ease|eases|eased|easing|relax|relaxing|remove|removing|drop|dropping|roll back|rolling back|scrap|scrapping|end|ending)\s+(?:of\s+)?${SANCTIONS}`), sign: 1 },
      { pattern: new RegExp(String.raw`\b(?:lifting|easing|removal|relaxation|end|rollback)\s+of\s+${SANCTIONS}`), sign: 1 },
      { pattern: /\bsanctions\s+relief\b/, sign: 1 },
      { pattern: /\bsanctions\s+(?:\w+\s+){0,3}(?:lifted|eased|removed|relaxed)\b/, sign: 1 },
      { pattern: /\bsanctions\s+(?:\w+\s+){0,3}(?:be\s+)?(?:lifted|eased|removed|relaxed)\b/, sign: 1 },
      { pattern: /\blift(?:ing)?\s+them\b|\beas(?:e|ing)\s+them\b/, sign: 1 },
      { pattern: new RegExp(String.raw`\b(?:tighten|tightening|tighter|intensify|intensifying|intensified|increase|increasing|strengthen|strengthening|extend|extending|renew|renewing|impose|imposing|keep|keeping|maintain|maintaining|more)\s+${SANCTIONS}`), sign: -1 },
    ],
  },
  {
    canonical: 'sending troops to Ukraine',
    patterns: [
      { pattern: new RegExp(String.raw`\b(?:send|sends|sent|sending|deploy|deploys|deployed|deploying|commit|commits|committed|committing|dispatch|dispatched|dispatching|station|stationing|put)\s+${TROOPS}`), sign: 1 },
      { pattern: /\b(?:troop|military|european)\s+deployments?\b|\bdeployments?\s+(?:of\s+(?:\w+\s+)?(?:troops|soldiers|forces)|to ukraine)\b|\bdeploying forces\b/, sign: 1 },
      { pattern: /\btroops?\s+(?:sent\s+)?(?:to|in|into)\s+ukraine\b/, sign: 1 },
    ],
  },
  {
    canonical: 'a European reassurance force',
    patterns: [{ pattern: /\b(?:reassurance|post-?war|peacekeeping|deterrent|security)\s+force\b|\bcoalition of the willing\b/, sign: 1 }],
  },
  {
    canonical: 'a ceasefire',
    patterns: [{ pattern: /\b(?:cease-?fire|truce|armistice)\b/, sign: 1 }],
  },
  {
    canonical: 'the peace process',
    patterns: [{ pattern: /\bpeace\s+(?:process|deal|talks|plan|agreement|negotiations)\b/, sign: 1 }],
  },
  {
    canonical: 'military aid to Ukraine',
    patterns: [{ pattern: /\b(?:military|weapons|arms)\s+(?:aid|support|supplies|deliveries)\b/, sign: 1 }],
  },
  {
    canonical: 'sanctions on Russia',
    patterns: [{ pattern: /\bsanctions\b/, sign: 1 }],
  },
];

export interface TopicMention {
  canonical: string;
  sign: 1 | -1;
  /** UTF-16 offsets into the searched text. */
  start: number;
  end: number;
}

/** The lower-cased text as the patterns see it: same length, so offsets carry over; only quote marks change. */
function foldForMatching(lower: string): string {
  return lower.replace(/[“”«»„"]/g, ' ').replace(/[‘’]/g, "'");
}

/** The table's patterns as global expressions, compiled once: findTopicMentions runs for every claim. */
let globalPatterns: Array<{ canonical: string; sign: 1 | -1; global: RegExp }> | undefined;

function topicPatterns(): Array<{ canonical: string; sign: 1 | -1; global: RegExp }> {
  return (globalPatterns ??= TOPICS.flatMap((topic) => topic.patterns.map(({ pattern, sign }) => ({ canonical: topic.canonical, sign, global: new RegExp(pattern.source, 'g') }))));
}

/**
 * Words of which every topic pattern but "lift them" / "ease them" contains one (the patterns' fixed
 * words: "sanctions", "troops", "truce" …), so that text with none of them names no such topic.
 * Single words only: the patterns' spaces may be quote marks in the text, which matching turns into
 * spaces. Keep in step with TOPICS.
 */
const TOPIC_WORDS = ['sanction', 'troop', 'soldier', 'force', 'boots', 'deployment', 'coalition', 'cease', 'truce', 'armistice', 'peace', 'military', 'weapons', 'arms'];
/** Any of TOPIC_WORDS (plain letters: no escaping needed). */
const ANY_TOPIC_WORD = new RegExp(TOPIC_WORDS.join('|'));
/**
 * The fixed words of the pattern "lift them" / "ease them" besides "them": "them" is common, and
 * alone it would send some 70 % more sentences of news text through every pattern.
 */
const LIFT_OR_EASE = /lift|eas/;

/**
 * False when the lower-cased text contains no TOPIC_WORDS, nor "them" with "lift" or "eas", hence
 * no topic: most sentences, which this tells apart with a search for plain words instead of the
 * topic patterns.
 */
function mayNameTopic(lower: string): boolean {
  return ANY_TOPIC_WORD.test(lower) || (lower.includes('them') && LIFT_OR_EASE.test(lower));
}

/**
 * Every topic mention in `text`, non-overlapping, earlier topics in the table winning ties.
 * `lower` is the text lower-cased, for a caller that has it already.
 */
export function findTopicMentions(text: string, lower = text.toLowerCase()): TopicMention[] {
  const found: TopicMention[] = [];
  if (!mayNameTopic(lower)) return found;
  // Folding changes quote marks only, so it cannot make or break one of the words above.
  // (No further joint pre-check here: the patterns joined into one expression scan the sentences
  // that pass the word test hardly faster than one by one, and that expression takes longer to
  // compile than a fresh process spends on its first document's topics.)
  const folded = foldForMatching(lower);
  for (const { canonical, sign, global } of topicPatterns()) {
    global.lastIndex = 0;
    for (let m = global.exec(folded); m; m = global.exec(folded)) {
      const start = m.index;
      const end = start + m[0].length;
      // An empty match must not stall the scan (as matchAll steps over it).
      if (end === start) global.lastIndex++;
      if (found.some((f) => f.start < end && start < f.end)) continue;
      found.push({ canonical, sign, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'those', 'such', 'any', 'some', 'its', 'their', 'his', 'her', 'our', 'my', 'your', 'all']);

function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 4 && /(?:ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * The canonical name of a target phrase. Known topics map onto their table
 * entry ("ease sanctions", "the lifting of Western sanctions on Russia" →
 * "lifting sanctions on Russia"). Proper names keep their spelling, minus a
 * leading article and a possessive ("the Kremlin's" → "Kremlin"). Other noun
 * phrases are lowercased, lose their determiners and have their head
 * singularised ("the new sanctions packages" → "new sanctions package").
 */
export function normaliseTarget(phrase: string): string {
  const known = normalised.get(phrase);
  if (known !== undefined) return known;
  const result = normaliseUncached(phrase);
  // Bounded: the names met in a large archive are many, memory is not.
  if (normalised.size > 20_000) normalised.clear();
  normalised.set(phrase, result);
  return result;
}

const normalised = new Map<string, string>();

function normaliseUncached(phrase: string): string {
  const trimmed = phrase.replace(/[“”"«»]/g, '').replace(/\s+/g, ' ').trim();
  const topics = findTopicMentions(trimmed);
  if (topics.length) return topics[0].canonical;
  const words = trimmed.replace(/['’]s?$/, '').split(' ').filter(Boolean);
  while (words.length > 1 && DETERMINERS.has(words[0].toLowerCase())) words.shift();
  if (words.length === 0) return '';
  const proper = words.some((w) => /^\p{Lu}/u.test(w));
  if (proper) return words.join(' ');
  const lower = words.map((w) => w.toLowerCase());
  lower[lower.length - 1] = singular(lower[lower.length - 1]);
  return lower.join(' ');
}

/** True for the canonical name of a table topic (a policy), false for people, organisations and places. */
export function isTopic(target: string): boolean {
  return TOPICS.some((t) => t.canonical === target) || /^\p{Ll}/u.test(target);
}
