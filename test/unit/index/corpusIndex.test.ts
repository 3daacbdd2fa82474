import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { MemoryFileSystem } from '../../../src/core/fs';
import { encodeText } from '../../../src/core/text';
import { extractAttributions } from '../../../src/core/extract/extractor';
import type { DocumentExtraction, ExtractedSpeaker } from '../../../src/core/extract/types';
import { SpeakerRegistry, summarizeSpeakers } from '../../../src/core/index/registry';
import { CorpusIndex, type IndexChange } from '../../../src/core/index/corpusIndex';
import { mergeIndexInputs } from '../../../src/core/index/merge';
import { SnapshotError } from '../../../src/core/index/snapshot';

/** The extraction the index runs, counting the texts it is asked to analyse. */
function countingAnalyzer() {
  const seen: string[] = [];
  const analyze = (text: string): DocumentExtraction => {
    seen.push(text);
    return { ...extractAttributions(text), stances: [] };
  };
  return { analyze, seen };
}

const DOCS: Record<string, string> = {
  '/news/a.txt': 'French President Emmanuel Macron said that Europe must rearm.',
  '/news/b.txt': 'Macron said that the talks had failed. A French official said the summit was over.',
  '/news/c.txt': 'President Donald Trump said that tariffs would rise.',
  '/news/d.txt': 'Melania Trump said that the garden would reopen.',
  '/news/e.txt': 'Mrs. Trump said that the children were welcome.',
  '/news/f.txt': 'Trump said that nobody had called. A French official said the summit was over.',
};

async function indexOf(docs: Record<string, string>) {
  const fs = new MemoryFileSystem();
  for (const [loc, text] of Object.entries(docs)) await fs.writeFile(loc, encodeText(text));
  const counter = countingAnalyzer();
  const index = new CorpusIndex({ fs, analyze: counter.analyze });
  for (const loc of Object.keys(docs).sort()) await index.update(loc);
  return { fs, index, ...counter };
}

describe('CorpusIndex: speakers across documents', () => {
  it('makes one corpus speaker of a full name and a surname-only mention elsewhere', async () => {
    const { index } = await indexOf(DOCS);
    const macron = index.speakers().find((s) => s.name === 'Emmanuel Macron');
    assert.ok(macron);
    assert.equal(macron.id, 'emmanuel-macron');
    assert.deepEqual(macron.documents, ['/news/a.txt', '/news/b.txt']);
    assert.equal(macron.claimCount, 2);
    assert.equal(macron.role, 'French President');
    assert.equal(index.corpusSpeakerOf('/news/b.txt', 'macron')?.id, 'emmanuel-macron');
  });

  it('keeps people sharing a surname apart; a bare surname that fits several stays its own speaker', async () => {
    const { index } = await indexOf(DOCS);
    const donald = index.speaker('donald-trump');
    const melania = index.speaker('melania-trump');
    assert.ok(donald && melania);
    assert.deepEqual(donald.documents, ['/news/c.txt']);
    assert.deepEqual(melania.documents, ['/news/d.txt', '/news/e.txt'], '"Mrs. Trump" can only be Melania');
    const bare = index.corpusSpeakerOf('/news/f.txt', 'trump');
    assert.ok(bare);
    assert.notEqual(bare.id, donald.id);
    assert.notEqual(bare.id, melania.id);
  });

  it('never merges anonymous sources across documents', async () => {
    const { index } = await indexOf(DOCS);
    const officials = index.speakers().filter((s) => s.kind === 'anonymous');
    assert.equal(officials.length, 2);
    assert.notEqual(officials[0].id, officials[1].id);
  });
});

