/** The stance layer on hand-written sentences. */
import assert from 'node:assert/strict';
import type { ExtractedStance } from '../../../src/core/extract/types';
import { classifyDirected, EntityNotFoundError } from '../../../src/core/stance/directed';
import { locateEntities } from '../../../src/core/stance/directedFeatures';
import { aggregateStances, computeStances } from '../../../src/core/stance/speakerStances';
import { normaliseTarget } from '../../../src/core/stance/targets';
import { buildClaims, speaker } from './fixtures';

const ruiz = speaker('ana-ruiz', 'Ana Ruiz');
const bell = speaker('tom-bell', 'Tom Bell');

function stancesFor(text: string, claims: Parameters<typeof buildClaims>[1]): ExtractedStance[] {
  return computeStances(text, { speakers: [ruiz, bell], claims: buildClaims(text, claims) });
}

describe('stance: directed sentiment between two entities', () => {
  it('active voice: the subject holds the opinion', () => {
    assert.deepEqual(pick(classifyDirected('Tom Bell accused Ana Ruiz of lying to voters.', 'Tom Bell', 'Ana Ruiz')), { from: 'p', polarity: 'negative' });
    assert.deepEqual(pick(classifyDirected('Tom Bell thanked Ana Ruiz for her support.', 'Tom Bell', 'Ana Ruiz')), { from: 'p', polarity: 'positive' });
  });

  it('passive voice reverses the direction ("was criticised by")', () => {
    assert.deepEqual(pick(classifyDirected('Ana Ruiz was fiercely criticised by Tom Bell.', 'Ana Ruiz', 'Tom Bell')), { from: 'q', polarity: 'negative' });
    assert.deepEqual(pick(classifyDirected('Ana Ruiz was praised by Tom Bell for her work.', 'Ana Ruiz', 'Tom Bell')), { from: 'q', polarity: 'positive' });
  });

  it('p given after q in the sentence still answers in p/q terms', () => {
    assert.deepEqual(pick(classifyDirected('Tom Bell thanked Ana Ruiz for her support.', 'Ana Ruiz', 'Tom Bell')), { from: 'q', polarity: 'positive' });
  });

  it('reported speech: the speaker holds the opinion of the person spoken of', () => {
    assert.deepEqual(pick(classifyDirected('Tom Bell said that Ana Ruiz is a liar and a fraud.', 'Tom Bell', 'Ana Ruiz')), { from: 'p', polarity: 'negative' });
    assert.deepEqual(pick(classifyDirected('Ana Ruiz said Tom Bell had done a fantastic job.', 'Ana Ruiz', 'Tom Bell')), { from: 'p', polarity: 'positive' });
  });

  it('a meeting is neutral', () => {
    assert.deepEqual(pick(classifyDirected('Tom Bell met Ana Ruiz in Lisbon on Tuesday.', 'Tom Bell', 'Ana Ruiz')), { from: null, polarity: 'neutral' });
  });

  it('bracket marks that cut a word are widened to the whole word', () => {
    const pair = locateEntities('[Los Angele]s officials thanked [Tom Bell].', 'Los Angele', 'Tom Bell')!;
    assert.equal(pair.sentence.slice(pair.p[0], pair.p[1]), 'Los Angeles');
    assert.equal(pair.sentence.slice(pair.q[0], pair.q[1]), 'Tom Bell');
  });

  it('an entity that is not in the sentence is reported, not guessed', () => {
    assert.throws(() => classifyDirected('Ana Ruiz spoke.', 'Ana Ruiz', 'Zed Moss'), EntityNotFoundError);
  });
});

function pick(s: { from: unknown; polarity: unknown }) {
  return { from: s.from, polarity: s.polarity };
}

