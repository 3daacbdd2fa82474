/**
 * A minimal reader for brat standoff annotation files (.ann), enough for
 * PolNeAR: text-bound annotations (T lines, possibly discontinuous with
 * `start end;start end`), events (E lines tying roles to T ids) and notes
 * (ignored). Offsets in .ann files are code points; `toUtf16` converts them
 * for JavaScript string work.
 */
import { OffsetMap } from '../../src/core/text';

export interface BratSpan {
  id: string;
  type: string;
  /** Fragments [start, end), code-point offsets, in file order. */
  fragments: Array<[number, number]>;
  text: string;
}

export interface BratEvent {
  id: string;
  /** Role name → ids of text-bound annotations (roles may repeat: `Content:T3 Content2:T9` stay separate keys). */
  args: Array<{ role: string; ref: string }>;
}

export interface BratDocument {
  spans: Map<string, BratSpan>;
  events: BratEvent[];
  /** Lines that could not be read, with their 1-based line number, for diagnostics. */
  skipped: Array<{ line: number; content: string }>;
}

export function parseBrat(ann: string): BratDocument {
  const spans = new Map<string, BratSpan>();
  const events: BratEvent[] = [];
  const skipped: Array<{ line: number; content: string }> = [];
  const lines = ann.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split('\t');
    const id = cols[0];
    if (id.startsWith('T') && cols.length >= 2) {
      const sp = cols[1].indexOf(' ');
      const type = sp < 0 ? cols[1] : cols[1].slice(0, sp);
      const fragments: Array<[number, number]> = [];
      let ok = sp > 0;
      for (const frag of cols[1].slice(sp + 1).split(';')) {
        const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(frag);
        if (!m) { ok = false; break; }
        fragments.push([Number(m[1]), Number(m[2])]);
      }
      if (!ok) { skipped.push({ line: i + 1, content: line }); continue; }
      spans.set(id, { id, type, fragments, text: cols[2] ?? '' });
    } else if (id.startsWith('E') && cols.length >= 2) {
      const args: BratEvent['args'] = [];
      for (const part of cols[1].trim().split(/\s+/)) {
        const colon = part.lastIndexOf(':');
        if (colon <= 0) continue;
        args.push({ role: part.slice(0, colon).replace(/\d+$/, ''), ref: part.slice(colon + 1) });
      }
      events.push({ id, args });
    } else if (/^[RAMN*]/.test(id)) {
      // Relations, attributes, normalisations: not needed for attribution scoring.
    } else {
      // Continuation lines of multi-line annotation text, stray text: not annotations.
      skipped.push({ line: i + 1, content: line });
    }
  }
  return { spans, events, skipped };
}

/** One gold attribution with UTF-16 fragments per role (empty array = role absent). */
export interface GoldAttribution {
  content: Array<[number, number]>;
  cue: Array<[number, number]>;
  source: Array<[number, number]>;
}

/**
 * PolNeAR attributions: every event whose trigger is an Attribution(-no-source),
 * with its Content, Cue and Source fragments, converted to UTF-16 offsets of `text`.
 */
export function polnearAttributions(doc: BratDocument, text: string): GoldAttribution[] {
  const map = new OffsetMap(text);
  const out: GoldAttribution[] = [];
  for (const ev of doc.events) {
    const a: GoldAttribution = { content: [], cue: [], source: [] };
    let isAttribution = false;
    for (const { role, ref } of ev.args) {
      const span = doc.spans.get(ref);
      if (!span) continue;
      const frags = span.fragments.map(([s, e]) => [map.toUtf16(s), map.toUtf16(e)] as [number, number]);
      if (role === 'Attribution' || role === 'Attribution-no-source') isAttribution = true;
      else if (role === 'Content') a.content.push(...frags);
      else if (role === 'Cue') a.cue.push(...frags);
      else if (role === 'Source') a.source.push(...frags);
    }
    if (isAttribution && a.content.length > 0) out.push(a);
  }
  return out;
}
