/**
 * findTopicMentions skips text that contains none of the topic table's fixed
 * words; it must still find exactly what matching every pattern finds.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findTopicMentions, TOPICS, type TopicMention } from '../../../src/core/stance/targets';

/** The table applied pattern by pattern with no shortcut: earlier patterns win overlaps. */
function everyPattern(text: string): TopicMention[] {
  const folded = text.toLowerCase().replace(/[“”«»„"]/g, ' ').replace(/[‘’]/g, "'");
  const found: TopicMention[] = [];
  for (const topic of TOPICS) {
    for (const { pattern, sign } of topic.patterns) {
      for (const m of folded.matchAll(new RegExp(pattern.source, 'g'))) {
        const start = m.index!;
        const end = start + m[0].length;
        if (!found.some((f) => f.start < end && start < f.end)) found.push({ canonical: topic.canonical, sign, start, end });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

const piece = fc.constantFrom(
  'lift', 'Lifting', 'ease', 'easing', 'the', 'Western', 'EU', 'U.S.', 'sanctions', 'Sanctions', 'relief', 'be', 'lifted', 'them', 'theme',
  'send', 'deploy', 'deployed', 'troops', 'Troop', 'soldiers', 'forces', 'boots on the ground', 'boots on“the ground', 'deployments', 'of',
  'to Ukraine', 'reassurance', 'post-war', 'force', 'coalition of the willing', 'coalition of”the willing', 'cease-fire', 'ceasefire',
  'truce', 'armistice', 'peace', 'talks', 'deal', 'military', 'weapons', 'arms', 'aid', 'supplies', 'tighten', 'more', 'said', 'Macron',
  ' ', ' ', '  ', '\n', ',', '.', '“', '”', '’', 'İ', 'K',
);
const text = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(' '));

describe('findTopicMentions: the fixed-word shortcut', () => {
  it('finds exactly what the patterns one by one find', () => {
    assert.deepEqual(findTopicMentions('Lifting them would be a mistake; sending boots on“the ground, a truce.').length, 3);
    fc.assert(fc.property(text, (s) => assert.deepEqual(findTopicMentions(s), everyPattern(s))), { numRuns: 3000 });
  });

  it('finds nothing in text without any topic', () => {
    assert.deepEqual(findTopicMentions('The mayor said the budget would pass on Tuesday.'), []);
  });
});
