import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendIndexChanges, changesFileOf, FileExtractionStore, loadIndexFile, readIndexHeads, readSpeakers, writeIndexFile } from '../../../src/cli/indexFile';
import { analyzeDocument } from '../../../src/core/analyze';
import { CorpusIndex, CorpusIndexError } from '../../../src/core/index/corpusIndex';
import { SpeakerRegistry, summarizeSpeakers } from '../../../src/core/index/registry';
import { SnapshotError } from '../../../src/core/index/snapshot';

/** Our own sentences: one person under two names, namesakes, an anonymous source, curly quotes and accents. */
const DOCS: Record<string, string> = {
  'a.txt': 'French President Emmanuel Macron said that Europe must rearm. “We are ready,” Macron said.',
  'b.txt': 'Macron said that the talks had failed. A French official said the summit was over.',
  'c.txt': 'President Donald Trump said that tariffs would rise.',
  'd.txt': 'Melania Trump said that the garden would reopen. José Müller said that it rained in Zürich.',
};

const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

/** A fresh folder for each test, and the extraction stores opened in it, closed and removed after it. */
function scratchFolder(prefix: string): { dir: () => string; store: () => FileExtractionStore } {
  let dir = '';
  const stores: FileExtractionStore[] = [];
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), prefix)); });
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, store: () => { const s = new FileExtractionStore(dir); stores.push(s); return s; } };
}

