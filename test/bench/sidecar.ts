/**
 * Sidecar load and save with 5,000 claims, through the AnnotationStore (what
 * the extension and the CLI use): parse + validate on load, anchors resolved
 * against the document, and a one-verdict edit saved (serialise + check +
 * atomic write), each run in a new store right after its load; then a second
 * one-verdict save in the same store (an editor session's next save), and a
 * save that changes every claim.
 *
 *   node out/test/bench/sidecar.js --corpus ../shared/corpora/polnear [--claims 5000] [--runs 7]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NodeFileSystem } from '../../src/cli/nodeFs';
import { createAnchor } from '../../src/core/anchor/anchor';
import { sidecarLocationFor } from '../../src/core/fs';
import { type Claim, SIDECAR_VERSION, type Sidecar, type Speaker } from '../../src/core/sidecar/model';
import { serializeSidecar } from '../../src/core/sidecar/serialize';
import { AnnotationStore } from '../../src/core/sidecar/store';
import { OffsetMap, sha256Hex } from '../../src/core/text';
import { seededRandom as prng } from '../support/random';
import { loadParagraphs } from './synthetic';

export interface SidecarBenchResult {
  claims: number;
  yamlBytes: number;
  documentBytes: number;
  /** Medians in milliseconds. */
  loadMs: number;
  resolveMs: number;
  saveMs: number;
  /** A second one-verdict save in the same store (the snapshot of the first save's file is reused). */
  saveAgainMs: number;
  /** Save of a change to every claim (every entry rendered and parsed again). */
  saveAllMs: number;
  serializeMs: number;
  /** The first load and save in the process (the per-entry caches of parse.ts and serialize.ts are empty). */
  firstLoadMs: number;
  firstSaveMs: number;
  /** How the measured one-verdict saves went (see AnnotationStore.saveCounts): entry-wise or through the whole file. */
  savePaths: { entryWise: number; whole: number };
  runs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const VERDICTS = ['unverified', 'true', 'mostly-true', 'mixed', 'misleading', 'mostly-false', 'false'];