describe('CorpusIndex: incremental updates', () => {
  it('re-extracts a changed document alone and skips unchanged ones', async () => {
    const { fs, index, seen } = await indexOf(DOCS);
    assert.equal(seen.length, 6);
    assert.equal(await index.update('/news/a.txt'), 'unchanged');
    assert.equal(seen.length, 6);
    await fs.writeFile('/news/a.txt', encodeText('Emmanuel Macron said that Europe must wait.'));
    assert.equal(await index.update('/news/a.txt'), 'changed');
    assert.equal(seen.length, 7);
    assert.equal(seen[6], 'Emmanuel Macron said that Europe must wait.');
    assert.equal(index.speaker('emmanuel-macron')?.claimCount, 2);
  });

  it('tells listeners what changed', async () => {
    const { index } = await indexOf({ '/x.txt': 'Olaf Scholz said that prices rose.' });
    const events: IndexChange[] = [];
    const sub = index.onDidChange((e) => events.push(e));
    await index.update('/y.txt', 'Olaf Scholz said that prices fell.');
    await index.update('/x.txt', 'Olaf Scholz said that prices rose.');
    await index.update('/x.txt', 'Olaf Scholz said that prices rose sharply.');
    index.remove('/y.txt');
    sub.dispose();
    index.remove('/x.txt');
    assert.deepEqual(events, [
      { added: ['/y.txt'], changed: [], removed: [] },
      { added: [], changed: ['/x.txt'], removed: [] },
      { added: [], changed: [], removed: ['/y.txt'] },
    ]);
  });

  it('drops a removed document\'s speakers, and gives a returning speaker its old id', async () => {
    const { index } = await indexOf({ '/1.txt': 'Mr. Lee Park said that rain was coming.', '/2.txt': 'Keir Starmer said that taxes would rise.' });
    const id = index.corpusSpeakerOf('/1.txt', 'lee-park')!.id;
    index.remove('/1.txt');
    assert.equal(index.speakers().some((s) => s.name === 'Lee Park'), false);
    await index.update('/3.txt', 'Lee Park said that rain had come.');
    assert.equal(index.corpusSpeakerOf('/3.txt', 'lee-park')?.id, id);
  });

  it('parses a document kept as JSON once, keeps it parsed, and serialises the same before and after', async () => {
    const index = new CorpusIndex();
    const extraction = { ...extractAttributions(DOCS['/news/a.txt']), stances: [] };
    index.addExtractedJson({ location: '/a.txt', sha256: 'x' }, JSON.stringify(extraction), summarizeSpeakers('/a.txt', extraction));
    const before = index.serialize();
    const first = index.document('/a.txt')!.extraction;
    assert.deepEqual(first, extraction);
    assert.equal(index.document('/a.txt')!.extraction, first, 'the same object: parsed once');
    assert.equal(index.serialize(), before);
  });

  it('reads documents with a BOM as text without it, and refuses binary files with a clear error', async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile('/bom.txt', new Uint8Array([0xef, 0xbb, 0xbf, ...encodeText('Olaf Scholz said that it rained.')]));
    await fs.writeFile('/bin.txt', new Uint8Array([0x41, 0, 0x42]));
    const { analyze } = countingAnalyzer();
    const index = new CorpusIndex({ fs, analyze });
    await index.update('/bom.txt');
    assert.deepEqual(index.document('/bom.txt')!.extraction.claims[0].source, [0, 11], 'offsets do not count the BOM');
    await assert.rejects(index.update('/bin.txt'), /binary/);
    assert.equal(index.has('/bin.txt'), false);
  });
});

describe('CorpusIndex: persistence', () => {
  it('round-trips through a snapshot, and a restart re-reads only changed files', async () => {
    const { fs, index } = await indexOf(DOCS);
    await index.save('/index.json');
    const counter = countingAnalyzer();
    let reads = 0;
    const countingFs = Object.assign(Object.create(fs), { readFile: (l: string) => { reads++; return fs.readFile(l); } }) as MemoryFileSystem;
    const restored = await CorpusIndex.load('/index.json', { fs: countingFs, analyze: counter.analyze });
    assert.deepEqual(restored.locations(), index.locations());
    assert.deepEqual(JSON.parse(JSON.stringify(restored.speakers())), JSON.parse(JSON.stringify(index.speakers())));
    reads = 0;
    await fs.writeFile('/news/c.txt', encodeText('President Donald Trump said that tariffs would fall.'));
    const results = [];
    for (const loc of restored.locations()) results.push(await restored.refresh(loc));
    assert.deepEqual(results, ['unchanged', 'unchanged', 'changed', 'unchanged', 'unchanged', 'unchanged']);
    assert.equal(reads, 1, 'only the changed file is read');
    assert.equal(counter.seen.length, 1, 'only the changed file is extracted');
    await fs.delete('/news/f.txt');
    assert.equal(await restored.refresh('/news/f.txt'), 'removed');
  });

  it('re-extracts everything when the snapshot was made by another extractor version', async () => {
    const { index } = await indexOf({ '/a.txt': 'Olaf Scholz said that it rained.' });
    const restored = CorpusIndex.fromSnapshot(index.serialize(), { extractorVersion: 'extractor-999' });
    assert.equal(restored.size, 0);
  });

  it('refuses a damaged snapshot with a message naming the file', () => {
    assert.throws(() => CorpusIndex.fromSnapshot('{"format": "claimlens-index", "version": 1,', {}, '/idx.json'),
      (e: unknown) => e instanceof SnapshotError && /^\/idx\.json: not valid JSON/.test(e.message));
    assert.throws(() => CorpusIndex.fromSnapshot('{"hello": 1}', {}, '/idx.json'), /not a ClaimLens index/);
  });
});