describe('index files: extractions stay on disk', () => {
  const scratch = scratchFolder('claimlens-indexfile-');
  const store = scratch.store;
  let dir = '';
  beforeEach(() => { dir = scratch.dir(); });

  function built(s = store()) {
    const index = new CorpusIndex({ store: s });
    for (const [location, text] of Object.entries(DOCS)) {
      index.addExtracted({ location, sha256: `sha-${location}`, mtime: 1000, size: text.length, extraction: analyzeDocument(text) });
    }
    return index;
  }

  it('writes, then loads without parsing extractions, and gives back the same documents and speakers', () => {
    const index = built();
    const file = join(dir, 'index.json');
    const bytes = writeIndexFile(index, file);
    assert.equal(bytes, readFileSync(file).length);
    const written = readFileSync(file, 'utf8').replace(/"id":"[0-9a-f]{16}",/, '');
    const core = index.serialize();
    assert.equal(written.slice(0, written.indexOf('\n],\n"table":')), core.slice(0, -'\n]}\n'.length), 'the streamed file is the core serialisation, plus a table');
    assert.deepEqual(JSON.parse(written).documents, JSON.parse(core).documents, 'still one JSON value');
    const loaded = loadIndexFile(file, 'index.json', { store: store() })!;
    assert.equal(loaded.discarded, undefined);
    assert.deepEqual(loaded.index.locations(), Object.keys(DOCS).sort());
    for (const [location, text] of Object.entries(DOCS)) {
      assert.deepEqual(loaded.index.document(location)!.extraction, analyzeDocument(text));
      assert.equal(loaded.index.document(location)!.mtime, 1000);
    }
    assert.deepEqual(asJson(loaded.index.speakers()), asJson(index.speakers()));
    assert.equal(loaded.index.speaker('emmanuel-macron')?.documents.join(' '), 'a.txt b.txt');
  });

  it('keeps reading the right bytes after the index is rewritten over the file it was loaded from', () => {
    const file = join(dir, 'index.json');
    writeIndexFile(built(), file);
    const index = loadIndexFile(file, 'index.json', { store: store() })!.index;
    index.addExtracted({ location: 'e.txt', sha256: 'sha-e', extraction: analyzeDocument('Olaf Scholz said that prices rose.') });
    index.remove('c.txt');
    writeIndexFile(index, file);
    writeIndexFile(index, file);
    assert.deepEqual(index.document('e.txt')!.extraction, analyzeDocument('Olaf Scholz said that prices rose.'));
    assert.deepEqual(index.document('a.txt')!.extraction, analyzeDocument(DOCS['a.txt']));
    const again = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.deepEqual(again.locations(), ['a.txt', 'b.txt', 'd.txt', 'e.txt']);
    assert.deepEqual(asJson(again.speakers()), asJson(index.speakers()));
  });

  it('a loaded index builds its registry only when asked, and the same registry as an index that never left memory', () => {
    const file = join(dir, 'index.json');
    const eager = built(store());
    writeIndexFile(eager, file);
    const lazy = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.equal(lazy.registryBuilt, false);
    for (const index of [eager, lazy]) {
      index.addExtracted({ location: 'e.txt', sha256: 'sha-e', extraction: analyzeDocument('Olaf Scholz said that prices rose. A spokesman said it was over.') });
      index.addExtracted({ location: 'b.txt', sha256: 'sha-b2', extraction: analyzeDocument('Keir Starmer said that taxes would rise. Macron agreed.') });
      index.remove('c.txt');
    }
    assert.equal(lazy.registryBuilt, false, 'updates do not build it');
    writeIndexFile(lazy, file);
    const reloaded = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.deepEqual(asJson(lazy.speakers()), asJson(eager.speakers()));
    assert.equal(lazy.registryBuilt, true);
    assert.deepEqual(asJson(reloaded.speakers()), asJson(eager.speakers()));
    assert.equal(reloaded.corpusSpeakerOf('b.txt', 'keir-starmer')?.id, 'keir-starmer');
    assert.equal(reloaded.corpusSpeakerOf('a.txt', 'emmanuel-macron')?.id, 'emmanuel-macron');
  });

  it('reads each document head alone, with its place in the file', () => {
    const file = join(dir, 'index.json');
    writeIndexFile(built(), file);
    const s = store();
    const heads: string[] = [];
    const header = readIndexHeads(s, file, 'index.json', {
      document: (line, where) => {
        const head = readSpeakers(s, line, where);
        heads.push(head.location);
        assert.deepEqual(JSON.parse(s.text(line.extraction)), analyzeDocument(DOCS[head.location]));
        assert.deepEqual(head.speakers, summarizeSpeakers(head.location, analyzeDocument(DOCS[head.location])));
      },
    });
    assert.equal(header.lineLayout, true);
    assert.deepEqual(heads, Object.keys(DOCS).sort());
  });

  it('without its table (edited by hand), reads the file line by line, as it does when the table does not fit the file', () => {
    const file = join(dir, 'index.json');
    writeIndexFile(built(), file);
    const text = readFileSync(file, 'utf8');
    const withoutTable = text.slice(0, text.indexOf('\n],\n"table":')) + '\n]}\n';
    const damagedTable = text.replace(/"tableOffset":(\d+)\}/, (_m, n: string) => `"tableOffset":${Number(n) + 7}}`);
    for (const variant of [withoutTable, damagedTable]) {
      writeFileSync(file, variant);
      const loaded = loadIndexFile(file, 'index.json', { store: store() })!.index;
      assert.deepEqual(loaded.locations(), Object.keys(DOCS).sort());
      assert.deepEqual(loaded.document('d.txt')!.extraction, analyzeDocument(DOCS['d.txt']));
      assert.deepEqual(asJson(loaded.speakers()), asJson(built(store()).speakers()));
    }
  });

  it('names the file and line of a damaged document, and of a damaged extraction when it is read', () => {
    const file = join(dir, 'index.json');
    writeIndexFile(built(), file);
    const text = readFileSync(file, 'utf8');
    // Without the table, so that every line is read.
    const lines = (text.slice(0, text.indexOf('\n],\n"table":')) + '\n]}\n').split('\n');
    writeFileSync(file, [...lines.slice(0, 3), '{"location": 7' + lines[3].slice(lines[3].indexOf(',"sha256"')), ...lines.slice(4)].join('\n'));
    assert.throws(() => loadIndexFile(file, 'index.json', { store: store() }),
      (e: unknown) => e instanceof SnapshotError && /^index\.json:4: document lacks "location" or "sha256"; delete the index to rebuild it$/.test(e.message));
    // An extraction cut short is found when the document is read, with a clear message.
    writeFileSync(file, [...lines.slice(0, 2), lines[2].replace('"speakers":[{', '"speakers":[{{'), ...lines.slice(3)].join('\n'));
    const index = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.throws(() => index.document('a.txt')!.extraction, (e: unknown) => e instanceof CorpusIndexError && /^a\.txt: the index's copy of this document's extraction is damaged .*delete the index to rebuild it$/.test(e.message));
  });

  it('reads an index of the previous format as outdated: no documents, the same speaker ids', () => {
    const file = join(dir, 'index.json');
    writeFileSync(file, '{"format":"claimlens-index","version":1,"extractor":"extractor-1","speakerIds":{"person:emmanuel macron":"macron-e"},\n"documents":[\n' +
      JSON.stringify({ location: 'a.txt', sha256: 'x', extraction: analyzeDocument(DOCS['a.txt']) }) + '\n]}\n');
    const loaded = loadIndexFile(file, 'index.json', { store: store() })!;
    assert.match(loaded.discarded ?? '', /older ClaimLens \(index format 1\)/);
    assert.equal(loaded.index.size, 0);
    loaded.index.addExtracted({ location: 'a.txt', sha256: 'y', extraction: analyzeDocument(DOCS['a.txt']) });
    assert.equal(loaded.index.corpusSpeakerOf('a.txt', 'emmanuel-macron')?.id, 'macron-e');
  });
});

