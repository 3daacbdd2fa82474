/**
 * Speaker finding and clustering on hand-written sentences. The attributions
 * are given by hand (spans located by searching the text), so that these tests
 * check speakers.ts alone, whatever the attribution finder does.
 */
import { strict as assert } from 'node:assert';
import type { Attribution } from '../../../src/core/extract/attribution';
import { analyzeSpeakers, type SpeakerCluster } from '../../../src/core/extract/speakers';

/** The UTF-16 span of the n-th occurrence (1-based) of `part` in `text`. */
function at(text: string, part: string, n = 1): { start: number; end: number } {
  let i = -1;
  for (let k = 0; k < n; k++) {
    i = text.indexOf(part, i + 1);
    if (i < 0) throw new Error(`test setup: "${part}" (#${n}) not in text`);
  }
  return { start: i, end: i + part.length };
}

interface AttSpec { content: string; source?: string; sourceN?: number; cue?: string; continues?: number }

function attributions(text: string, specs: AttSpec[]): Attribution[] {
  return specs.map((s) => ({
    content: at(text, s.content),
    source: s.source ? at(text, s.source, s.sourceN ?? 1) : null,
    cue: s.cue ? at(text, s.cue) : null,
    kind: 'indirect',
    ...(s.continues !== undefined ? { continues: s.continues } : {}),
  }));
}

function run(text: string, specs: AttSpec[] = []) {
  const result = analyzeSpeakers(text, attributions(text, specs));
  const byId = new Map(result.speakers.map((s) => [s.id, s]));
  const speakerOf = (k: number): string | null => {
    const i = result.claimSpeakers[k];
    return i === null ? null : result.speakers[i].id;
  };
  const get = (id: string): SpeakerCluster => {
    const s = byId.get(id);
    assert.ok(s, `no speaker "${id}" among ${result.speakers.map((x) => x.id).join(', ')}`);
    return s;
  };
  return { ...result, byId, speakerOf, get, ids: result.speakers.map((s) => s.id) };
}

const mentionTexts = (text: string, s: SpeakerCluster): string[] => s.mentions.map((m) => text.slice(m.start, m.end));

describe('speakers: people, names and roles', () => {
  it('splits a title from the name: "French President Emmanuel Macron"', () => {
    const text = 'French President Emmanuel Macron said on Monday that the talks would resume.';
    const r = run(text, [{ content: 'that the talks would resume', source: 'French President Emmanuel Macron' }]);
    const macron = r.get('emmanuel-macron');
    assert.equal(macron.name, 'Emmanuel Macron');
    assert.equal(macron.role, 'French President');
    assert.equal(macron.kind, 'person');
    assert.equal(r.speakerOf(0), 'emmanuel-macron');
    assert.deepEqual(mentionTexts(text, macron), ['Emmanuel Macron']);
  });

  it('takes the role from an apposition: "Keir Starmer, the British Prime Minister,"', () => {
    const text = 'Keir Starmer, the British Prime Minister, said the plan was ready.';
    const r = run(text, [{ content: 'the plan was ready', source: 'Keir Starmer, the British Prime Minister,' }]);
    assert.equal(r.get('keir-starmer').role, 'British Prime Minister');
    assert.equal(r.speakerOf(0), 'keir-starmer');
  });

  it('takes a lower-case title and the organisation before it: "Russian Foreign Ministry spokeswoman Maria Zakharova"', () => {
    const text = 'Russian Foreign Ministry spokeswoman Maria Zakharova called the plan reckless.';
    const r = run(text, [{ content: 'the plan reckless', source: 'Russian Foreign Ministry spokeswoman Maria Zakharova' }]);
    assert.equal(r.get('maria-zakharova').role, 'Russian Foreign Ministry spokeswoman');
    assert.equal(r.speakerOf(0), 'maria-zakharova', 'the person, not the ministry, is the source');
    assert.equal(r.get('russian-foreign-ministry').kind, 'organization');
  });

  it('turns a description before a name into the role: "A Twitter spokesman, Christopher Abboud,"', () => {
    const text = 'A Twitter spokesman, Christopher Abboud, said the account had been suspended.';
    const r = run(text, [{ content: 'the account had been suspended', source: 'A Twitter spokesman, Christopher Abboud,' }]);
    assert.equal(r.speakerOf(0), 'christopher-abboud');
    assert.equal(r.get('christopher-abboud').role, 'Twitter spokesman');
    assert.ok(!r.speakers.some((s) => s.kind === 'anonymous'), 'the description is not a second speaker');
  });

  it('keeps a rank but prefers a descriptive apposition', () => {
    const text = 'Retired Gen. Ann Porter, a former head of the naval academy, said the fleet was too small.';
    const r = run(text, [{ content: 'the fleet was too small', source: 'Retired Gen. Ann Porter, a former head of the naval academy,' }]);
    assert.equal(r.get('ann-porter').role, 'former head of the naval academy');
  });

  it('finds a person with an unknown first name when quoted, and ignores such names otherwise', () => {
    const text = 'Talks in Geneva Lakeside ended. Oskarin Veldt said the deal was close.';
    const r = run(text, [{ content: 'the deal was close', source: 'Oskarin Veldt' }]);
    assert.equal(r.speakerOf(0), 'oskarin-veldt');
    assert.equal(r.get('oskarin-veldt').kind, 'person');
    assert.ok(!r.ids.includes('geneva-lakeside'));
  });
});

