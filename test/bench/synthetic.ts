/**
 * A synthetic newsroom archive for the indexing benchmark: documents made by
 * recombining paragraphs of PolNeAR articles (so extraction sees real news
 * prose: quotes, cues, names), written to a folder on the fly, deterministic
 * for a given seed. Nothing of the corpus is committed; the folder is deleted
 * by the caller.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom as prng } from '../support/random';

/** Every non-empty paragraph of PolNeAR train+dev texts. */
export function loadParagraphs(corpus: string): string[] {
  const paragraphs: string[] = [];
  for (const split of ['train', 'dev']) {
    const dir = join(corpus, split, 'text');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
      for (const p of readFileSync(join(dir, f), 'utf8').split(/\n\s*\n|\n/)) if (p.trim().length > 40) paragraphs.push(p.trim());
    }
  }
  if (paragraphs.length === 0) throw new Error(`${corpus}: no train/text or dev/text folder with .txt files`);
  return paragraphs;
}

export interface SyntheticCorpus {
  dir: string;
  files: string[];
  bytes: number;
}

/**
 * Writes `count` documents of 1–9 kB (mean about 5 kB, like PolNeAR's articles)
 * under `dir`, 1,000 per sub-folder, a few files at a time.
 */
export async function writeSyntheticCorpus(dir: string, count: number, paragraphs: readonly string[], seed = 20251123): Promise<SyntheticCorpus> {
  const random = prng(seed);
  const files: string[] = [];
  let bytes = 0;
  let pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `part-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(folder, { recursive: true });
    const target = 1000 + Math.floor(random() * 8000);
    const parts: string[] = [];
    let size = 0;
    while (size < target) {
      const p = paragraphs[Math.floor(random() * paragraphs.length)];
      parts.push(p);
      size += p.length + 2;
    }
    const text = parts.join('\n\n') + '\n';
    const file = join(folder, `article-${String(i).padStart(6, '0')}.txt`);
    files.push(file);
    bytes += Buffer.byteLength(text, 'utf8');
    pending.push(writeFile(file, text));
    if (pending.length >= 64) { await Promise.all(pending); pending = []; }
  }
  await Promise.all(pending);
  return { dir, files, bytes };
}
