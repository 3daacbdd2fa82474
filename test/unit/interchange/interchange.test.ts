import { strict as assert } from 'node:assert';
import { parseBrat, importBrat, toBrat, guessClaimKind, speakerKey } from '../../../src/core/interchange/brat';
import { toClaimReviews } from '../../../src/core/interchange/claimReview';
import { claimsToCsv, csvCell } from '../../../src/core/interchange/csv';
import { ratingScaleOf } from '../../../src/core/interchange/ratingScale';
import { toWebAnnotationCollection } from '../../../src/core/interchange/webAnnotation';
import { parseSidecar } from '../../../src/core/sidecar/parse';
import { serializeSidecar } from '../../../src/core/sidecar/serialize';
import { OffsetMap } from '../../../src/core/text';
import { ARTICLE, baseSidecar, claimOf, copy } from '../review/fixtures';

function reviewed() {
  const s = copy(baseSidecar());
  const c3 = claimOf(s, 'c3');
  c3.verdict = 'misleading';
  c3.rationale = 'Most of the 40 posts are seasonal.';
  c3.updated = '2025-03-04';
  claimOf(s, 'c2').verdict = 'false';
  claimOf(s, 'c4').status = 'rejected';
  claimOf(s, 'c4').verdict = 'true';
  return s;
}

describe('ClaimReview export', () => {
  const scale = ratingScaleOf();

  it('emits one ClaimReview per reviewed claim, skipping unverified and rejected ones', () => {
    const reviews = toClaimReviews([reviewed()], { scale });
    assert.deepEqual(reviews.map((r) => r.claimReviewed), ['"We will not raise fares this year,"', 'that 40 jobs were at risk']);
  });

  it('fills the rating from the verdict scale, the claim author from the speaker, and the publisher', () => {
    const [, review] = toClaimReviews([reviewed()], {
      scale,
      publisher: { name: 'Harbour Facts', url: 'https://facts.example' },
      documentUrl: () => 'https://news.example/ferry',
      reviewUrl: (_s, c) => `https://facts.example/ferry#${c.id}`,
    });
    assert.deepEqual(review, {
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: 'https://facts.example/ferry#c3',
      claimReviewed: 'that 40 jobs were at risk',
      itemReviewed: {
        '@type': 'Claim',
        appearance: { '@type': 'CreativeWork', url: 'https://news.example/ferry', name: 'ferry.txt' },
        author: { '@type': 'Organization', name: 'Dockworkers Union' },
      },
      reviewRating: { '@type': 'Rating', alternateName: 'Misleading', ratingValue: 2, bestRating: 5, worstRating: 1 },
      reviewBody: 'Most of the 40 posts are seasonal.',
      author: { '@type': 'Organization', name: 'Harbour Facts', url: 'https://facts.example' },
      datePublished: '2025-03-04',
    });
  });

  it('names a person with their role, and rates verdicts without a number by name only', () => {
    const s = reviewed();
    claimOf(s, 'c1').verdict = 'unsupported';
    const [first] = toClaimReviews([s], { scale });
    assert.deepEqual((first.itemReviewed as Record<string, unknown>).author, { '@type': 'Person', name: 'Ana Ribeiro', jobTitle: 'Mayor', alternateName: ['Ribeiro'] });
    assert.deepEqual(first.reviewRating, { '@type': 'Rating', alternateName: 'Unsupported' });
  });

  it('warns about a verdict off the scale and still exports it by its key', () => {
    const s = reviewed();
    claimOf(s, 'c1').verdict = 'pants-on-fire';
    const warnings: string[] = [];
    const [first] = toClaimReviews([s], { scale, warn: (m) => warnings.push(m) });
    assert.deepEqual(first.reviewRating, { '@type': 'Rating', alternateName: 'pants-on-fire' });
    assert.equal(warnings.length, 1);
  });
});

