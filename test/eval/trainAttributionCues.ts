/**
 * Trains the attribution-cue model (src/core/extract/attributionCueModel.ts):
 * logistic regression over the context features of attributionCues.ts,
 * deciding whether a word heads a gold Cue span of PolNeAR.
 *
 *   npx tsc -p . && node out/test/eval/trainAttributionCues.js \
 *     --corpus ../shared/corpora/polnear/train [--heldout ../shared/corpora/polnear/dev] [--out src/core/extract/attributionCueModel.ts]
 *
 * Deterministic: fixed example order shuffled by a seeded generator, fixed
 * epochs and learning rates. Only derived numbers (feature weights, candidate
 * words) are written, never corpus text.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cueTrainingView } from '../../src/core/extract/attribution';
import { cueFeatures } from '../../src/core/extract/attributionCues';
import { CUE_WORDS } from '../../src/core/extract/attributionLexicon';
import { loadPolnear, type CorpusDocument } from './attribution';

/** Words that are never the head of a cue span ("has said", "would also argue"). */
const NOT_HEAD = new Set(['has', 'have', 'had', 'also', 'would', 'will', 'is', 'was', 'were', 'are', 'be', 'been', 'being', 'did',
  'does', 'do', 'not', 'could', 'may', 'might', 'should', 'must', 'can', 'to', 'and', 'the', 'a', 'an']);

interface Example { features: string[]; label: 0 | 1; lexicon?: boolean }

interface Occurrence { word: string; label: 0 | 1; features: string[]; lexicon: boolean }

/** Out-of-quote word tokens of every document with their labels; features only for the `featuresFor` words. */
function occurrences(docs: CorpusDocument[], featuresFor: ReadonlySet<string> | null): Occurrence[] {
  const out: Occurrence[] = [];
  for (const doc of docs) {
    const { toks, sentences } = cueTrainingView(doc.text);
    // Gold cue heads: the first word of each attribution's first cue fragment that is not an auxiliary.
    const heads = new Set<number>();
    for (const g of doc.gold) {
      const frag = g.cue[0];
      if (!frag) continue;
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.e <= frag[0] || t.k !== 0) continue;
        if (t.s >= frag[1]) break;
        if (NOT_HEAD.has(t.w)) continue;
        heads.add(i);
        break;
      }
    }
    for (const [lo, hi] of sentences) {
      let quoteInSentence = false;
      for (let i = lo; i <= hi; i++) if (toks[i].q >= 0) { quoteInSentence = true; break; }
      for (let i = lo; i <= hi; i++) {
        const t = toks[i];
        if (t.k !== 0 || t.q >= 0) continue;
        const features: string[] = [];
        // The previous rule, for comparison: a lexicon precision of 0.25, or 0.2 with "that", ":" or a quote after it.
        const lp = CUE_WORDS[t.w]?.[1] ?? 0;
        const nx = i + 1 <= hi ? toks[i + 1] : undefined;
        const lexicon = t.w === 'according' || lp >= 0.25 || (lp >= 0.2 && !!nx && (nx.w === 'that' || nx.w === ':' || nx.k === 2 || nx.k === 4));
        if (featuresFor === null) { out.push({ word: t.w, label: heads.has(i) ? 1 : 0, features, lexicon }); continue; }
        if (!featuresFor.has(t.w)) continue;
        cueFeatures(toks, i, lo, hi, quoteInSentence, (f) => features.push(f));
        out.push({ word: t.w, label: heads.has(i) ? 1 : 0, features, lexicon });
      }
    }
  }
  return out;
}

/** Park–Miller generator: the same shuffle on every run. */
function seededRandom(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

function train(examples: Example[], epochs: number, l2: number): Map<string, number> {
  const w = new Map<string, number>();
  const order = examples.map((_, i) => i);
  const rand = seededRandom(12345);
  // Adagrad: per-feature step sizes, so that rare context features and the frequent bias both settle.
  const g2 = new Map<string, number>();
  const rate = 0.3;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    for (const idx of order) {
      const ex = examples[idx];
      let z = 0;
      for (const f of ex.features) z += w.get(f) ?? 0;
      const p = 1 / (1 + Math.exp(-z));
      const grad = p - ex.label;
      for (const f of ex.features) {
        const cur = w.get(f) ?? 0;
        const g = grad + l2 * cur;
        const acc = (g2.get(f) ?? 1e-8) + g * g;
        g2.set(f, acc);
        w.set(f, cur - (rate * g) / Math.sqrt(acc));
      }
    }
  }
  return w;
}

