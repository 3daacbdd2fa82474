/**
 * The two seed articles (seeds/*.txt): every quoted statement goes to the
 * speaker who made it, and each person is one speaker. The expectations were
 * written by reading the articles, not by running the extractor.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractAttributions } from '../../../src/core/extract/extractor';

const seedsDir = join(__dirname, '..', '..', '..', '..', 'seeds');
const load = (name: string) => {
  const text = readFileSync(join(seedsDir, name), 'utf8');
  return { text, ...extractAttributions(text) };
};

/** [words from inside the quotation, speaker id] */
type Expectation = [quote: string, speaker: string];

const PARIS_SUMMIT: Expectation[] = [
  ['He really wants to divide Europe and America', 'volodymyr-zelensky'],
  ['everybody understood and understands', 'volodymyr-zelensky'],
  ['There was complete clarity', 'keir-starmer'],
  ['grave mistake', 'olaf-scholz'],
  ['very dangerous signals', 'volodymyr-zelensky'],
  ['It does not have unanimity today', 'emmanuel-macron'],
  ['there are many questions', 'volodymyr-zelensky'],
  ['This is Europe mobilizing together', 'keir-starmer'],
  ['there should be a reaction from the U.S.', 'volodymyr-zelensky'],
  ['unclear who is monitoring', 'volodymyr-zelensky'],
];

const BRUSSELS: Expectation[] = [
  ['not the time', 'emmanuel-macron'],
  ['peace is clearly established', 'emmanuel-macron'],
  ['starting by lifting sanctions', 'emmanuel-macron'],
  ['conveying our vision', 'emmanuel-macron'],
  ['we must be able to defend our interests', 'emmanuel-macron'],
  ['coming forward with contributions', 'keir-starmer'],
  ['My wish is that the Americans are engaged', 'emmanuel-macron'],
  ['But we have to be prepared', 'emmanuel-macron'],
  ['simplistic', 'steve-witkoff'],
  ['in perfect harmony with our Americans partners', 'a-french-official'],
  ['In theory', 'mujtaba-rahman'],
  ['But in practice, such a force would scare', 'mujtaba-rahman'],
  ['could lead to a direct clash', 'maria-zakharova'],
  ['before anybody talks about numbers of troops', 'ben-hodges'],
  ['If they’re there to deter Russia', 'ben-hodges'],
  ['The Russians would probably be reluctant', 'ben-hodges'],
];

function checkQuotes(name: string, expectations: Expectation[]): void {
  const { claims } = load(name);
  const wrong: string[] = [];
  for (const [quote, speaker] of expectations) {
    const claim = claims.find((c) => c.text.includes(quote));
    if (!claim) wrong.push(`“${quote}”: no claim contains it`);
    else if (claim.speaker !== speaker) wrong.push(`“${quote}”: ${claim.speaker} instead of ${speaker}`);
  }
  assert.deepEqual(wrong, []);
}

function people(name: string): Map<string, string[]> {
  const { speakers } = load(name);
  const bySurname = new Map<string, string[]>();
  for (const s of speakers.filter((x) => x.kind === 'person')) {
    const surname = s.name.split(' ').pop()!;
    bySurname.set(surname, [...(bySurname.get(surname) ?? []), s.id]);
  }
  return bySurname;
}

describe('seed articles', () => {
  it('Paris summit: every quotation goes to its speaker', () => checkQuotes('000_02db67045c6df099.txt', PARIS_SUMMIT));

  it('Brussels analysis: every quotation goes to its speaker, anonymous sources and pronouns included', () =>
    checkQuotes('002_9d82fa3110da9c7e.txt', BRUSSELS));

  it('Brussels analysis: “As one official put it, …” goes to the anonymous official', () =>
    checkQuotes('002_9d82fa3110da9c7e.txt', [['everyone will have to talk to us', 'one-official']]));

  it('Paris summit: each person is one speaker, with the role the article gives', () => {
    const { speakers } = load('000_02db67045c6df099.txt');
    const bySurname = people('000_02db67045c6df099.txt');
    for (const surname of ['Macron', 'Zelensky', 'Starmer', 'Scholz', 'Meloni', 'Trump']) {
      assert.equal(bySurname.get(surname)?.length, 1, `${surname}: ${bySurname.get(surname)}`);
    }
    const role = (id: string) => speakers.find((s) => s.id === id)?.role;
    assert.equal(role('emmanuel-macron'), 'French President');
    assert.equal(role('volodymyr-zelensky'), 'Ukrainian President');
    assert.equal(role('keir-starmer'), 'British Prime Minister');
    assert.equal(role('olaf-scholz'), 'German Chancellor');
    assert.equal(role('giorgia-meloni'), 'Italian Prime Minister');
    assert.equal(role('donald-trump'), 'U.S. President');
  });

  it('Brussels analysis: each person is one speaker; "the French president" and "he" are Macron', () => {
    const { text, speakers } = load('002_9d82fa3110da9c7e.txt');
    const bySurname = people('002_9d82fa3110da9c7e.txt');
    for (const surname of ['Macron', 'Starmer', 'Meloni', 'Trump', 'Putin', 'Witkoff', 'Zakharova', 'Hodges', 'Rahman']) {
      assert.equal(bySurname.get(surname)?.length, 1, `${surname}: ${bySurname.get(surname)}`);
    }
    const macron = speakers.find((s) => s.id === 'emmanuel-macron')!;
    const mentioned = macron.mentions.map(([s, e]) => text.slice(s, e));
    assert.ok(mentioned.includes('French president'));
    assert.equal(speakers.find((s) => s.id === 'maria-zakharova')?.role, 'Russian Foreign Ministry spokeswoman');
    assert.equal(speakers.find((s) => s.id === 'steve-witkoff')?.role, 'Trump Special Envoy');
    assert.equal(speakers.find((s) => s.id === 'russian-foreign-ministry')?.kind, 'organization');
    assert.equal(speakers.find((s) => s.id === 'a-french-official')?.kind, 'anonymous');
  });
});