describe('speakers: clustering within a document', () => {
  it('makes one speaker of "Emmanuel Macron", "Macron", "Mr. Macron" and "French President Emmanuel Macron"', () => {
    const text = 'Emmanuel Macron arrived late. Macron then spoke. Mr. Macron said he was tired. ' +
      'Later, French President Emmanuel Macron left.';
    const r = run(text, [{ content: 'he was tired', source: 'Mr. Macron' }]);
    const people = r.speakers.filter((s) => s.kind === 'person');
    assert.deepEqual(people.map((s) => s.id), ['emmanuel-macron']);
    const macron = people[0];
    assert.deepEqual(macron.aliases, ['Macron', 'Mr. Macron']);
    assert.equal(macron.role, 'French President');
    assert.deepEqual(mentionTexts(text, macron), ['Emmanuel Macron', 'Macron', 'Mr. Macron', 'Emmanuel Macron']);
  });

  it('links a surname used before the full name', () => {
    const text = 'Scholz spoke first.\nGerman Chancellor Olaf Scholz later said the aid would continue.';
    const r = run(text, [{ content: 'the aid would continue', source: 'German Chancellor Olaf Scholz' }]);
    assert.deepEqual(r.speakers.filter((s) => s.kind === 'person').map((s) => s.id), ['olaf-scholz']);
    assert.equal(r.get('olaf-scholz').mentions.length, 2);
  });

  it('never merges different people who share a surname', () => {
    const text = 'President Donald Trump met donors on Friday. Trump said taxes would fall. ' +
      'Melania Trump said the garden would reopen. Mrs. Trump added that children were welcome. ' +
      'Mr. Trump said nothing more. Trump left at noon.';
    const r = run(text, [
      { content: 'taxes would fall', source: 'Trump', sourceN: 2 },
      { content: 'the garden would reopen', source: 'Melania Trump' },
      { content: 'that children were welcome', source: 'Mrs. Trump' },
      { content: 'nothing more', source: 'Mr. Trump' },
    ]);
    const people = r.speakers.filter((s) => s.kind === 'person').map((s) => s.id);
    assert.deepEqual(people, ['donald-trump', 'melania-trump']);
    assert.deepEqual([0, 1, 2, 3].map(r.speakerOf), ['donald-trump', 'melania-trump', 'melania-trump', 'donald-trump']);
    // The last bare "Trump" keeps meaning the person it meant before.
    const donald = r.get('donald-trump');
    assert.ok(mentionTexts(text, donald).filter((m) => m === 'Trump').length === 2);
    assert.equal(r.get('melania-trump').aliases.join('|'), 'Mrs. Trump');
  });

  it('keeps "Mr. Trump" and "Mrs. Trump" apart when no full name is given', () => {
    const text = 'Mr. Trump said the plan was fine. Mrs. Trump said it was not.';
    const r = run(text, [
      { content: 'the plan was fine', source: 'Mr. Trump' },
      { content: 'it was not', source: 'Mrs. Trump' },
    ]);
    assert.equal(r.speakers.filter((s) => s.kind === 'person').length, 2);
    assert.notEqual(r.speakerOf(0), r.speakerOf(1));
    assert.deepEqual([r.speakerOf(0), r.speakerOf(1)], ['mr-trump', 'mrs-trump']);
  });

  it('keeps two first names with one surname apart and gives a bare surname to the one it already meant', () => {
    const text = 'Eric Adler opened the meeting. Adler said the budget was tight. Maria Adler, his sister, arrived. Adler said again that cuts were coming.';
    const r = run(text, [
      { content: 'the budget was tight', source: 'Adler', sourceN: 2 },
      { content: 'that cuts were coming', source: 'Adler', sourceN: 4 },
    ]);
    assert.deepEqual([r.speakerOf(0), r.speakerOf(1)], ['eric-adler', 'eric-adler']);
    assert.ok(r.byId.has('maria-adler'));
  });

  it('resolves "the French president" to the person with that role', () => {
    const text = 'French President Emmanuel Macron hosted the summit. The French president said Europe must act.';
    const r = run(text, [{ content: 'Europe must act', source: 'The French president' }]);
    assert.equal(r.speakerOf(0), 'emmanuel-macron');
    assert.ok(r.get('emmanuel-macron').aliases.includes('the French president'));
  });

  it('gives colliding slugs distinct, deterministic ids', () => {
    const text = 'Mr. Lee Park said one thing. A spokesman said another. Mrs. Lee Park said a third. ';
    const a = run(text, [{ content: 'one thing', source: 'Mr. Lee Park' }, { content: 'a third', source: 'Mrs. Lee Park' }]);
    const b = run(text, [{ content: 'one thing', source: 'Mr. Lee Park' }, { content: 'a third', source: 'Mrs. Lee Park' }]);
    assert.deepEqual(a.ids, b.ids);
    assert.deepEqual(a.speakers.filter((s) => s.kind === 'person').map((s) => s.id), ['lee-park', 'lee-park-2']);
  });
});

