/**
 * Anchoring benchmark: how often annotations find their way back after the
 * document is edited, and whether any lands at a wrong place.
 *
 *   node out/test/bench/anchoring.js [--corpus ../shared/corpora/polnear/dev] [--seeds seeds]
 *                                    [--seed 1] [--trials 4] [--edits 8] [--json]
 *
 * Spans: the seeds' sentences and “quotes”, and the gold Source and Content
 * spans of PolNeAR dev (brat T lines). For each document and trial, a seeded
 * PRNG applies random edits — insertions, deletions, word substitutions
 * (biased to fall near and inside annotated spans), paragraph moves and
 * duplicated paragraphs (a quote repeated elsewhere, the hard case) — while
 * tracking where every span truly went. Then every anchor is resolved and
 * compared with the truth:
 * - survived: the span's exact text is intact at its tracked place;
 *   `correct` only if resolved to exactly that place;
 * - wrong: resolved somewhere that is not the tracked place (for edited
 *   spans: not even overlapping it) — the figure that must stay 0.
 * Deterministic for a given --seed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type AnchorResolution, createAnchor, resolveAnchor } from '../../src/core/anchor/anchor';
import type { Anchor } from '../../src/core/sidecar/model';
import { OffsetMap } from '../../src/core/text';
import { seededRandom as prng } from '../support/random';

export interface AnchoringBenchmarkOptions {
  corpus?: string;
  seeds?: string;
  seed?: number;
  trials?: number;
  edits?: number;
  /** Cap on corpus documents (all by default). */
  limit?: number;
}

export interface AnchoringGroupResult {
  name: string;
  documents: number;
  annotations: number;
  survived: number;
  survivedCorrect: number;
  survivedOrphaned: number;
  survivedWrong: number;
  edited: number;
  editedRecovered: number;
  editedOrphaned: number;
  editedWrong: number;
  byStatus: Record<AnchorResolution['status'], number>;
  resolveMs: number;
  maxResolveMs: number;
}

export interface AnchoringBenchmarkResult {
  seed: number;
  trials: number;
  edits: number;
  groups: AnchoringGroupResult[];
  total: AnchoringGroupResult;
  /** Survived annotations re-anchored to the right place, percent. */
  survivedCorrectPercent: number;
  wrong: number;
  /** Stress group: edits that also repeat paragraphs elsewhere (not in the totals). */
  duplicated?: AnchoringGroupResult;
  largeText?: { megabytes: number; anchors: number; ms: number };
}

// --- deterministic randomness --------------------------------------------------


// --- spans -----------------------------------------------------------------------

interface BenchDocument {
  name: string;
  text: string;
  /** UTF-16 spans. */
  spans: { start: number; end: number }[];
}

function seedSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const sentence = /[^\s][^\n]*?(?:[.!?](?=\s|$)|[.!?]”|$)/gm;
  for (const m of text.matchAll(sentence)) if (m[0].trim().length > 3) spans.push({ start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(/“[^”\n]{3,}”/g)) spans.push({ start: m.index!, end: m.index! + m[0].length });
  return dedupe(spans);
}

function dedupe(spans: { start: number; end: number }[]): { start: number; end: number }[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const key = `${s.start}:${s.end}`;
    if (seen.has(key) || s.end <= s.start) return false;
    seen.add(key);
    return true;
  });
}

/** Gold Source and Content spans of a brat .ann file (code points), discontinuous ones skipped. */
export function bratSpans(ann: string): { type: string; start: number; end: number }[] {
  const out: { type: string; start: number; end: number }[] = [];
  for (const line of ann.split(/\r?\n/)) {
    const m = /^T\d+\t(Source|Content) (\d+) (\d+)\t/.exec(line);
    if (m) out.push({ type: m[1], start: Number(m[2]), end: Number(m[3]) });
  }
  return out;
}

function loadSeeds(dir: string): BenchDocument[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => {
    const text = readFileSync(path.join(dir, f), 'utf8').replace(/^\uFEFF/, '');
    return { name: f, text, spans: seedSpans(text) };
  });
}