describe('stance: speaker stances on topics', () => {
  it('negation flips the cue ("would never back")', () => {
    const text = 'Ana Ruiz said she would never back sending troops to the border. Tom Bell said he would back sending troops there.';
    const stances = stancesFor(text, [
      { speaker: 'ana-ruiz', context: 'Ana Ruiz said she would never back sending troops to the border.', content: 'she would never back sending troops to the border', cue: 'said', source: 'Ana Ruiz' },
      { speaker: 'tom-bell', context: 'Tom Bell said he would back sending troops there.', content: 'he would back sending troops there', cue: 'said', source: 'Tom Bell' },
    ]);
    assert.equal(stances.find((s) => s.speaker === 'ana-ruiz')?.polarity, 'oppose');
    assert.equal(stances.find((s) => s.speaker === 'tom-bell')?.polarity, 'support');
    assert.equal(stances.find((s) => s.speaker === 'ana-ruiz')?.summary, 'Opposes sending troops to Ukraine');
  });

  it('a judgement after the topic counts ("easing them would be a blunder")', () => {
    const text = '“Easing sanctions now would be a terrible blunder,” Ana Ruiz told reporters.';
    const stances = stancesFor(text, [{ speaker: 'ana-ruiz', context: text, content: 'Easing sanctions now would be a terrible blunder', cue: 'told', source: 'Ana Ruiz' }]);
    assert.equal(stances[0].target, 'lifting sanctions on Russia');
    assert.equal(stances[0].polarity, 'oppose');
  });

  it('governing words compose ("rejected calls to lift sanctions")', () => {
    const text = 'Ana Ruiz rejected calls to lift sanctions before a ceasefire is agreed.';
    const stances = stancesFor(text, [{ speaker: 'ana-ruiz', context: text, content: 'calls to lift sanctions before a ceasefire is agreed', cue: 'rejected', source: 'Ana Ruiz' }]);
    const lifting = stances.find((s) => s.target === 'lifting sanctions on Russia')!;
    assert.equal(lifting.polarity, 'oppose');
  });

  it('tightening sanctions is the opposite of lifting them', () => {
    const text = 'Tom Bell urged allies to tighten sanctions on Moscow.';
    const stances = stancesFor(text, [{ speaker: 'tom-bell', context: text, content: 'allies to tighten sanctions on Moscow', cue: 'urged', source: 'Tom Bell' }]);
    assert.equal(stances.find((s) => s.target === 'lifting sanctions on Russia')?.polarity, 'oppose');
  });

  it('mixed evidence in one document is mixed, showing both sides', () => {
    const text = 'Ana Ruiz said she supports a ceasefire. Later Ana Ruiz said she rejects a ceasefire on these terms.';
    const stances = stancesFor(text, [
      { speaker: 'ana-ruiz', context: 'Ana Ruiz said she supports a ceasefire.', content: 'she supports a ceasefire', cue: 'said', source: 'Ana Ruiz' },
      { speaker: 'ana-ruiz', context: 'Ana Ruiz said she rejects a ceasefire on these terms.', content: 'she rejects a ceasefire on these terms', cue: 'said', source: 'Ana Ruiz' },
    ]);
    const ceasefire = stances.find((s) => s.target === 'a ceasefire')!;
    assert.equal(ceasefire.polarity, 'mixed');
    assert.deepEqual(ceasefire.claims, ['c1', 'c2']);
    assert.equal(ceasefire.summary, 'Has mixed views on a ceasefire: supports it in 1 statement, opposes it in 1 statement');
  });

  it('a person the speaker attacks becomes a target, through the directed classifier', () => {
    const text = 'Tom Bell accused Ana Ruiz of lying to voters about the budget.';
    const stances = stancesFor(text, [{ speaker: 'tom-bell', context: text, content: 'Ana Ruiz of lying to voters about the budget', cue: 'accused', source: 'Tom Bell' }]);
    const onRuiz = stances.find((s) => s.target === 'Ana Ruiz')!;
    assert.equal(onRuiz.polarity, 'oppose');
    assert.equal(onRuiz.summary, 'Criticises Ana Ruiz');
  });
});

