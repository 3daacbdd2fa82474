/**
 * Scores `findAttributions` against PolNeAR's gold attributions.
 *
 *   npm run build && node out/test/eval/attribution.js --corpus ../shared/corpora/polnear/dev
 *   [--baseline] [--verbose] [--limit N]
 *
 * Metric (documented here because the figures mean nothing without it):
 * - One annotator per text: when a text has several .ann files (suffix _xxxx),
 *   the first file name in alphabetical order is used.
 * - Tokens are maximal runs of letters and digits (punctuation and quote marks
 *   are not tokens, so whether a span includes its quote marks does not matter).
 * - Token level, per role (source, cue, content): a token is gold-X when it
 *   overlaps a gold X fragment, predicted-X when it overlaps a predicted X span;
 *   true/false positives and false negatives are summed over the corpus (micro).
 * - "claim (no src)" is the same matching without the source condition (diagnostic only).
 * - Attribution level: a prediction matches a gold attribution when the F1 of
 *   their content token sets is ≥ 0.5 and the predicted source span overlaps a
 *   gold source fragment (a gold attribution without a source needs no source
 *   match). Pairs are matched one-to-one, greedily, best content F1 first.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findAttributions, type Attribution } from '../../src/core/extract/attribution';
import { parseBrat, polnearAttributions, type GoldAttribution } from './brat';

export interface CorpusDocument {
  name: string;
  text: string;
  /** The .ann file used for this text. */
  annFile: string;
  gold: GoldAttribution[];
}

/** Loads `<dir>/text/*.txt` with one annotator's `<dir>/attributions/*.ann` each (first alphabetically). */
export function loadPolnear(dir: string): CorpusDocument[] {
  const textDir = join(dir, 'text');
  const annDir = join(dir, 'attributions');
  if (!existsSync(textDir)) throw new Error(`${textDir}: no such folder (expected a PolNeAR split with text/ and attributions/)`);
  const anns = existsSync(annDir) ? readdirSync(annDir).filter((f) => f.endsWith('.ann')).sort() : [];
  const annFor = new Map<string, string>();
  for (const f of anns) {
    const stem = f.replace(/(_[0-9a-f]{4})?\.ann$/, '');
    if (!annFor.has(stem)) annFor.set(stem, f);
  }
  const docs: CorpusDocument[] = [];
  for (const f of readdirSync(textDir).filter((n) => n.endsWith('.txt')).sort()) {
    const stem = f.slice(0, -4);
    const annFile = annFor.get(stem);
    if (!annFile) continue;
    const text = readFileSync(join(textDir, f), 'utf8').replace(/^\uFEFF/, '');
    const gold = polnearAttributions(parseBrat(readFileSync(join(annDir, annFile), 'utf8')), text);
    docs.push({ name: stem, text, annFile, gold });
  }
  return docs;
}

/** Loads only the texts (all .txt files) of a split, for benchmarks. */
export function loadTexts(dir: string): string[] {
  const textDir = join(dir, 'text');
  return readdirSync(textDir).filter((n) => n.endsWith('.txt')).sort().map((f) => readFileSync(join(textDir, f), 'utf8'));
}

type Frag = [number, number];

function wordTokens(text: string): Frag[] {
  const out: Frag[] = [];
  const re = /[\p{L}\p{N}]+/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** Indices of tokens overlapping any of the fragments. Tokens are sorted and disjoint. */
function tokensIn(tokens: Frag[], frags: Frag[]): Set<number> {
  const out = new Set<number>();
  for (const [s, e] of frags) {
    if (e <= s) continue;
    let lo = 0, hi = tokens.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (tokens[mid][1] <= s) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < tokens.length && tokens[i][0] < e; i++) out.add(i);
  }
  return out;
}

function overlaps(a: Frag[], b: Frag[]): boolean {
  for (const [s1, e1] of a) for (const [s2, e2] of b) if (s1 < e2 && s2 < e1) return true;
  return false;
}

