/**
 * The directed classifier prepared once per sentence (directedSentence.ts)
 * must give exactly what the reference classifyPair gives.
 */
import assert from 'node:assert/strict';
import { classifyPair } from '../../../src/core/stance/directed';
import { PreparedSentence } from '../../../src/core/stance/directedSentence';

const SENTENCES = [
  'Ana Ruiz praised Tom Bell for his handling of the budget, aides said.',
  "Ruiz's office was sharply criticised by Bell’s campaign on Tuesday.",
  'Bell, who has never backed Ruiz, said she “would not stand by” the mayor’s plan.',
  'According to O’Neill, the governor didn’t blame Ruiz; he blamed the council.',
  'Critics 2day: ab’c9 Ruiz’s 😀 allies — Bell & co. — were attacked by the Times.',
];

/** Every span pair over word starts/ends and some cuts inside words ("Ruiz" of "Ruiz's"). */
function spans(sentence: string): Array<[number, number]> {
  const bounds = new Set<number>([0, sentence.length]);
  for (const m of sentence.matchAll(/\S+/g)) {
    bounds.add(m.index!);
    bounds.add(m.index! + m[0].length);
    if (m[0].length > 3) bounds.add(m.index! + m[0].length - 2);
  }
  const sorted = [...bounds].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length && j <= i + 2; j++) out.push([sorted[i], sorted[j]]);
  return out;
}

describe('PreparedSentence: the directed classifier prepared once per sentence', () => {
  it('gives exactly classifyPair’s result for every pair of spans, possessives, passives and cut words included', function () {
    // Thousands of pairs through the slow reference classifier: seconds on a busy machine.
    this.timeout(30_000);
    let compared = 0;
    for (const sentence of SENTENCES) {
      const prepared = new PreparedSentence(sentence);
      const all = spans(sentence);
      for (const p of all) {
        for (const q of all) {
          if (p[0] < q[1] && q[0] < p[1]) continue;
          assert.deepEqual(prepared.classify(p, q), classifyPair({ sentence, p, q }), `${sentence} p=${p} q=${q}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 1000, `only ${compared} pairs compared`);
  });

  it('stays exact when the vocabulary outgrows its table and the words are numbered afresh', function () {
    this.timeout(30_000);
    const early = new PreparedSentence(SENTENCES[0]);
    const ruiz: [number, number] = [0, 8];
    const bell: [number, number] = [17, 25];
    assert.deepEqual(early.classify(ruiz, bell), classifyPair({ sentence: SENTENCES[0], p: ruiz, q: bell }));
    // Sixty thousand words never seen before, forty to a sentence: more than the table keeps.
    for (let n = 0; n < 60_000; n += 40) {
      const words = Array.from({ length: 40 }, (_, k) => `zq${(n + k).toString(36)}x`);
      const sentence = `Ana Ruiz ${words.join(' ')} praised Tom Bell.`;
      const p: [number, number] = [0, 8];
      const q: [number, number] = [sentence.length - 9, sentence.length - 1];
      const prepared = new PreparedSentence(sentence);
      if (n % 4000 === 0) assert.deepEqual(prepared.classify(p, q), classifyPair({ sentence, p, q }), sentence);
    }
    // Prepared before the table started afresh: still exact.
    assert.deepEqual(early.classify(ruiz, bell), classifyPair({ sentence: SENTENCES[0], p: ruiz, q: bell }));
    assert.deepEqual(early.classify(bell, ruiz), classifyPair({ sentence: SENTENCES[0], p: bell, q: ruiz }));
  });
});