function loadPolnear(dir: string, limit: number): BenchDocument[] {
  const textDir = path.join(dir, 'text');
  const annDir = path.join(dir, 'attributions');
  if (!existsSync(textDir) || !existsSync(annDir)) return [];
  const anns = readdirSync(annDir).filter((f) => f.endsWith('.ann')).sort();
  const docs: BenchDocument[] = [];
  for (const f of readdirSync(textDir).filter((x) => x.endsWith('.txt')).sort()) {
    if (docs.length >= limit) break;
    const base = f.slice(0, -4);
    // Several annotators per article: the first file is enough for anchoring.
    const ann = anns.find((a) => a === `${base}.ann` || (a.startsWith(base + '_') && /^_[0-9a-z]+\.ann$/.test(a.slice(base.length))));
    if (!ann) continue;
    const text = readFileSync(path.join(textDir, f), 'utf8').replace(/^\uFEFF/, '');
    const map = new OffsetMap(text);
    const spans = dedupe(bratSpans(readFileSync(path.join(annDir, ann), 'utf8'))
      .filter((s) => s.end <= map.codePointLength)
      .map((s) => ({ start: map.toUtf16(s.start), end: map.toUtf16(s.end) })))
      .filter((s) => text.slice(s.start, s.end).trim().length > 0);
    docs.push({ name: f, text, spans });
  }
  return docs;
}

// --- edits with tracked spans ----------------------------------------------------

interface Tracked {
  start: number;
  end: number;
  damaged: boolean;
}

const WORDS = ['the', 'government', 'said', 'on', 'Tuesday', 'however', 'officials', 'reported', 'that', 'new', 'and', 'a', 'statement', 'Russia', 'sanctions', 'he', 'she', 'according', 'to', 'sources'];

class EditedText {
  constructor(public text: string, readonly spans: Tracked[]) {}

  insert(at: number, s: string): void {
    this.text = this.text.slice(0, at) + s + this.text.slice(at);
    for (const t of this.spans) {
      if (at <= t.start) {
        t.start += s.length;
        t.end += s.length;
      } else if (at < t.end) {
        t.end += s.length;
        t.damaged = true;
      }
    }
  }

  delete(from: number, to: number): void {
    if (to <= from) return;
    const n = to - from;
    this.text = this.text.slice(0, from) + this.text.slice(to);
    for (const t of this.spans) {
      if (to <= t.start) {
        t.start -= n;
        t.end -= n;
      } else if (from >= t.end) {
        // before the edit: unchanged
      } else {
        t.damaged = true;
        const s = t.start < from ? t.start : from;
        const e = t.end > to ? t.end - n : from;
        t.start = s;
        t.end = Math.max(s, e);
      }
    }
  }

  /** Moves [from, to) to `at` (an offset outside it, in the current text). */
  move(from: number, to: number, at: number): void {
    const block = this.text.slice(from, to);
    const n = to - from;
    const target = at > to ? at - n : at;
    const rest = this.text.slice(0, from) + this.text.slice(to);
    this.text = rest.slice(0, target) + block + rest.slice(target);
    const shift = (x: number, inside: boolean) => {
      if (inside) return x - from + target;
      const y = x >= to ? x - n : x; // position in `rest`
      return y >= target ? y + n : y;
    };
    for (const t of this.spans) {
      const inside = t.start >= from && t.end <= to;
      const outside = t.end <= from || t.start >= to;
      if (!inside && !outside) {
        t.damaged = true;
      }
      const s = shift(t.start, inside || (t.start >= from && t.start < to));
      const e = shift(t.end, inside || (t.end > from && t.end <= to));
      t.start = Math.min(s, e);
      t.end = Math.max(s, e);
    }
  }
}

function paragraphs(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\n') {
      out.push({ start, end: Math.min(text.length, i + 1) });
      start = i + 1;
    }
  }
  return out.filter((p) => p.end > p.start);
}