describe('W3C Web Annotation export', () => {
  it('builds an AnnotationCollection with both selectors and purposeful bodies', () => {
    const s = reviewed();
    claimOf(s, 'c3').tags = ['jobs'];
    claimOf(s, 'c3').note = 'call the union';
    const collection = toWebAnnotationCollection([s], { scale: ratingScaleOf(), documentUrl: () => 'https://news.example/ferry' });
    assert.equal(collection['@context'], 'http://www.w3.org/ns/anno.jsonld');
    assert.equal(collection.type, 'AnnotationCollection');
    assert.equal(collection.total, 3); // the rejected claim is not an annotation
    const items = (collection.first as { items: Array<Record<string, any>> }).items;
    const c3 = items.find((a) => String(a.id).endsWith(':c3'))!;
    assert.equal(c3.type, 'Annotation');
    assert.equal(c3.motivation, 'assessing');
    assert.equal(c3.target.source, 'https://news.example/ferry');
    const [quote, position] = c3.target.selector;
    assert.equal(quote.type, 'TextQuoteSelector');
    assert.equal(quote.exact, 'that 40 jobs were at risk');
    assert.equal(position.type, 'TextPositionSelector');
    assert.equal(new OffsetMap(ARTICLE).slice(position.start, position.end), quote.exact);
    const purposes = c3.body.map((b: Record<string, string>) => `${b.purpose}:${b.value}`);
    assert.deepEqual(purposes, [
      'assessing:Misleading',
      'commenting:Most of the 40 posts are seasonal.',
      'commenting:call the union',
      'tagging:jobs',
      'describing:said by Dockworkers Union',
    ]);
  });
});

describe('CSV export', () => {
  it('writes a header and one RFC 4180 row per claim, in position order', () => {
    const csv = claimsToCsv([reviewed()]);
    const rows = csv.split('\r\n');
    assert.equal(rows[0], 'document,id,speaker,kind,status,verdict,text,rationale,sources,tags,updated');
    assert.equal(rows[2], 'ferry.txt,c2,Ana Ribeiro,direct,accepted,false,"""We will not raise fares this year,""",,,,2025-03-01');
    assert.equal(rows.length, 6); // header + 4 claims + final empty string after the last CRLF
  });

  it('neutralises spreadsheet formulas and quotes line breaks', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
    assert.equal(csvCell('+1 555'), "'+1 555");
    assert.equal(csvCell('-2 points'), "'-2 points");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell('plain'), 'plain');
  });
});

