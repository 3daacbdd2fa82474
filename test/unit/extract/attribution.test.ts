import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { findAttributions, findAttributionsOrThrow, type Attribution } from '../../../src/core/extract/attribution';

/** The attributions as readable strings, so failures show what was found. */
function readable(text: string): Array<{ content: string; cue: string | null; source: string | null; kind: string; continues?: number }> {
  return findAttributions(text).map((a) => ({
    content: text.slice(a.content.start, a.content.end),
    cue: a.cue ? text.slice(a.cue.start, a.cue.end) : null,
    source: a.source ? text.slice(a.source.start, a.source.end) : null,
    kind: a.kind,
    ...(a.continues !== undefined ? { continues: a.continues } : {}),
  }));
}

describe('findAttributions: direct quotes', () => {
  it('attributes a quote followed by "X said" (curly quotes)', () => {
    const text = '“The harbour will reopen next spring,” the port director Lena Obi said on Friday.';
    assert.deepEqual(readable(text), [
      { content: '“The harbour will reopen next spring,”', cue: 'said', source: 'the port director Lena Obi', kind: 'direct' },
    ]);
  });

  it('attributes a quote followed by an inverted "said X" with an apposition (straight quotes)', () => {
    const text = '"Nobody warned us about the flooding," said Tomas Reyes, a baker on Mill Street.';
    assert.deepEqual(readable(text), [
      { content: '"Nobody warned us about the flooding,"', cue: 'said', source: 'Tomas Reyes, a baker on Mill Street', kind: 'direct' },
    ]);
  });

  it('attributes a quote introduced by "X said:" before it', () => {
    const text = 'The mayor said: “We will rebuild the bridge before winter.”';
    assert.deepEqual(readable(text), [
      { content: '“We will rebuild the bridge before winter.”', cue: 'said', source: 'The mayor', kind: 'direct' },
    ]);
  });

  it('keeps a pronoun source as written', () => {
    const text = 'Greta Lund runs the shelter.\n\n“We have never been this full,” she added.';
    const found = readable(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].source, 'she');
    assert.equal(found[0].cue, 'added');
  });

  it('joins the two halves of a quote split by "he said" into one direct statement', () => {
    const text = '“The numbers are clear,” he said, “and the council must act now.”';
    assert.deepEqual(readable(text), [
      { content: '“The numbers are clear,” he said, “and the council must act now.”', cue: 'said', source: 'he', kind: 'direct' },
    ]);
  });

  it('follows a quote across paragraphs (opening mark repeated, no closing mark at the paragraph end)', () => {
    const text = 'The coach spoke after the match. She said: “We lost our shape in the second half.\n\n“Next week we start again from the basics.”';
    const found = readable(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].source, 'She');
    assert.ok(found[0].content.startsWith('“We lost'), found[0].content);
    assert.ok(found[0].content.endsWith('basics.”'), found[0].content);
  });

  it('marks a paragraph-opening quote without a cue as continuing the previous speaker', () => {
    const text = '“The vote was fair,” said the election officer, Ruth Adeyemi.\n\n“Every ballot was counted twice, and the observers signed each sheet.”';
    const found = findAttributions(text);
    assert.equal(found.length, 2);
    assert.equal(found[1].continues, 0);
    assert.equal(found[1].cue, null);
    assert.equal(text.slice(found[1].content.start, found[1].content.end), '“Every ballot was counted twice, and the observers signed each sheet.”');
  });
});

