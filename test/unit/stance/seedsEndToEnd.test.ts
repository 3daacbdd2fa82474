/**
 * The seed stances from the real pipeline: `analyzeDocument` (the speaker and
 * claim extractor, then the stance layer) on the two seed articles.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../../src/core/analyze';
import type { DocumentExtraction } from '../../../src/core/extract/types';
import { aggregateStances } from '../../../src/core/stance/speakerStances';

const SEEDS = join(__dirname, '..', '..', '..', '..', 'seeds');

describe('stance: seed articles end to end (analyzeDocument)', () => {
  const documents: Array<{ document: string; extraction: DocumentExtraction }> = readdirSync(SEEDS)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ document: f, extraction: analyzeDocument(readFileSync(join(SEEDS, f), 'utf8')) }));
  const corpus = aggregateStances(documents.map((d) => ({ document: d.document, stances: d.extraction.stances })));

  /** The aggregated stance of the speaker whose name contains `surname`. */
  function stance(surname: string, target: string) {
    const ids = new Set(documents.flatMap((d) => d.extraction.speakers.filter((s) => s.name.includes(surname)).map((s) => s.id)));
    const found = corpus.filter((s) => ids.has(s.speaker) && s.target === target);
    return { found, all: corpus.filter((s) => ids.has(s.speaker)).map((s) => `${s.speaker}: ${s.summary}`) };
  }

  for (const surname of ['Macron', 'Starmer', 'Scholz', 'Zelensky']) {
    it(`${surname} opposes lifting sanctions on Russia`, () => {
      const { found, all } = stance(surname, 'lifting sanctions on Russia');
      assert.ok(found.length > 0 && found.every((s) => s.polarity === 'oppose'), all.join('\n'));
    });
  }

  it('Meloni opposes sending troops', () => {
    const { found, all } = stance('Meloni', 'sending troops to Ukraine');
    assert.ok(found.length > 0 && found.every((s) => s.polarity === 'oppose'), all.join('\n'));
  });

  it('Macron supports the reassurance force', () => {
    const { found, all } = stance('Macron', 'a European reassurance force');
    assert.ok(found.length > 0 && found.every((s) => s.polarity === 'support'), all.join('\n'));
  });
});