describe('brat standoff', () => {
  const text = 'Officials said the bridge was safe.\n"It will reopen in May," the mayor told reporters.\n\nThe mayor later said repairs were behind schedule.';
  const ann = [
    'T1\tSource 0 9\tOfficials',
    'T2\tCue 10 14\tsaid',
    'T3\tContent 15 34\tthe bridge was safe',
    'T4\tAttribution 10 14\tsaid',
    'E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1',
    'T5\tContent 36 60\t"It will reopen in May,"',
    'T6\tSource 61 70\tthe mayor',
    'T7\tCue 71 75\ttold',
    'T8\tAttribution 71 75\ttold',
    'E2\tAttribution:T8 Content:T5 Cue:T7 Source:T6',
    'T9\tSource 90 99\tThe mayor',
    'T10\tCue 106 110\tsaid',
    'T11\tContent 111 142\trepairs were behind schedule',
    'T12\tAttribution 106 110\tsaid',
    'E3\tAttribution:T12 Content:T11 Cue:T10 Source:T9',
    '#1\tAnnotatorNotes T3\tcheck this',
    '',
  ].join('\n');

  it('parses text-bound annotations, discontinuous spans, events and notes', () => {
    const parsed = parseBrat('T1\tContent 0 5;7 9\tHello wo\nE1\tAttribution:T1 Content:T1\n#1\tAnnotatorNotes T1\tnote\nbogus line\n');
    assert.deepEqual(parsed.textBounds.get('T1')?.fragments, [{ start: 0, end: 5 }, { start: 7, end: 9 }]);
    assert.deepEqual(parsed.events[0].args, [{ role: 'Content', target: 'T1' }]);
    assert.deepEqual(parsed.notes.get('T1'), ['note']);
    assert.equal(parsed.problems.length, 0);
  });

  it('imports one accepted, unverified claim per attribution, with speakers clustered by mention', () => {
    const fixedAnn = ann.replace('T11\tContent 111 142\trepairs were behind schedule', `T11\tContent ${text.indexOf('repairs')} ${text.indexOf('repairs') + 28}\trepairs were behind schedule`)
      .replace('T9\tSource 90 99', `T9\tSource ${text.indexOf('The mayor later')} ${text.indexOf('The mayor later') + 9}`)
      .replace(/T10\tCue 106 110/u, `T10\tCue ${text.indexOf('said repairs')} ${text.indexOf('said repairs') + 4}`)
      .replace(/T12\tAttribution 106 110/u, `T12\tAttribution ${text.indexOf('said repairs')} ${text.indexOf('said repairs') + 4}`);
    const { sidecar, problems, attributions } = importBrat(fixedAnn, text, { documentName: 'bridge.txt', sha256: 'b'.repeat(64) });
    assert.deepEqual(problems, []);
    assert.equal(attributions, 3);
    assert.deepEqual(sidecar.claims.map((c) => [c.id, c.anchor.exact, c.speaker, c.kind, c.status, c.verdict]), [
      ['c1', 'the bridge was safe', 'officials', 'indirect', 'accepted', 'unverified'],
      ['c2', '"It will reopen in May,"', 'the-mayor', 'direct', 'accepted', 'unverified'],
      ['c3', 'repairs were behind schedule', 'the-mayor', 'indirect', 'accepted', 'unverified'],
    ]);
    assert.deepEqual(sidecar.speakers.map((s) => [s.id, s.name, s.kind]), [['officials', 'Officials', 'group'], ['the-mayor', 'the mayor', 'person']]);
    assert.match(sidecar.claims[0].note ?? '', /brat E1; cue: said/);
    // The result is a sidecar ClaimLens accepts.
    const check = parseSidecar(serializeSidecar(sidecar), 'bridge.txt.annotations.yaml');
    assert.deepEqual(check.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('skips and reports spans that do not match the text', () => {
    const { sidecar, problems } = importBrat('T1\tContent 0 4\tNope\nT2\tAttribution 0 4\tNope\nE1\tAttribution:T2 Content:T1\n', text, { documentName: 'x.txt', sha256: 'c'.repeat(64) });
    assert.equal(sidecar.claims.length, 0);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /is this the right text file/);
  });

  it('exports claims as Source/Cue/Content events found in the text, and imports them back', () => {
    const s = importBrat(ann.split('\n').slice(0, 10).join('\n'), text, { documentName: 'bridge.txt', sha256: 'b'.repeat(64) }).sidecar;
    claimOf(s, 'c1').verdict = 'false';
    const out = toBrat(s, { text });
    const lines = out.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 6), [
      'T1\tSource 0 9\tOfficials',
      'T2\tCue 10 14\tsaid',
      'T3\tContent 15 34\tthe bridge was safe',
      'T4\tAttribution 10 14\tsaid',
      'E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1',
      '#1\tAnnotatorNotes T3\tclaimlens c1; verdict: false; speaker: Officials',
    ]);
    const back = importBrat(out, text, { documentName: 'bridge.txt', sha256: 'b'.repeat(64) }).sidecar;
    assert.deepEqual(back.claims.map((c) => c.anchor.exact), s.claims.map((c) => c.anchor.exact));
    assert.deepEqual(back.claims.map((c) => c.speaker), s.claims.map((c) => c.speaker));
  });

  it('splits multi-line spans into fragments and exports without text as content-only events', () => {
    const s = copy(baseSidecar());
    s.claims = [claimOf(s, 'c1')];
    s.claims[0].anchor = { exact: 'line one\nline two', prefix: '', suffix: '', start: 10, end: 27 };
    const out = toBrat(s);
    assert.equal(out.split('\n')[0], 'T1\tContent 10 18;19 27\tline one line two');
    assert.match(out, /^E1\tAttribution-no-source:T2 Content:T1$/mu);
  });

  it('guesses claim kinds from quotation marks and clusters mentions case-insensitively', () => {
    assert.equal(guessClaimKind('“We will win.”'), 'direct');
    assert.equal(guessClaimKind('that the plan was “dead on arrival”'), 'mixed');
    assert.equal(guessClaimKind('that the plan failed'), 'indirect');
    assert.equal(speakerKey('The Mayor’s'), speakerKey('the mayor'));
  });
});