function applyRandomEdit(doc: EditedText, rand: () => number, duplicates: boolean): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const text = doc.text;
  if (!text.length) return;
  // Half the edits land near or inside an annotated span: those are the hard cases.
  const near = () => {
    if (doc.spans.length && rand() < 0.6) {
      const s = pick(doc.spans);
      const lo = Math.max(0, s.start - 40);
      const hi = Math.min(text.length, s.end + 40);
      return lo + Math.floor(rand() * (hi - lo + 1));
    }
    return Math.floor(rand() * (text.length + 1));
  };
  const wordBoundary = (at: number) => {
    let i = Math.min(at, text.length);
    while (i > 0 && /\S/.test(text[i - 1])) i--;
    return i;
  };
  const kind = duplicates ? rand() : rand() * 0.9;
  if (kind < 0.3) {
    const words = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(WORDS)).join(' ');
    doc.insert(wordBoundary(near()), words + ' ');
  } else if (kind < 0.5) {
    const at = near();
    doc.delete(at, Math.min(text.length, at + 1 + Math.floor(rand() * 30)));
  } else if (kind < 0.75) {
    const at = wordBoundary(near());
    const m = /^\S+/.exec(text.slice(at));
    if (m) {
      doc.delete(at, at + m[0].length);
      doc.insert(at, pick(WORDS));
    }
  } else if (kind < 0.9) {
    const ps = paragraphs(text);
    if (ps.length < 3) return;
    const p = pick(ps);
    const targets = ps.filter((q) => q.end <= p.start || q.start >= p.end);
    const q = pick(targets);
    const at = rand() < 0.5 ? q.start : q.end;
    if (at > p.start && at < p.end) return;
    const block = text.slice(p.start, p.end);
    if (!block.endsWith('\n')) return; // keep paragraph separation simple
    doc.move(p.start, p.end, at);
  } else {
    // A paragraph repeated elsewhere (pull quote, copy-paste): the original stays where it was.
    const ps = paragraphs(text);
    const p = pick(ps);
    const q = pick(ps);
    let block = text.slice(p.start, p.end);
    if (!block.endsWith('\n')) block += '\n';
    doc.insert(rand() < 0.5 ? q.start : q.end === text.length && !text.endsWith('\n') ? q.start : q.end, block);
  }
}

// --- running ---------------------------------------------------------------------

function emptyGroup(name: string): AnchoringGroupResult {
  return {
    name, documents: 0, annotations: 0, survived: 0, survivedCorrect: 0, survivedOrphaned: 0, survivedWrong: 0,
    edited: 0, editedRecovered: 0, editedOrphaned: 0, editedWrong: 0,
    byStatus: { exact: 0, moved: 0, fuzzy: 0, orphaned: 0 }, resolveMs: 0, maxResolveMs: 0,
  };
}