describe('index files: changes appended instead of rewriting', () => {
  const scratch = scratchFolder('claimlens-changes-');
  const store = scratch.store;
  let dir = '';
  beforeEach(() => { dir = scratch.dir(); });

  const extraction = (text: string) => analyzeDocument(text);
  /** The same edits, to any index. */
  function edit(index: CorpusIndex): void {
    index.addExtracted({ location: 'e.txt', sha256: 'sha-e', extraction: extraction('Olaf Scholz said that prices rose. A spokesman said it was over.') });
    index.addExtracted({ location: 'b.txt', sha256: 'sha-b2', extraction: extraction('Keir Starmer said that taxes would rise.') });
    index.remove('c.txt');
    index.recordStat('d.txt', { mtime: 2000, size: DOCS['d.txt'].length });
  }

  function saved(): { file: string; memory: CorpusIndex } {
    const file = join(dir, 'index.json');
    const memory = new CorpusIndex();
    for (const [location, text] of Object.entries(DOCS)) memory.addExtracted({ location, sha256: `sha-${location}`, mtime: 1000, size: text.length, extraction: extraction(text) });
    const onDisk = new CorpusIndex({ store: store() });
    for (const [location, text] of Object.entries(DOCS)) onDisk.addExtracted({ location, sha256: `sha-${location}`, mtime: 1000, size: text.length, extraction: extraction(text) });
    writeIndexFile(onDisk, file);
    return { file, memory };
  }

  it('appends a restart\'s few changes, leaves the index file as it is, and a new process sees them', () => {
    const { file, memory } = saved();
    const before = readFileSync(file);
    const index = loadIndexFile(file, 'index.json', { store: store() })!.index;
    edit(index);
    edit(memory);
    const appended = appendIndexChanges(index, file, 100);
    assert.ok(appended !== undefined && appended > 0 && appended < before.length);
    assert.deepEqual(readFileSync(file), before);
    assert.equal(appendIndexChanges(index, file, 100), 0, 'nothing new to append');
    const reloaded = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.deepEqual(reloaded.locations(), memory.locations());
    assert.equal(reloaded.facts('d.txt')?.mtime, 2000);
    assert.deepEqual(reloaded.document('b.txt')!.extraction, memory.document('b.txt')!.extraction);
    assert.deepEqual(asJson(reloaded.speakers()), asJson(memory.speakers()));
    assert.equal(reloaded.corpusSpeakerOf('e.txt', 'olaf-scholz')?.id, 'olaf-scholz');
  });

  it('rewrites the index when the changes would grow too many, and the changes file goes', () => {
    const { file, memory } = saved();
    const index = loadIndexFile(file, 'index.json', { store: store() })!.index;
    edit(index);
    edit(memory);
    assert.equal(appendIndexChanges(index, file, 2), undefined, 'four changes do not fit in two');
    writeIndexFile(index, file);
    assert.equal(existsSync(changesFileOf(file)), false);
    const reloaded = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.deepEqual(asJson(reloaded.speakers()), asJson(memory.speakers()));
  });

  it('ignores a change cut short by a crash, and a changes file left from an index since rewritten', () => {
    const { file } = saved();
    const index = loadIndexFile(file, 'index.json', { store: store() })!.index;
    edit(index);
    appendIndexChanges(index, file, 100);
    const changes = readFileSync(changesFileOf(file), 'utf8');
    writeFileSync(changesFileOf(file), changes.slice(0, -40)); // the last change (e.txt, sorted last) loses its end
    const cut = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.equal(cut.has('e.txt'), false, 'the change cut short is not applied');
    assert.equal(cut.has('c.txt'), false, 'the changes before it are');
    assert.equal(cut.facts('b.txt')?.sha256, 'sha-b2');
    // Another index is written there (a crash kept its old changes file from being deleted).
    const other = built();
    other.addExtracted({ location: 'z.txt', sha256: 'sha-z', extraction: extraction('Olaf Scholz said that it rained.') });
    writeIndexFile(other, file);
    writeFileSync(changesFileOf(file), changes);
    const fresh = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.deepEqual(fresh.locations(), [...Object.keys(DOCS), 'z.txt'].sort());
    assert.equal(fresh.facts('b.txt')?.sha256, 'sha-b.txt');
  });

  it('appends after a change cut short by a crash, and over a changes file left from another index, and a new process sees every change', () => {
    const { file, memory } = saved();
    const first = loadIndexFile(file, 'index.json', { store: store() })!.index;
    first.addExtracted({ location: 'e.txt', sha256: 'sha-e', extraction: extraction('Olaf Scholz said that prices rose.') });
    appendIndexChanges(first, file, 100);
    // The next restart crashed while appending: its line ends half-way.
    const whole = readFileSync(changesFileOf(file), 'utf8');
    writeFileSync(changesFileOf(file), whole + whole.split('\n')[1].slice(0, 50));
    const afterCrash = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.ok(afterCrash.has('e.txt'));
    afterCrash.addExtracted({ location: 'b.txt', sha256: 'sha-b2', extraction: extraction('Keir Starmer said that taxes would rise.') });
    appendIndexChanges(afterCrash, file, 100);
    const reloaded = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.equal(reloaded.facts('b.txt')?.sha256, 'sha-b2', 'the change appended after the cut line is read');
    assert.ok(reloaded.has('e.txt'));

    // A changes file of another index (its first line names that one) is replaced, not appended to.
    writeFileSync(changesFileOf(file), '{"format":"claimlens-index-changes","version":1,"base":"another"}\n');
    const stale = loadIndexFile(file, 'index.json', { store: store() })!.index;
    stale.remove('c.txt');
    memory.remove('c.txt');
    appendIndexChanges(stale, file, 100);
    const fresh = loadIndexFile(file, 'index.json', { store: store() })!.index;
    assert.deepEqual(fresh.locations(), memory.locations());
  });

  function built(): CorpusIndex {
    const index = new CorpusIndex({ store: store() });
    for (const [location, text] of Object.entries(DOCS)) index.addExtracted({ location, sha256: `sha-${location}`, mtime: 1000, size: text.length, extraction: extraction(text) });
    return index;
  }
});