describe('findAttributions: indirect and mixed speech', () => {
  it('finds "X said that …" with "that" inside the content and no final period', () => {
    const text = 'The health minister said that the new clinic would open in March.';
    assert.deepEqual(readable(text), [
      { content: 'that the new clinic would open in March', cue: 'said', source: 'The health minister', kind: 'indirect' },
    ]);
  });

  it('finds "…, X said." with the content before the source', () => {
    const text = 'The tunnel will stay closed until the inspection is finished, a railway spokesman said.';
    assert.deepEqual(readable(text), [
      { content: 'The tunnel will stay closed until the inspection is finished', cue: 'said', source: 'a railway spokesman', kind: 'indirect' },
    ]);
  });

  it('finds "according to X, …"', () => {
    const text = 'According to the fire brigade, the blaze started in a storage room.';
    assert.deepEqual(readable(text), [
      { content: 'the blaze started in a storage room', cue: 'According to', source: 'the fire brigade', kind: 'indirect' },
    ]);
  });

  it('finds "X accused Y of …"', () => {
    const text = 'The union accused the management of hiding the safety reports.';
    const found = readable(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].cue, 'accused');
    assert.equal(found[0].source, 'The union');
    assert.ok(found[0].content.includes('hiding the safety reports'), found[0].content);
  });

  it('skips the addressee of "told": "X told reporters …"', () => {
    const text = 'Governor Amal Haddad told reporters the budget would be balanced by autumn.';
    assert.deepEqual(readable(text), [
      { content: 'the budget would be balanced by autumn', cue: 'told', source: 'Governor Amal Haddad', kind: 'indirect' },
    ]);
  });

  it('takes the content before an inverted "said X who …" and keeps the relative clause in the source', () => {
    const text = 'The talks will collapse by spring, said a diplomat who asked not to be named.';
    assert.deepEqual(readable(text), [
      { content: 'The talks will collapse by spring', cue: 'said', source: 'a diplomat who asked not to be named', kind: 'indirect' },
    ]);
  });

  it('gives a participle cue ("…, saying …") the sentence subject as source', () => {
    const text = 'Councillor Ivo Petrov visited the depot on Tuesday, saying the buses were unsafe.';
    const found = readable(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].source, 'Councillor Ivo Petrov');
    assert.equal(found[0].cue, 'saying');
    assert.equal(found[0].content, 'the buses were unsafe');
  });

  it('marks a partial quote inside paraphrase as mixed, and a second reporting verb of the same subject as its own claim', () => {
    const text = 'The senator called the proposal “a gift to polluters” and promised to fight it.';
    assert.deepEqual(readable(text), [
      { content: 'the proposal “a gift to polluters”', cue: 'called', source: 'The senator', kind: 'mixed' },
      { content: 'to fight it', cue: 'promised', source: 'The senator', kind: 'indirect' },
    ]);
  });
});

describe('findAttributions: robustness', () => {
  it('finds nothing in plain narration', () => {
    const text = 'The river rose by two metres overnight. Boats were tied to the lamp posts, and the market moved to the school yard.';
    assert.deepEqual(findAttributions(text), []);
  });

  it('returns UTF-16 offsets that stay right after astral characters', () => {
    const text = '🌊🌊 Flood day. “We saw the water coming,” Ana Silva said.';
    const [a] = findAttributions(text);
    assert.ok(a, 'one attribution');
    assert.equal(text.slice(a.content.start, a.content.end), '“We saw the water coming,”');
    assert.equal(text.slice(a.source!.start, a.source!.end), 'Ana Silva');
    assert.equal(text.slice(a.cue!.start, a.cue!.end), 'said');
  });

  it('never throws (even without its safety net), keeps spans in bounds, sorted by content start, with valid continuation indices', () => {
    const pieces = ['“', '”', '"', "''", ' said ', ' he ', ' told reporters ', 'according to ', ', ', '. ', '\n\n', ':', 'Mr. ', 'Jane Doe', 'the plan', 'that', '🌊', '(', ')', ' — '];
    const arb = fc.oneof(fc.string(), fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join('')));
    fc.assert(fc.property(arb, (text) => {
      const found: Attribution[] = findAttributionsOrThrow(text);
      let last = -1;
      for (const a of found) {
        for (const span of [a.content, a.cue, a.source]) {
          if (!span) continue;
          assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length);
        }
        assert.ok(a.content.end > a.content.start);
        assert.ok(a.content.start >= last);
        last = a.content.start;
        if (a.continues !== undefined) assert.ok(a.continues >= 0 && a.continues < found.length);
      }
    }), { numRuns: 500 });
  });
});