describe('speakers: organisations, groups and anonymous sources', () => {
  it('finds organisations: the Kremlin, a ministry, the White House, a news agency', () => {
    const text = 'The Kremlin rejected the offer. The Russian Foreign Ministry said talks were over, ' +
      'the White House said it was disappointed, and Reuters reported that troops were moving.';
    const r = run(text, [
      { content: 'the offer', source: 'Kremlin' },
      { content: 'talks were over', source: 'The Russian Foreign Ministry' },
      { content: 'it was disappointed', source: 'the White House' },
      { content: 'that troops were moving', source: 'Reuters' },
    ]);
    assert.deepEqual([0, 1, 2, 3].map(r.speakerOf), ['kremlin', 'russian-foreign-ministry', 'white-house', 'reuters']);
    for (const id of ['kremlin', 'russian-foreign-ministry', 'white-house', 'reuters']) assert.equal(r.get(id).kind, 'organization');
  });

  it('links a shortened organisation name to the full one', () => {
    const text = 'The Russian Foreign Ministry issued a note. Later the Foreign Ministry said the note was final.';
    const r = run(text, [{ content: 'the note was final', source: 'the Foreign Ministry' }]);
    assert.equal(r.speakerOf(0), 'russian-foreign-ministry');
  });

  it('finds groups as sources: "European leaders", "officials", "Democrats"', () => {
    const text = 'European leaders said sanctions would stay. Officials said the border was closed. Democrats said the bill was unfair.';
    const r = run(text, [
      { content: 'sanctions would stay', source: 'European leaders' },
      { content: 'the border was closed', source: 'Officials' },
      { content: 'the bill was unfair', source: 'Democrats' },
    ]);
    assert.deepEqual([0, 1, 2].map(r.speakerOf), ['european-leaders', 'officials', 'democrats']);
    for (const id of ['european-leaders', 'officials', 'democrats']) assert.equal(r.get(id).kind, 'group');
  });

  it('lists groups only when they are quoted, people and organisations always', () => {
    const text = 'Residents and European leaders watched as Angela Merkel visited the Bundestag.';
    const r = run(text);
    assert.ok(r.byId.has('angela-merkel'));
    assert.ok(r.byId.has('bundestag'));
    assert.ok(!r.speakers.some((s) => s.kind === 'group'));
  });

  it('finds anonymous sources and keeps each one apart', () => {
    const text = 'One official said the deal was off. A French official said it was not. Two diplomats said talks continued. ' +
      'A senior administration official said the president was unaware. The French official later said the deal could return.';
    const r = run(text, [
      { content: 'the deal was off', source: 'One official' },
      { content: 'it was not', source: 'A French official' },
      { content: 'talks continued', source: 'Two diplomats' },
      { content: 'the president was unaware', source: 'A senior administration official' },
      { content: 'the deal could return', source: 'The French official' },
    ]);
    const ids = [0, 1, 2, 3, 4].map(r.speakerOf);
    assert.equal(new Set(ids.slice(0, 4)).size, 4, 'four different anonymous sources');
    assert.equal(ids[4], ids[1], '"the French official" is the French official met before');
    for (const id of ids) assert.equal(r.get(id!).kind, 'anonymous');
    assert.equal(r.get(ids[3]!).name, 'a senior administration official');
    assert.equal(r.get(ids[2]!).name, 'two diplomats');
  });

  it('reads "people familiar with the matter" as anonymous but not "people" alone', () => {
    const text = 'Two people familiar with the matter said the sale was near. People gathered outside.';
    const r = run(text, [{ content: 'the sale was near', source: 'Two people familiar with the matter' }]);
    assert.equal(r.get(r.speakerOf(0)!).kind, 'anonymous');
    assert.equal(r.speakers.length, 1);
  });

  it('treats a country or capital quoted as a source as an organisation', () => {
    const text = 'Kyiv accused Moscow of shelling the port.';
    const r = run(text, [{ content: 'Moscow of shelling the port', source: 'Kyiv' }]);
    assert.equal(r.speakerOf(0), 'kyiv');
    assert.equal(r.get('kyiv').kind, 'organization');
    assert.ok(!r.byId.has('moscow'), 'places are listed only as sources');
  });
});

