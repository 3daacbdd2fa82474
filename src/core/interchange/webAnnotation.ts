/**
 * W3C Web Annotation JSON-LD (https://www.w3.org/TR/annotation-model/): one
 * AnnotationCollection per export, one Annotation per kept claim (rejected
 * suggestions are not annotations of the text). Each targets the document with
 * the two selectors the sidecar stores (TextQuoteSelector, TextPositionSelector
 * in code points, as the model specifies) and carries TextualBody bodies:
 * verdict (purpose `assessing`), rationale and note (`commenting`), one per tag
 * (`tagging`), the speaker (`describing`), and sources as linked resources
 * (`linking`).
 */
import type { Claim, Sidecar } from '../sidecar/model';
import type { RatingScale } from './ratingScale';

export interface WebAnnotationOptions {
  scale?: RatingScale;
  /** The annotated document's IRI; defaults to its file name. */
  documentUrl?: (sidecar: Sidecar) => string | undefined;
  /** Base IRI for annotation ids; defaults to `urn:claimlens:`. */
  idBase?: string;
  /** The collection's label. */
  label?: string;
}

type Json = Record<string, unknown>;

export function toWebAnnotationCollection(sidecars: readonly Sidecar[], options: WebAnnotationOptions = {}): Json {
  const items: Json[] = [];
  for (const sidecar of sidecars) {
    const claims = [...sidecar.claims].sort((a, b) => a.anchor.start - b.anchor.start || (a.id < b.id ? -1 : 1));
    for (const claim of claims) if (claim.status !== 'rejected') items.push(annotationOf(sidecar, claim, options));
  }
  const label = options.label ?? `ClaimLens annotations of ${sidecars.map((s) => s.document.name).join(', ')}`;
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    type: 'AnnotationCollection',
    label,
    total: items.length,
    first: { type: 'AnnotationPage', startIndex: 0, items },
  };
}

function annotationOf(sidecar: Sidecar, claim: Claim, options: WebAnnotationOptions): Json {
  const source = options.documentUrl?.(sidecar) ?? sidecar.document.name;
  const idBase = options.idBase ?? 'urn:claimlens:';
  const body: Json[] = [];
  const label = options.scale?.ratingOf(claim.verdict)?.label ?? claim.verdict;
  body.push({ type: 'TextualBody', purpose: 'assessing', value: label, format: 'text/plain' });
  if (claim.rationale) body.push({ type: 'TextualBody', purpose: 'commenting', value: claim.rationale, format: 'text/plain' });
  if (claim.note) body.push({ type: 'TextualBody', purpose: 'commenting', value: claim.note, format: 'text/plain' });
  for (const tag of claim.tags) body.push({ type: 'TextualBody', purpose: 'tagging', value: tag });
  const speaker = claim.speaker === null ? undefined : sidecar.speakers.find((s) => s.id === claim.speaker);
  if (speaker) body.push({ type: 'TextualBody', purpose: 'describing', value: `said by ${speaker.name}`, format: 'text/plain' });
  for (const s of claim.sources) {
    const link: Json = { id: s.url, type: 'Text', purpose: 'linking' };
    if (s.title) link.title = s.title;
    body.push(link);
  }

  const annotation: Json = {
    id: `${idBase}${encodeURIComponent(sidecar.document.name)}:${encodeURIComponent(claim.id)}`,
    type: 'Annotation',
    motivation: claim.verdict === 'unverified' ? 'highlighting' : 'assessing',
  };
  if (claim.author) annotation.creator = { type: 'Person', name: claim.author };
  if (claim.updated) annotation.modified = claim.updated;
  annotation.body = body;
  annotation.target = {
    source,
    selector: [
      { type: 'TextQuoteSelector', exact: claim.anchor.exact, prefix: claim.anchor.prefix, suffix: claim.anchor.suffix },
      { type: 'TextPositionSelector', start: claim.anchor.start, end: claim.anchor.end },
    ],
  };
  return annotation;
}