describe('SpeakerRegistry: persisted summaries', () => {
  it('a registry fed the persisted summaries equals one fed the extractions, also when keys are recomputed', () => {
    const fromExtractions = new SpeakerRegistry();
    const fromSummaries = new SpeakerRegistry();
    const recomputed = new SpeakerRegistry();
    for (const [location, text] of Object.entries(DOCS).sort()) {
      const extraction = analyzeDocument(text);
      fromExtractions.setDocument(location, extraction.speakers, extraction.claims);
      fromSummaries.setSummaries(location, fromExtractions.summariesOf(location));
      recomputed.setSummaries(location, fromExtractions.summariesOf(location).map((s) => [s[0], s[1], s[2], s[3], s[4], s[5], s[6], 'stale:key']), false);
    }
    const view = (r: SpeakerRegistry) => asJson(r.speakers());
    assert.deepEqual(view(fromSummaries), view(fromExtractions));
    assert.deepEqual(view(recomputed), view(fromExtractions));
    assert.ok(fromExtractions.speakers().some((s) => s.name === 'José Müller'));
  });

  it('counts a speaker\'s claims and mentions, and forgets a removed document entirely', () => {
    const registry = new SpeakerRegistry();
    const a = analyzeDocument(DOCS['a.txt']);
    registry.setDocument('a.txt', a.speakers, a.claims);
    const macron = registry.speakers().find((s) => s.name === 'Emmanuel Macron')!;
    assert.equal(macron.claimCount, a.claims.filter((c) => c.speaker === 'emmanuel-macron').length);
    assert.equal(macron.mentionCount, a.speakers.find((s) => s.id === 'emmanuel-macron')!.mentions.length);
    registry.removeDocument('a.txt');
    assert.deepEqual(registry.speakers(), []);
    assert.deepEqual(registry.summariesOf('a.txt'), []);
  });
});