describe('speakers: sources the name rules did not see', () => {
  it('joins a source to the same name met elsewhere ("Russia, meanwhile,")', () => {
    const text = 'Kyiv accused Russia of shelling the port. Russia, meanwhile, claimed the port was a depot.';
    const r = run(text, [
      { content: 'Russia of shelling the port', source: 'Kyiv' },
      { content: 'the port was a depot', source: 'Russia, meanwhile,' },
    ]);
    assert.equal(r.speakerOf(1), 'russia');
    assert.equal(r.speakers.filter((s) => s.name === 'Russia').length, 1);
  });

  it('resolves "who" to the person it follows, across an apposition', () => {
    const text = 'The plan came from Ben Hodges, a former commander, who said that troops were needed.';
    const r = run(text, [{ content: 'that troops were needed', source: 'who' }]);
    assert.equal(r.speakerOf(0), 'ben-hodges');
  });

  it('resolves "the agency" to the agency named before', () => {
    const text = 'The European Space Agency launched a probe. The agency said the launch went well.';
    const r = run(text, [{ content: 'the launch went well', source: 'The agency' }]);
    assert.equal(r.speakerOf(0), 'european-space-agency');
  });
});

describe('speakers: pronouns and continued quotes', () => {
  it('resolves "he" to the previous attribution\'s subject', () => {
    const text = 'Olaf Scholz met Giorgia Meloni in Rome. Scholz said the talks went well.\nHe added that more meetings would follow.';
    const r = run(text, [
      { content: 'the talks went well', source: 'Scholz', sourceN: 2 },
      { content: 'that more meetings would follow', source: 'He' },
    ]);
    assert.equal(r.speakerOf(1), 'olaf-scholz');
    assert.equal(mentionTexts(text, r.get('olaf-scholz')).at(-1), 'He', 'the pronoun is a mention too');
  });

  it('resolves "she" by gender, skipping a more recent man', () => {
    const text = 'Angela Merkel spoke with Joe Biden on Tuesday. She said the call was useful.';
    const r = run(text, [{ content: 'the call was useful', source: 'She' }]);
    assert.equal(r.speakerOf(0), 'angela-merkel');
  });

  it('learns a gender from earlier pronoun use', () => {
    const text = 'Jorvik Stone and Kai Rantala met on Monday. Stone said the deal was done.\nHe added that the price was fair.\n' +
      'Rantala declined to comment at first. Asked again, she said the deal stood.';
    const r = run(text, [
      { content: 'the deal was done', source: 'Stone', sourceN: 2 },
      { content: 'that the price was fair', source: 'He' },
      { content: 'the deal stood', source: 'she' },
    ]);
    assert.equal(r.speakerOf(1), 'jorvik-stone');
    assert.equal(r.speakerOf(2), 'kai-rantala', '"he" made Stone a man, so "she" is Rantala');
  });

  it('takes a gender from an honorific', () => {
    const text = 'Ms. Rantala met Jorvik Stone.\nLater she said the deal stood.';
    const r = run(text, [{ content: 'the deal stood', source: 'she' }]);
    assert.equal(r.speakerOf(0), 'rantala');
  });

  it('resolves "they" to a group or organisation', () => {
    const text = 'European leaders met in Brussels. They warned that sanctions would rise.';
    const r = run(text, [{ content: 'that sanctions would rise', source: 'They' }]);
    assert.equal(r.speakerOf(0), 'european-leaders');
  });

  it('leaves a pronoun with nobody before it unresolved', () => {
    const text = 'He said the market would recover.';
    const r = run(text, [{ content: 'the market would recover', source: 'He' }]);
    assert.equal(r.speakerOf(0), null);
  });

  it('gives a continued quote the speaker of the quote it continues', () => {
    const text = '"We will not give up," Giorgia Meloni said.\n"The work goes on."';
    const r = run(text, [
      { content: '"We will not give up,"', source: 'Giorgia Meloni' },
      { content: '"The work goes on."', continues: 0 },
    ]);
    assert.deepEqual([r.speakerOf(0), r.speakerOf(1)], ['giorgia-meloni', 'giorgia-meloni']);
  });
});