describe('findAttributions: subjects, raising verbs and ambiguous cue words', () => {
  it('finds the subject across a time adjunct between it and the cue', () => {
    const text = 'The harbour master on Tuesday said the northern channel was safe again.';
    assert.deepEqual(readable(text).map((a) => [a.source, a.cue, a.content]), [
      ['The harbour master', 'said', 'the northern channel was safe again'],
    ]);
  });

  it('keeps a coordinated subject whole', () => {
    const text = 'Mayor Lena Obi and her deputy said the budget would pass by June.';
    assert.deepEqual(readable(text).map((a) => a.source), ['Mayor Lena Obi and her deputy']);
  });

  it('gives no source to a raising verb ("is expected to", "seems")', () => {
    const text = 'The council is expected to approve the new library next month.';
    for (const a of readable(text)) assert.equal(a.source, null, JSON.stringify(a));
  });

  it('takes an ambiguous word as a cue when a speaker holds the view', () => {
    const text = 'Union leader Mara Holt wants the plant to stay open.';
    assert.deepEqual(readable(text).map((a) => [a.source, a.cue, a.content]), [['Union leader Mara Holt', 'wants', 'the plant to stay open']]);
  });

  it('does not take the same word as a cue when nobody holds a view', () => {
    assert.deepEqual(readable('The recipe wants two cups of flour.'), []);
  });
});

/** [source, cue, content] of each attribution, the shape most of the rules below are about. */
const triples = (text: string) => readable(text).map((a) => [a.source, a.cue, a.content]);