describe('stance: target normalisation', () => {
  it('variants of one policy meet on one canonical target', () => {
    for (const phrase of ['lift sanctions', 'lifting sanctions', 'the lifting of Western sanctions on Russia', 'ease sanctions', 'sanctions relief', 'Easing the sanctions']) {
      assert.equal(normaliseTarget(phrase), 'lifting sanctions on Russia', phrase);
    }
    for (const phrase of ['sending troops', 'deploy troops', 'commit troops', 'send 5,000 soldiers']) {
      assert.equal(normaliseTarget(phrase), 'sending troops to Ukraine', phrase);
    }
    for (const phrase of ['reassurance force', 'a “reassurance force”', 'postwar force', 'the post-war force']) {
      assert.equal(normaliseTarget(phrase), 'a European reassurance force', phrase);
    }
  });

  it('other noun phrases: lowercase, no determiner, singular head; names keep their spelling', () => {
    assert.equal(normaliseTarget('The new fuel taxes'), 'new fuel tax');
    assert.equal(normaliseTarget('these energy policies'), 'energy policy');
    assert.equal(normaliseTarget('the Kremlin’s'), 'Kremlin');
    assert.equal(normaliseTarget('Ana Ruiz'), 'Ana Ruiz');
  });
});

describe('stance: corpus-wide aggregation', () => {
  const doc1: ExtractedStance[] = [
    { speaker: 'ana-ruiz', target: 'lifting sanctions on Russia', polarity: 'oppose', claims: ['c1'], summary: 'Opposes lifting sanctions on Russia until peace is established', confidence: 0.7 },
    { speaker: 'ana-ruiz', target: 'a ceasefire', polarity: 'support', claims: ['c2'], summary: 'Supports a ceasefire', confidence: 0.7 },
  ];
  const doc2: ExtractedStance[] = [
    { speaker: 'ana-ruiz', target: 'ease sanctions', polarity: 'oppose', claims: ['c4'], summary: 'Opposes lifting sanctions on Russia', confidence: 0.7 },
    { speaker: 'ana-ruiz', target: 'a ceasefire', polarity: 'oppose', claims: ['c5'], summary: 'Opposes a ceasefire', confidence: 0.7 },
  ];

  it('gathers a target across documents, most-evidenced first, with counts', () => {
    const all = aggregateStances([{ document: 'a.txt', stances: doc1 }, { document: 'b.txt', stances: doc2 }]);
    assert.equal(all[0].target, 'lifting sanctions on Russia');
    assert.equal(all[0].summary, 'Opposes lifting sanctions on Russia until peace is established (2 statements, 2 documents)');
    assert.deepEqual(all[0].claims, [{ document: 'a.txt', claim: 'c1' }, { document: 'b.txt', claim: 'c4' }]);
  });

  it('conflicting documents make a mixed stance showing both sides', () => {
    const all = aggregateStances([{ document: 'a.txt', stances: doc1 }, { document: 'b.txt', stances: doc2 }]);
    const ceasefire = all.find((s) => s.target === 'a ceasefire')!;
    assert.equal(ceasefire.polarity, 'mixed');
    assert.equal(ceasefire.support, 1);
    assert.equal(ceasefire.oppose, 1);
    assert.equal(ceasefire.summary, 'Has mixed views on a ceasefire: supports it in 1 statement, opposes it in 1 statement (2 statements, 2 documents)');
  });

  it('a confirmed stance from a sidecar overrides the computed one and is marked confirmed', () => {
    const all = aggregateStances(
      [{ document: 'a.txt', stances: doc1 }, { document: 'b.txt', stances: doc2 }],
      [{ speaker: 'ana-ruiz', target: 'ceasefire', polarity: 'support', claims: ['c2'], summary: 'Supports a ceasefire once prisoners are exchanged', document: 'a.txt', author: 'fact-desk' }],
    );
    const ceasefire = all.filter((s) => s.target === 'a ceasefire');
    assert.equal(ceasefire.length, 1);
    assert.equal(ceasefire[0].polarity, 'support');
    assert.equal(ceasefire[0].confirmed, true);
    assert.equal(ceasefire[0].summary, 'Supports a ceasefire once prisoners are exchanged');
    assert.equal(all.find((s) => s.target === 'lifting sanctions on Russia')!.confirmed, false);
  });
});
