/** Test helpers for the stance layer: hand-built speakers and claims located in a text. */
import assert from 'node:assert/strict';
import type { ExtractedClaim, ExtractedSpeaker } from '../../../src/core/extract/types';
import { OffsetMap } from '../../../src/core/text';

export interface ClaimSpec {
  speaker: string;
  /** A stretch of text that fixes where the claim is (must occur once). */
  context: string;
  content: string;
  cue: string;
  source: string;
}

export function speaker(id: string, name: string, kind: ExtractedSpeaker['kind'] = 'person'): ExtractedSpeaker {
  return { id, name, kind, role: null, aliases: [name.split(' ').pop()!], mentions: [] };
}

/** Builds ExtractedClaims with code-point offsets, each found inside its (unique) context. */
export function buildClaims(text: string, specs: ClaimSpec[]): ExtractedClaim[] {
  const map = new OffsetMap(text);
  return specs.map((spec, i) => {
    const at = text.indexOf(spec.context);
    assert.ok(at >= 0, `context not found: ${spec.context}`);
    assert.equal(text.indexOf(spec.context, at + 1), -1, `context not unique: ${spec.context}`);
    const find = (part: string): [number, number] => {
      const k = text.indexOf(part, at);
      assert.ok(k >= 0 && k + part.length <= at + spec.context.length, `'${part}' not inside its context`);
      return [map.toCodePoint(k), map.toCodePoint(k + part.length)];
    };
    const [start, end] = find(spec.content);
    return { id: `c${i + 1}`, start, end, text: map.slice(start, end), speaker: spec.speaker, source: find(spec.source), cue: find(spec.cue), kind: 'indirect' };
  });
}