function runGroup(name: string, docs: BenchDocument[], seed: number, trials: number, edits: number, failures: string[], duplicates = false): AnchoringGroupResult {
  const g = emptyGroup(name);
  g.documents = docs.length;
  docs.forEach((doc, docIndex) => {
    const originalMap = new OffsetMap(doc.text);
    const anchors: Anchor[] = doc.spans.map((s) => createAnchor(doc.text, originalMap.toCodePoint(s.start), originalMap.toCodePoint(s.end), originalMap));
    for (let trial = 0; trial < trials; trial++) {
      const rand = prng(seed * 1_000_003 + docIndex * 7919 + trial);
      const edited = new EditedText(doc.text, doc.spans.map((s) => ({ ...s, damaged: false })));
      const count = 1 + Math.floor(rand() * edits);
      for (let e = 0; e < count; e++) applyRandomEdit(edited, rand, duplicates);
      const map = new OffsetMap(edited.text);
      anchors.forEach((anchor, i) => {
        const truth = edited.spans[i];
        const t0 = performance.now();
        const r = resolveAnchor(edited.text, anchor, { map });
        const ms = performance.now() - t0;
        g.resolveMs += ms;
        g.maxResolveMs = Math.max(g.maxResolveMs, ms);
        g.annotations++;
        g.byStatus[r.status]++;
        const trueStart = map.toCodePoint(truth.start);
        const trueEnd = map.toCodePoint(truth.end);
        const survived = !truth.damaged && edited.text.slice(truth.start, truth.end) === anchor.exact;
        if (survived) {
          g.survived++;
          if (r.status === 'orphaned') g.survivedOrphaned++;
          else if (r.start === trueStart && r.end === trueEnd) g.survivedCorrect++;
          else {
            g.survivedWrong++;
            if (failures.length < 20) failures.push(`${doc.name} trial ${trial}: "${anchor.exact.slice(0, 40)}" → ${r.status} ${r.start}-${r.end}, truth ${trueStart}-${trueEnd}` +
              (process.env.BENCH_DEBUG ? `\n  stored ${JSON.stringify(anchor.prefix)} [${anchor.start}] ${JSON.stringify(anchor.suffix)}\n  truth  ${JSON.stringify(edited.text.slice(truth.start - 32, truth.start))} | ${JSON.stringify(edited.text.slice(truth.end, truth.end + 32))}\n  chosen ${JSON.stringify(map.slice(r.start! - 32, r.start!))} | ${JSON.stringify(map.slice(r.end!, r.end! + 32))}` : ''));
          }
        } else {
          g.edited++;
          if (r.status === 'orphaned') g.editedOrphaned++;
          else if (r.start! < Math.max(trueEnd, trueStart + 1) && r.end! > trueStart) g.editedRecovered++;
          else {
            g.editedWrong++;
            if (failures.length < 20) failures.push(`${doc.name} trial ${trial} (edited): "${anchor.exact.slice(0, 40)}" → ${r.status} ${r.start}-${r.end}, truth ${trueStart}-${trueEnd}` +
              (process.env.BENCH_DEBUG ? `\n  stored ${JSON.stringify(anchor.prefix)} [${anchor.start}] ${JSON.stringify(anchor.suffix)}\n  truth  ${JSON.stringify(edited.text.slice(truth.start - 32, truth.end + 32))}\n  chosen ${JSON.stringify(map.slice(r.start! - 32, r.start!))} | ${JSON.stringify(map.slice(r.end!, r.end! + 32))}` : ''));
          }
        }
      });
    }
  });
  return g;
}

function sumGroups(groups: AnchoringGroupResult[]): AnchoringGroupResult {
  const t = emptyGroup('total');
  for (const g of groups) {
    for (const key of ['documents', 'annotations', 'survived', 'survivedCorrect', 'survivedOrphaned', 'survivedWrong', 'edited', 'editedRecovered', 'editedOrphaned', 'editedWrong', 'resolveMs'] as const) t[key] += g[key];
    t.maxResolveMs = Math.max(t.maxResolveMs, g.maxResolveMs);
    for (const s of Object.keys(t.byStatus) as AnchorResolution['status'][]) t.byStatus[s] += g.byStatus[s];
  }
  return t;
}

/** A 20 MB single-line text with anchors whose quotes were removed: the bounded orphan search. */
function largeTextTiming(seed: number): { megabytes: number; anchors: number; ms: number } {
  const rand = prng(seed);
  const parts: string[] = [];
  let size = 0;
  while (size < 20 * 1024 * 1024) {
    const w = WORDS[Math.floor(rand() * WORDS.length)];
    parts.push(w);
    size += w.length + 1;
  }
  const text = parts.join(' ');
  const anchors: Anchor[] = [];
  for (let i = 0; i < 10; i++) {
    const start = Math.floor(rand() * (text.length - 200));
    anchors.push({ ...createAnchor(text, start, start + 80), exact: `Quote ${i} that no longer exists in this very long single-line document` });
  }
  const map = new OffsetMap(text);
  const t0 = performance.now();
  for (const a of anchors) resolveAnchor(text, a, { map });
  return { megabytes: Math.round(text.length / 1048576), anchors: anchors.length, ms: Math.round(performance.now() - t0) };
}