function evaluate(examples: Example[], w: Map<string, number>, label: string): void {
  let ll = 0;
  {
    let tp = 0, fp = 0, fn = 0;
    for (const ex of examples) if (ex.lexicon) { if (ex.label) tp++; else fp++; } else if (ex.label) fn++;
    const P = tp / Math.max(1, tp + fp), R = tp / Math.max(1, tp + fn);
    console.log(`${label} lexicon rule: P ${P.toFixed(3)} R ${R.toFixed(3)} F1 ${((2 * P * R) / Math.max(1e-9, P + R)).toFixed(3)}`);
  }
  for (const threshold of [0.3, 0.4, 0.5]) {
    let tp = 0, fp = 0, fn = 0;
    ll = 0;
    for (const ex of examples) {
      let z = 0;
      for (const f of ex.features) z += w.get(f) ?? 0;
      const p = 1 / (1 + Math.exp(-z));
      ll -= Math.log(ex.label ? Math.max(p, 1e-12) : Math.max(1 - p, 1e-12));
      if (p >= threshold) { if (ex.label) tp++; else fp++; } else if (ex.label) fn++;
    }
    const P = tp / Math.max(1, tp + fp), R = tp / Math.max(1, tp + fn);
    console.log(`${label} @${threshold}: P ${P.toFixed(3)} R ${R.toFixed(3)} F1 ${((2 * P * R) / Math.max(1e-9, P + R)).toFixed(3)}`);
  }
  console.log(`${label}: mean log-loss ${(ll / examples.length).toFixed(4)} over ${examples.length} candidate tokens`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: '../shared/corpora/polnear/train' },
      heldout: { type: 'string' },
      out: { type: 'string', default: 'src/core/extract/attributionCueModel.ts' },
      'min-heads': { type: 'string', default: '3' },
      'min-precision': { type: 'string', default: '0.05' },
      'min-feature': { type: 'string', default: '20' },
      epochs: { type: 'string', default: '4' },
      l2: { type: 'string', default: '0.01' },
      'min-weight': { type: 'string', default: '0.05' },
      // Cross-validation on train: "--fold 0/2" trains on the documents whose index modulo 2 is not 0
      // (score the rest with `attribution.js --fold 0/2`).
      fold: { type: 'string' },
    },
  });
  const minHeads = Number(values['min-heads']);
  const minFeature = Number(values['min-feature']);
  let docs = loadPolnear(resolve(values.corpus!));
  let heldoutDocs = values.heldout ? loadPolnear(resolve(values.heldout)) : [];
  if (values.fold) {
    const [k, n] = values.fold.split('/').map(Number);
    heldoutDocs = docs.filter((_, i) => i % n === k);
    docs = docs.filter((_, i) => i % n !== k);
  }
  const occ = occurrences(docs, null);
  // Candidate words: heads of at least `minHeads` gold cues …
  const heads = new Map<string, number>(), seen = new Map<string, number>();
  for (const o of occ) { seen.set(o.word, (seen.get(o.word) ?? 0) + 1); if (o.label) heads.set(o.word, (heads.get(o.word) ?? 0) + 1); }
  // … that head a cue often enough for their context to matter: "of", "in", "that" head a few cues
  // of nominal attributions but would make every fifth token a candidate (speed) for no gain.
  const minPrecision = Number(values['min-precision']);
  const candidates = [...heads].filter(([w, n]) => n >= minHeads && n / seen.get(w)! >= minPrecision).map(([w]) => w).sort();
  const candidateSet = new Set(candidates);
  const examples: Example[] = occurrences(docs, candidateSet);
  const covered = examples.filter((e) => e.label).length;
  const totalHeads = occ.filter((o) => o.label).length;
  console.log(`${candidates.length} candidate words; ${examples.length} candidate tokens; ${covered} of ${totalHeads} gold cue heads are candidates`);
  // Rare features only memorise the training texts.
  const count = new Map<string, number>();
  for (const ex of examples) for (const f of ex.features) count.set(f, (count.get(f) ?? 0) + 1);
  for (const ex of examples) ex.features = ex.features.filter((f) => count.get(f)! >= minFeature);
  const w = train(examples, Number(values.epochs), Number(values.l2));
  const minWeight = Number(values['min-weight']);
  const kept = [...w].filter(([, v]) => Math.abs(v) >= minWeight).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const rounded = new Map(kept.map(([f, v]) => [f, Math.round(v * 1000) / 1000]));
  evaluate(examples, rounded, 'train');
  if (heldoutDocs.length > 0) {
    const held = occurrences(heldoutDocs, candidateSet);
    evaluate(held, rounded, 'heldout');
  }
  const body = [
    '/**',
    ' * Attribution-cue model: logistic-regression weights over the features of',
    ' * attributionCues.ts, trained on PolNeAR train (derived numbers only, no corpus text).',
    ' * Generated by test/eval/trainAttributionCues.ts — do not edit by hand:',
    ` *   node out/test/eval/trainAttributionCues.js --corpus ../shared/corpora/polnear/train`,
    ` * (${candidates.length} candidate words (min heads ${minHeads}, min precision ${minPrecision}), min feature count ${minFeature}, ${rounded.size} weights, ${values.epochs} epochs, l2 ${values.l2})`,
    ' */',
    'export const CUE_MODEL: { candidates: readonly string[]; weights: Readonly<Record<string, number>> } = {',
    `  candidates: ${JSON.stringify(candidates)},`,
    '  weights: {',
    ...[...rounded].map(([f, v]) => `${JSON.stringify(f)}:${v},`),
    '  },',
    '};',
    '',
  ].join('\n');
  writeFileSync(values.out!, body);
  console.log(`wrote ${values.out} (${(body.length / 1024).toFixed(0)} KB)`);
}

if (require.main === module) main();