describe('mergeIndexInputs', () => {
  const line = (path: string, text: string) => JSON.stringify({ path, ...extractAttributions(text), stances: [] });

  it('merges shard outputs of `extract --json` into one registry', () => {
    const shard1 = [line('a.txt', 'Emmanuel Macron said that Europe must rearm.'), line('b.txt', 'Olaf Scholz said that prices rose.')].join('\n') + '\n';
    const shard2 = [line('c.txt', 'Macron said that the talks had failed.')].join('\n');
    const { index, problems, documents } = mergeIndexInputs([{ name: 'shard-1.jsonl', text: shard1 }, { name: 'shard-2.jsonl', text: shard2 }]);
    assert.deepEqual(problems, []);
    assert.equal(documents, 3);
    assert.deepEqual(index.speaker('emmanuel-macron')?.documents, ['a.txt', 'c.txt']);
  });

  it('gives the same registry whatever the shard order', () => {
    const s1 = { name: '1', text: line('a.txt', 'Mr. Lee Park said that rain was coming.') };
    const s2 = { name: '2', text: line('b.txt', 'Mrs. Lee Park said that rain had come.') };
    const ab = mergeIndexInputs([s1, s2]).index.speakers();
    const ba = mergeIndexInputs([s2, s1]).index.speakers();
    assert.deepEqual(JSON.parse(JSON.stringify(ab)), JSON.parse(JSON.stringify(ba)));
  });

  it('reports bad lines and duplicates with file and line, and keeps the rest', () => {
    const good = line('a.txt', 'Olaf Scholz said that prices rose.');
    const { documents, problems } = mergeIndexInputs([
      { name: 's1.jsonl', text: `${good}\nnot json\n{"speakers": []}\n` },
      { name: 's2.jsonl', text: good },
    ]);
    assert.equal(documents, 1);
    assert.deepEqual(problems, [
      's1.jsonl:2: not a JSON line; skipped',
      's1.jsonl:3: no "path"; skipped (expected one `claimlens extract --json` object per line)',
      's2.jsonl: a.txt is also in s1.jsonl; keeping the one from s2.jsonl',
    ]);
  });

  it('merges a saved snapshot with a shard', async () => {
    const { index } = await indexOf({ '/a.txt': 'Emmanuel Macron said that Europe must rearm.' });
    const merged = mergeIndexInputs([{ name: 'idx.json', text: index.serialize() }, { name: 's.jsonl', text: line('/b.txt', 'Macron said that talks failed.') }]);
    assert.deepEqual(merged.problems, []);
    assert.deepEqual(merged.index.speaker('emmanuel-macron')?.documents, ['/a.txt', '/b.txt']);
  });
});

describe('SpeakerRegistry: incremental view', () => {
  const person = (id: string, name: string, aliases: string[] = []): ExtractedSpeaker =>
    ({ id, name, kind: 'person', role: null, aliases, mentions: [[0, name.length]] });
  const VARIANTS: ExtractedSpeaker[][] = [
    [person('donald-trump', 'Donald Trump')],
    [person('melania-trump', 'Melania Trump')],
    [person('trump', 'Trump')],
    [person('trump', 'Trump', ['Mrs. Trump'])],
    [person('mr-trump', 'Mr. Trump')],
    [person('emmanuel-macron', 'Emmanuel Macron'), person('trump', 'Trump')],
    [person('macron', 'Macron')],
    [],
  ];

  it('after any sequence of updates and removals, equals a registry built from scratch', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -1, max: VARIANTS.length - 1 })), { maxLength: 25 }), (ops) => {
      const live = new SpeakerRegistry();
      const docs = new Map<string, ExtractedSpeaker[]>();
      for (const [doc, variant] of ops) {
        const loc = `/d${doc}.txt`;
        if (variant < 0) { live.removeDocument(loc); docs.delete(loc); } else {
          live.setDocument(loc, VARIANTS[variant], []);
          docs.set(loc, VARIANTS[variant]);
        }
        live.speakers(); // interleave reads, so that stale parts of the view would show
      }
      const fresh = new SpeakerRegistry(live.ids());
      for (const [loc, speakers] of [...docs].sort()) fresh.setDocument(loc, speakers, []);
      // Through JSON: a corpus speaker lists its documents on demand.
      assert.deepEqual(JSON.parse(JSON.stringify(live.speakers())), JSON.parse(JSON.stringify(fresh.speakers())));
      for (const [loc, speakers] of docs) for (const s of speakers) assert.equal(live.corpusIdOf(loc, s.id), fresh.corpusIdOf(loc, s.id));
    }), { numRuns: 300 });
  });
});
