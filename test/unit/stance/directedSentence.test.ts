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
  it('gives exactly classifyPair’s result for every pair of spans, possessives, passives and cut words included', () => {
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
});