export interface Counts { tp: number; fp: number; fn: number }
const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
function prf(c: Counts): { p: number; r: number; f: number } {
  const p = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

export interface Scores { source: Counts; cue: Counts; content: Counts; attribution: Counts; contentOnly: Counts }

interface Predicted { content: Frag[]; cue: Frag[]; source: Frag[] }

function toPredicted(a: Attribution): Predicted {
  return {
    content: [[a.content.start, a.content.end]],
    cue: a.cue ? [[a.cue.start, a.cue.end]] : [],
    source: a.source ? [[a.source.start, a.source.end]] : [],
  };
}

function setF1(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return (2 * inter) / (a.size + b.size);
}

export interface DocReport { scores: Scores; missed: GoldAttribution[]; spurious: Predicted[]; matched: Array<[Predicted, GoldAttribution]> }

export function scoreDocument(text: string, gold: GoldAttribution[], predicted: Predicted[]): DocReport {
  const tokens = wordTokens(text);
  const scores: Scores = { source: zero(), cue: zero(), content: zero(), attribution: zero(), contentOnly: zero() };
  for (const role of ['source', 'cue', 'content'] as const) {
    const g = tokensIn(tokens, gold.flatMap((a) => a[role]));
    const p = tokensIn(tokens, predicted.flatMap((a) => a[role]));
    for (const t of p) if (g.has(t)) scores[role].tp++; else scores[role].fp++;
    for (const t of g) if (!p.has(t)) scores[role].fn++;
  }
  const gTok = gold.map((a) => tokensIn(tokens, a.content));
  const pTok = predicted.map((a) => tokensIn(tokens, a.content));
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i < predicted.length; i++) {
    for (let j = 0; j < gold.length; j++) {
      const f = setF1(pTok[i], gTok[j]);
      if (f < 0.5) continue;
      if (gold[j].source.length > 0 && !overlaps(predicted[i].source, gold[j].source)) continue;
      pairs.push([f, i, j]);
    }
  }
  // Same matching without the source condition: how many statements were found at all.
  const loose: Array<[number, number, number]> = [];
  for (let i = 0; i < predicted.length; i++) for (let j = 0; j < gold.length; j++) { const f = setF1(pTok[i], gTok[j]); if (f >= 0.5) loose.push([f, i, j]); }
  loose.sort((a, b) => b[0] - a[0]);
  const lp = new Set<number>(), lg = new Set<number>();
  for (const [, i, j] of loose) if (!lp.has(i) && !lg.has(j)) { lp.add(i); lg.add(j); }
  scores.contentOnly = { tp: lp.size, fp: predicted.length - lp.size, fn: gold.length - lp.size };
  pairs.sort((a, b) => b[0] - a[0]);
  const usedP = new Set<number>(), usedG = new Set<number>();
  const matched: Array<[Predicted, GoldAttribution]> = [];
  for (const [, i, j] of pairs) {
    if (usedP.has(i) || usedG.has(j)) continue;
    usedP.add(i); usedG.add(j);
    matched.push([predicted[i], gold[j]]);
  }
  scores.attribution.tp = matched.length;
  scores.attribution.fp = predicted.length - matched.length;
  scores.attribution.fn = gold.length - matched.length;
  return {
    scores,
    matched,
    missed: gold.filter((_, j) => !usedG.has(j)),
    spurious: predicted.filter((_, i) => !usedP.has(i)),
  };
}

/**
 * The naive baseline of the issue: every quoted span (straight or curly double
 * quotes) is a claim; its source is the capitalised name or pronoun of an
 * "X said" / "said X" within 60 characters after or before the quote.
 */
