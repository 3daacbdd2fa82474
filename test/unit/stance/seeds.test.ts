/**
 * The seed articles' stances, from hand-built claims (the speaker/claim
 * extractor is tested on its own; here the claims are the ones a careful
 * reader would mark, located in the seed text programmatically).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractedStance } from '../../../src/core/extract/types';
import { aggregateStances, computeStances } from '../../../src/core/stance/speakerStances';
import { buildClaims, speaker } from './fixtures';

const SEEDS = join(__dirname, '..', '..', '..', '..', 'seeds');

function seed(prefix: string): string {
  const file = readdirSync(SEEDS).find((f) => f.startsWith(prefix));
  assert.ok(file, `no seed article ${prefix}*`);
  return readFileSync(join(SEEDS, file), 'utf8');
}

const speakers = [
  speaker('emmanuel-macron', 'Emmanuel Macron'),
  speaker('keir-starmer', 'Keir Starmer'),
  speaker('olaf-scholz', 'Olaf Scholz'),
  speaker('volodymyr-zelensky', 'Volodymyr Zelensky'),
  speaker('giorgia-meloni', 'Giorgia Meloni'),
];

function stanceOf(stances: ExtractedStance[], who: string, target: string): ExtractedStance | undefined {
  return stances.find((s) => s.speaker === who && s.target === target);
}

describe('stance: seed articles (hand-built claims)', () => {
  const first = seed('000_');
  const second = seed('002_');
  const firstClaims = buildClaims(first, [
    { speaker: 'keir-starmer', context: '“There was complete clarity that now is not the time to lift sanctions — quite the contrary,” British Prime Minister Keir Starmer said', content: 'There was complete clarity that now is not the time to lift sanctions — quite the contrary', cue: 'said', source: 'British Prime Minister Keir Starmer' },
    { speaker: 'olaf-scholz', context: 'German Chancellor Olaf Scholz warned that lifting sanctions without a truce would be a “grave mistake.”', content: 'lifting sanctions without a truce would be a “grave mistake.”', cue: 'warned', source: 'German Chancellor Olaf Scholz' },
    { speaker: 'volodymyr-zelensky', context: 'So, too, did Zelensky criticize “very dangerous signals” suggesting some nations, including Saudi Arabia, might consider such a move.', content: '“very dangerous signals” suggesting some nations, including Saudi Arabia, might consider such a move', cue: 'criticize', source: 'Zelensky' },
    { speaker: 'emmanuel-macron', context: 'Macron confirmed that France and Britain were spearheading efforts to send a “reassurance force” after the fighting ends.', content: 'France and Britain were spearheading efforts to send a “reassurance force” after the fighting ends', cue: 'confirmed', source: 'Macron' },
    { speaker: 'giorgia-meloni', context: 'Italian Prime Minister Giorgia Meloni reiterated Rome’s refusal to send troops to Ukraine', content: 'Rome’s refusal to send troops to Ukraine', cue: 'reiterated', source: 'Italian Prime Minister Giorgia Meloni' },
  ]);
  const secondClaims = buildClaims(second, [
    { speaker: 'emmanuel-macron', context: 'French President Emmanuel Macron said this is “not the time” to lift sanctions.', content: 'this is “not the time” to lift sanctions', cue: 'said', source: 'French President Emmanuel Macron' },
    { speaker: 'emmanuel-macron', context: 'he said it won’t be time until “peace is clearly established.”', content: 'it won’t be time until “peace is clearly established.”', cue: 'said', source: 'he' },
    { speaker: 'emmanuel-macron', context: 'Macron said Thursday that doesn’t mean “starting by lifting sanctions.”', content: 'that doesn’t mean “starting by lifting sanctions.”', cue: 'said', source: 'Macron' },
    { speaker: 'giorgia-meloni', context: 'Giorgia Meloni, under pressure from her government partners, has opposed sending soldiers.', content: 'sending soldiers', cue: 'opposed', source: 'Giorgia Meloni' },
  ]);
  const firstStances = computeStances(first, { speakers, claims: firstClaims });
  const secondStances = computeStances(second, { speakers, claims: secondClaims });

  for (const [who, stances] of [
    ['keir-starmer', firstStances],
    ['olaf-scholz', firstStances],
    ['volodymyr-zelensky', firstStances],
    ['emmanuel-macron', secondStances],
  ] as const) {
    it(`${who} opposes lifting sanctions on Russia`, () => {
      assert.equal(stanceOf(stances, who, 'lifting sanctions on Russia')?.polarity, 'oppose', JSON.stringify(stances.filter((s) => s.speaker === who)));
    });
  }

  it('Meloni opposes sending troops, in both articles', () => {
    assert.equal(stanceOf(firstStances, 'giorgia-meloni', 'sending troops to Ukraine')?.polarity, 'oppose');
    assert.equal(stanceOf(secondStances, 'giorgia-meloni', 'sending troops to Ukraine')?.polarity, 'oppose');
  });

  it('Macron supports the reassurance force', () => {
    assert.equal(stanceOf(firstStances, 'emmanuel-macron', 'a European reassurance force')?.polarity, 'support');
  });

  it('Macron: the qualifier from his next statement, and the evidence of both statements, in the summary', () => {
    const s = stanceOf(secondStances, 'emmanuel-macron', 'lifting sanctions on Russia')!;
    assert.equal(s.summary, 'Opposes lifting sanctions on Russia until peace is clearly established');
    assert.deepEqual(s.claims, ['c1', 'c3']);
  });

  it('Scholz: the truce in "without a truce" qualifies; it is not a stance on a ceasefire', () => {
    assert.equal(stanceOf(firstStances, 'olaf-scholz', 'a ceasefire'), undefined);
    assert.equal(stanceOf(firstStances, 'olaf-scholz', 'lifting sanctions on Russia')?.summary, 'Opposes lifting sanctions on Russia without a truce');
  });

  it('across both articles: Macron opposes lifting sanctions, with counts of statements and documents', () => {
    const all = aggregateStances([
      { document: '000.txt', stances: firstStances },
      { document: '002.txt', stances: secondStances },
    ]);
    const meloni = all.find((s) => s.speaker === 'giorgia-meloni' && s.target === 'sending troops to Ukraine')!;
    assert.equal(meloni.polarity, 'oppose');
    assert.equal(meloni.summary, 'Opposes sending troops to Ukraine (2 statements, 2 documents)');
    const macron = all.filter((s) => s.speaker === 'emmanuel-macron');
    assert.equal(macron[0].target, 'lifting sanctions on Russia');
    assert.equal(macron[0].summary, 'Opposes lifting sanctions on Russia until peace is clearly established (2 statements, 1 document)');
  });
});