describe('findAttributions: reporting clauses around the statement', () => {
  it('takes the speaker of a fronted "As X put it, …" and not a verb inside the content', () => {
    const text = 'As one harbour pilot put it, if the port wants to grow, “the channel has to be dredged.”';
    assert.deepEqual(triples(text), [['one harbour pilot', 'put it', 'if the port wants to grow, “the channel has to be dredged.”']]);
  });

  it('takes the speaker of a trailing "…, as X noted."', () => {
    const text = 'The ferry timetable will not survive the winter, as the union\'s regional secretary noted.';
    assert.deepEqual(triples(text), [['the union\'s regional secretary', 'noted', 'The ferry timetable will not survive the winter']]);
  });

  it('keeps several appositions of a source placed between a quote and its cue', () => {
    const text = '“We were never consulted,” Mara Ilves, 52, a fishmonger from Tallinn, who has worked the quay for thirty years, said on Sunday.';
    assert.deepEqual(triples(text), [['Mara Ilves, 52, a fishmonger from Tallinn, who has worked the quay for thirty years,', 'said', '“We were never consulted,”']]);
  });

  it('attributes a question or exclamation quote to the inverted speaker after it', () => {
    assert.deepEqual(triples('“Who will pay for the repairs?” asked Petra Lind, a council member.'),
      [['Petra Lind, a council member', 'asked', '“Who will pay for the repairs?”']]);
    assert.deepEqual(triples('“This is our harbour!” said Jonas Berg.'), [['Jonas Berg', 'said', '“This is our harbour!”']]);
  });

  it('does not take a clause after an inverted cue for its source ("said the council could …")', () => {
    const text = 'Mr. Brandt, citing “the old harbour charter,” said the council could not raise tolls.';
    const found = triples(text);
    assert.deepEqual(found.find((a) => a[1] === 'said'), ['Mr. Brandt', 'said', 'the council could not raise tolls']);
    assert.deepEqual(found.find((a) => a[1] === 'citing'), ['Mr. Brandt', 'citing', '“the old harbour charter,”']);
  });

  it('gives a second reporting verb the subject and its apposition ("X, a former …, joined … and said …")', () => {
    const text = 'Oskar Brandt, a former harbour commissioner, joined the protest and said the council had ignored the fishermen.';
    assert.deepEqual(triples(text), [['Oskar Brandt, a former harbour commissioner,', 'said', 'the council had ignored the fishermen']]);
  });

  it('keeps a party-and-state tag in front of the cue and a share of respondents as a source', () => {
    assert.deepEqual(triples('Rep. Dana Whitfield (D-Ore.) said the bridge tolls would double by spring.'),
      [['Rep. Dana Whitfield (D-Ore.)', 'said', 'the bridge tolls would double by spring']]);
    assert.deepEqual(triples('Some 42% say the new tolls are unfair.'), [['Some 42%', 'say', 'the new tolls are unfair']]);
    assert.deepEqual(triples('Some said the tolls would drive away tourists.'), [['Some', 'said', 'the tolls would drive away tourists']]);
  });

  it('finds a participle after "by" and gives it the sentence subject', () => {
    assert.deepEqual(triples('The mayor closed the meeting by saying the tolls would stay.'), [['The mayor', 'saying', 'the tolls would stay']]);
  });

  it('keeps an apposition between dashes in the source', () => {
    const text = 'The harbour master -- who has clashed with the council for years -- said the tolls were illegal.';
    assert.deepEqual(triples(text), [['The harbour master -- who has clashed with the council for years --', 'said', 'the tolls were illegal']]);
  });

  it('gives "… who said …" inside another statement a statement of its own', () => {
    const found = triples('Some 46 percent of residents said yes, compared with 23 percent who said the tolls were fair.');
    assert.deepEqual(found.map((a) => a[0]), ['Some 46 percent of residents', 'who']);
    assert.deepEqual(found[1], ['who', 'said', 'the tolls were fair']);
  });

  it('gives a relative clause inside a source its own statement with "who" as source', () => {
    const text = '“The numbers do not add up,” said Ilse Varga, who said the budget hid a deficit.';
    assert.deepEqual(triples(text), [
      ['Ilse Varga, who said the budget hid a deficit', 'said', '“The numbers do not add up,”'],
      ['who', 'said', 'the budget hid a deficit'],
    ]);
  });
});

describe('findAttributions: sources that are not the grammatical subject', () => {
  it('takes a named poll after "in" as the source of its findings', () => {
    const found = triples('In a Harbour Gazette poll released Monday, most residents opposed the tolls.');
    assert.deepEqual(found[0], ['a Harbour Gazette poll released Monday', 'In', 'most residents opposed the tolls']);
  });

  it('does not take "in the polls" as a source', () => {
    assert.equal(triples('The senator has slipped in the polls since the summer.').some((a) => a[1] === 'in'), false);
  });

  it('takes the agent of a passive reporting verb as source and the subject as content', () => {
    assert.deepEqual(triples('The plan was criticized by the fishermen\'s union.'), [['the fishermen\'s union', 'criticized', 'The plan']]);
    assert.deepEqual(triples('As reported by the Harbour Gazette, the council has delayed the vote.'),
      [['the Harbour Gazette', 'reported by', 'the council has delayed the vote']]);
  });

  it('takes the possessor of a nominal cue followed by "that" as source', () => {
    const found = readable('Jane Doe\'s claim that the tolls were illegal was rejected.');
    assert.equal(found[0].source, 'Jane Doe\'s');
    assert.equal(found[0].cue, 'claim');
    assert.ok(found[0].content.startsWith('that the tolls were illegal'), found[0].content);
  });

  it('does not read naming verbs or adverbs as reporting cues', () => {
    assert.deepEqual(triples('They hired a consultancy called Baltic Shore Partners to review the budget.'), []);
    assert.deepEqual(triples('The storm was known as the worst of the decade.'), []);
    assert.deepEqual(triples('Lena Obi has repeatedly visited the harbour.').filter((a) => a[1] === 'repeatedly'), []);
  });
});