/** A document of news paragraphs and a sidecar with `claims` claims on its sentences. */
export function makeFixture(paragraphs: readonly string[], claims: number): { text: string; sidecar: Sidecar } {
  const random = prng(7);
  const parts: string[] = [];
  let sentences = 0;
  while (sentences < claims * 1.2) {
    const p = paragraphs[Math.floor(random() * paragraphs.length)];
    parts.push(p);
    sentences += (p.match(/[.!?]["”]?(\s|$)/g) ?? []).length || 1;
  }
  const text = parts.join('\n\n') + '\n';
  const map = new OffsetMap(text);
  const speakers: Speaker[] = Array.from({ length: 60 }, (_x, i) => ({ id: `speaker-${i}`, name: `Speaker Number ${i}`, kind: 'person', aliases: [] }));
  const list: Claim[] = [];
  const sentence = /[^.!?\n]{20,}?[.!?]/g;
  for (let m = sentence.exec(text); m && list.length < claims; m = sentence.exec(text)) {
    const start = map.toCodePoint(m.index);
    const end = map.toCodePoint(m.index + m[0].length);
    const i = list.length;
    list.push({
      id: `c-${i.toString(16).padStart(8, '0')}`,
      anchor: createAnchor(text, start, end, map),
      speaker: `speaker-${i % 60}`,
      kind: i % 3 === 0 ? 'direct' : 'indirect',
      status: i % 4 === 0 ? 'suggested' : 'accepted',
      verdict: VERDICTS[i % VERDICTS.length],
      sources: i % 5 === 0 ? [{ url: `https://example.org/source/${i}`, title: 'A source' }] : [],
      tags: i % 7 === 0 ? ['economy'] : [],
      ...(i % 6 === 0 ? { note: 'Checked against the transcript.' } : {}),
      author: 'bench',
      updated: '2025-03-12T10:00:00Z',
    });
  }
  if (list.length < claims) throw new Error(`only ${list.length} sentences for ${claims} claims`);
  return { text, sidecar: { version: SIDECAR_VERSION, document: { name: 'archive.txt', sha256: '' }, speakers, claims: list, stances: [] } };
}

export async function benchSidecar(corpus: string, claims = 5000, runs = 7): Promise<SidecarBenchResult> {
  const { text, sidecar } = makeFixture(loadParagraphs(corpus), claims);
  sidecar.document.sha256 = await sha256Hex(text);
  const dir = mkdtempSync(join(tmpdir(), 'claimlens-bench-sidecar-'));
  try {
    const doc = join(dir, 'archive.txt');
    writeFileSync(doc, text);
    const yaml = serializeSidecar(sidecar);
    writeFileSync(sidecarLocationFor(doc), yaml);
    const fs = new NodeFileSystem();
    const loads: number[] = [];
    const resolves: number[] = [];
    const saves: number[] = [];
    const saveAlls: number[] = [];
    const saveAgains: number[] = [];
    const savePaths = { entryWise: 0, whole: 0 };
    const serializes: number[] = [];
    let firstLoadMs = 0;
    let firstSaveMs = 0;
    for (let r = 0; r <= runs; r++) {
      const store = new AnnotationStore(fs, { author: () => 'bench' });
      let t = performance.now();
      const state = await store.load(doc);
      const loadMs = performance.now() - t;
      if (!state.sidecar || state.sidecar.claims.length !== claims) throw new Error(`sidecar did not load: ${state.diagnostics.map((d) => d.message).join('; ')}`);
      t = performance.now();
      store.get(doc, text);
      const resolveMs = performance.now() - t;
      t = performance.now();
      await store.update(doc, (draft) => { draft.claims[r % claims].verdict = VERDICTS[(r + 1) % VERDICTS.length]; }, { documentText: text });
      const saveMs = performance.now() - t;
      const paths = { ...store.saveCounts };
      t = performance.now();
      await store.update(doc, (draft) => { draft.claims[(r + Math.floor(claims / 2)) % claims].verdict = VERDICTS[(r + 2) % VERDICTS.length]; }, { documentText: text });
      const saveAgainMs = performance.now() - t;
      t = performance.now();
      serializeSidecar(state.sidecar);
      const serializeMs = performance.now() - t;
      if (r === 0) { // warm-up
        firstLoadMs = loadMs;
        firstSaveMs = saveMs;
        continue;
      }
      loads.push(loadMs); resolves.push(resolveMs); saves.push(saveMs); saveAgains.push(saveAgainMs); serializes.push(serializeMs);
      savePaths.entryWise += paths.entryWise;
      savePaths.whole += paths.whole;
    }
    // Saves that change every claim run in a loop of their own: each leaves a second of garbage
    // behind, which would otherwise be collected during the next one-change save and measured there.
    for (let r = 0; r <= runs; r++) {
      const store = new AnnotationStore(fs, { author: () => 'bench' });
      await store.load(doc);
      store.get(doc, text);
      const t = performance.now();
      await store.update(doc, (draft) => { for (const c of draft.claims) c.updated = `2025-03-${String(13 + r).padStart(2, '0')}T10:00:00Z`; }, { documentText: text });
      if (r > 0) saveAlls.push(performance.now() - t);
    }
    return {
      claims,
      yamlBytes: Buffer.byteLength(yaml),
      documentBytes: Buffer.byteLength(text),
      loadMs: median(loads),
      resolveMs: median(resolves),
      saveMs: median(saves),
      saveAgainMs: median(saveAgains),
      saveAllMs: median(saveAlls),
      serializeMs: median(serializes),
      firstLoadMs,
      firstSaveMs,
      savePaths,
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { corpus: { type: 'string', default: '../shared/corpora/polnear' }, claims: { type: 'string', default: '5000' }, runs: { type: 'string', default: '7' } } });
  benchSidecar(values.corpus!, Number(values.claims), Number(values.runs)).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => { console.error(`bench: ${e instanceof Error ? e.message : String(e)}`); process.exitCode = 1; },
  );
}