export async function runAnchoringBenchmark(options: AnchoringBenchmarkOptions = {}, failures: string[] = []): Promise<AnchoringBenchmarkResult> {
  const seed = options.seed ?? 1;
  const trials = options.trials ?? 4;
  const edits = options.edits ?? 8;
  const seedsDir = path.resolve(options.seeds ?? 'seeds');
  const corpusDir = path.resolve(options.corpus ?? '../shared/corpora/polnear/dev');
  const groups: AnchoringGroupResult[] = [];
  const seedDocs = loadSeeds(seedsDir);
  if (seedDocs.length) groups.push(runGroup('seeds', seedDocs, seed, trials * 10, edits, failures));
  const polnear = loadPolnear(corpusDir, options.limit ?? Infinity);
  if (polnear.length) groups.push(runGroup('polnear-dev', polnear, seed, trials, edits, failures));
  const total = sumGroups(groups);
  // Stress: the same edits plus paragraphs repeated elsewhere (pull quotes,
  // copy-paste). A repeated quote is ambiguous by nature; reported apart.
  const duplicated = sumGroups([
    runGroup('seeds', seedDocs, seed + 1, trials * 10, edits, failures, true),
    runGroup('polnear-dev', polnear, seed + 1, trials, edits, failures, true),
  ]);
  duplicated.name = 'with repeated paragraphs';
  return {
    seed, trials, edits, groups, total, duplicated,
    survivedCorrectPercent: total.survived ? (100 * total.survivedCorrect) / total.survived : 100,
    wrong: total.survivedWrong + total.editedWrong,
    largeText: largeTextTiming(seed),
  };
}

export function formatAnchoringTable(r: AnchoringBenchmarkResult): string {
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) + ' %' : '–');
  const header = ['group', 'docs', 'anchors', 'survived', 'correct', 'orphaned', 'WRONG', 'edited', 'recovered', 'orphaned', 'WRONG', 'µs/anchor', 'max ms'];
  const rows = [...r.groups, r.total, ...(r.duplicated ? [r.duplicated] : [])].map((g) => [
    g.name, String(g.documents), String(g.annotations), String(g.survived), pct(g.survivedCorrect, g.survived), String(g.survivedOrphaned), String(g.survivedWrong),
    String(g.edited), pct(g.editedRecovered, g.edited), String(g.editedOrphaned), String(g.editedWrong),
    g.annotations ? ((1000 * g.resolveMs) / g.annotations).toFixed(0) : '–', g.maxResolveMs.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [
    `Anchoring benchmark (seed ${r.seed}, up to ${r.edits} random edits per trial, ${r.trials} trials per PolNeAR document, ${r.trials * 10} per seed)`,
    '                                      |------------ exact text survived ------------|  |--------- quote edited ---------|',
    line(header),
    line(header.map((_, i) => '-'.repeat(widths[i]))),
    ...rows.map(line),
    '',
    `Survived annotations re-anchored to the right place: ${r.survivedCorrectPercent.toFixed(2)} % (target ≥ 99 %); anchored to a wrong place: ${r.wrong} (target 0).`,
    ...(r.duplicated ? [`Stress row "${r.duplicated.name}" (not in the total): ${r.duplicated.survivedWrong + r.duplicated.editedWrong} anchored to a copy instead of the original.`] : []),
    `Resolutions: exact ${r.total.byStatus.exact}, moved ${r.total.byStatus.moved}, fuzzy ${r.total.byStatus.fuzzy}, orphaned ${r.total.byStatus.orphaned}.`,
  ];
  if (r.largeText) out.push(`Large text: ${r.largeText.anchors} orphaned anchors resolved in a ${r.largeText.megabytes} MB single-line text in ${r.largeText.ms} ms.`);
  return out.join('\n') + '\n';
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
  const failures: string[] = [];
  runAnchoringBenchmark({ corpus: flag('corpus'), seeds: flag('seeds'), seed: num('seed'), trials: num('trials'), edits: num('edits'), limit: num('limit') }, failures).then((r) => {
    if (args.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else process.stdout.write(formatAnchoringTable(r));
    if (failures.length && args.includes('--verbose')) process.stdout.write('\nFirst wrong anchors:\n' + failures.join('\n') + '\n');
    process.exitCode = r.wrong === 0 && r.survivedCorrectPercent >= 99 ? 0 : 1;
  });
}