export function baselineAttributions(text: string): Predicted[] {
  const out: Predicted[] = [];
  const quoteRe = /“[^”]*”|"[^"\n]*"/g;
  for (let m = quoteRe.exec(text); m; m = quoteRe.exec(text)) {
    const start = m.index, end = m.index + m[0].length;
    const after = text.slice(end, end + 60);
    const before = text.slice(Math.max(0, start - 60), start);
    const p: Predicted = { content: [[start, end]], cue: [], source: [] };
    let s = /^[\s,]*((?:\p{Lu}[\p{L}.'-]*\s+)*\p{Lu}[\p{L}'-]*|he|she|they)\s+(said|says)\b/u.exec(after);
    if (s) {
      const srcStart = end + s[0].indexOf(s[1]);
      p.source.push([srcStart, srcStart + s[1].length]);
      p.cue.push([srcStart + s[1].length + 1, end + s[0].length]);
    } else if ((s = /^[\s,]*(said|says)\s+((?:\p{Lu}[\p{L}.'-]*\s+)*\p{Lu}[\p{L}'-]*)/u.exec(after))) {
      const cueStart = end + s[0].indexOf(s[1]);
      p.cue.push([cueStart, cueStart + s[1].length]);
      p.source.push([end + s[0].length - s[2].length, end + s[0].length]);
    } else if ((s = /((?:\p{Lu}[\p{L}.'-]*\s+)*\p{Lu}[\p{L}'-]*|he|she|they)\s+(said|says)[:,]?\s*$/u.exec(before))) {
      const base = start - before.length + s.index;
      p.source.push([base, base + s[1].length]);
      const cueStart = base + s[0].indexOf(s[2], s[1].length);
      p.cue.push([cueStart, cueStart + s[2].length]);
    }
    out.push(p);
  }
  return out;
}

function fmt(n: number): string { return n.toFixed(3); }

export function formatTable(s: Scores, title: string): string {
  const rows = [`${title}`, '| level          | P     | R     | F1    |   gold |   pred |', '|----------------|-------|-------|-------|--------|--------|'];
  for (const k of ['source', 'cue', 'content', 'attribution', 'contentOnly'] as const) {
    const { p, r, f } = prf(s[k]);
    const name = k === 'attribution' ? 'attribution' : k === 'contentOnly' ? 'claim (no src)' : `${k} tokens`;
    rows.push(`| ${name.padEnd(14)} | ${fmt(p)} | ${fmt(r)} | ${fmt(f)} | ${String(s[k].tp + s[k].fn).padStart(6)} | ${String(s[k].tp + s[k].fp).padStart(6)} |`);
  }
  return rows.join('\n');
}

function show(text: string, a: { content: Frag[]; cue: Frag[]; source: Frag[] }): string {
  const marks: Array<[number, number, string]> = [];
  for (const [role, open] of [['source', '[S '], ['cue', '[C '], ['content', '[Q ']] as const) {
    for (const [s, e] of a[role]) { marks.push([s, 1, open]); marks.push([e, 0, ']']); }
  }
  marks.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const lo = Math.max(0, Math.min(...marks.map((m) => m[0])) - 40);
  const hi = Math.min(text.length, Math.max(...marks.map((m) => m[0])) + 40);
  let out = '', pos = lo;
  for (const [at, , m] of marks) { out += text.slice(pos, at) + m; pos = at; }
  return (out + text.slice(pos, hi)).replace(/\s+/g, ' ');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: '../shared/corpora/polnear/dev' },
      baseline: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      limit: { type: 'string' },
      // "--fold 0/2": only the documents whose index modulo 2 is 0 (held out by `trainAttributionCues.js --fold 0/2`).
      fold: { type: 'string' },
    },
  });
  const dir = resolve(values.corpus!);
  let docs: CorpusDocument[];
  try { docs = loadPolnear(dir); } catch (e) { process.stderr.write(`eval: ${(e as Error).message}\n`); process.exit(2); }
  if (values.fold) {
    const [k, n] = values.fold.split('/').map(Number);
    docs = docs.filter((_, i) => i % n === k);
  }
  if (values.limit) docs = docs.slice(0, Number(values.limit));
  const total: Scores = { source: zero(), cue: zero(), content: zero(), attribution: zero(), contentOnly: zero() };
  for (const doc of docs) {
    const predicted = values.baseline ? baselineAttributions(doc.text) : findAttributions(doc.text).map(toPredicted);
    const rep = scoreDocument(doc.text, doc.gold, predicted);
    for (const k of Object.keys(total) as Array<keyof Scores>) {
      total[k].tp += rep.scores[k].tp; total[k].fp += rep.scores[k].fp; total[k].fn += rep.scores[k].fn;
    }
    if (values.verbose) {
      console.log(`\n=== ${doc.annFile}`);
      const tokens = wordTokens(doc.text);
      for (const g of rep.missed) {
        const gt = tokensIn(tokens, g.content);
        const near = rep.spurious.find((p) => setF1(tokensIn(tokens, p.content), gt) >= 0.5);
        if (near) console.log(`  WRONGSRC gold ${show(doc.text, g)}\n           pred ${show(doc.text, near)}`);
        else console.log(`  MISSED   ${show(doc.text, g)}`);
      }
      for (const p of rep.spurious) console.log(`  SPURIOUS ${show(doc.text, p)}`);
    }
  }
  const title = `${values.baseline ? 'baseline' : 'findAttributions'} on ${dir} (${docs.length} documents, ${docs.reduce((n, d) => n + d.gold.length, 0)} gold attributions)`;
  console.log(formatTable(total, title));
}

if (require.main === module) main();
