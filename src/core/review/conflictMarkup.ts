/**
 * Writes merge conflicts into a serialised sidecar, on the item they concern
 * only, as valid YAML that `claimlens check` reports as an error until a person
 * resolves it:
 *
 *     - id: c3
 *       verdict: false            # our value stays in place
 *       # ClaimLens merge conflict: keep the value you want above, then delete this `conflict` block.
 *       conflict:
 *         verdict:
 *           base: unverified
 *           ours: false
 *           theirs: misleading
 *
 * The field `item` means one side deleted the item and the other edited it:
 * the edited item is kept; delete it if the deletion was right.
 */
import { isMap, isSeq, parse as parseYaml, parseDocument, type Document, type YAMLMap } from 'yaml';
import { TO_STRING_OPTIONS } from '../sidecar/serialize';
import type { MergeConflict } from './merge';

export const CONFLICT_KEY = 'conflict';

const HELP =
  ' ClaimLens merge conflict: keep the value you want in the field(s) above, then delete this `conflict` block.';
const ITEM_HELP =
  ' ClaimLens merge conflict: one side deleted this item, the other edited it; it is kept. Delete the item or this `conflict` block.';

export function annotateConflicts(yamlText: string, conflicts: readonly MergeConflict[]): string {
  if (conflicts.length === 0) return yamlText;
  const doc = parseDocument(yamlText, { keepSourceTokens: false });
  const byItem = new Map<YAMLMap, MergeConflict[]>();
  for (const conflict of conflicts) {
    const node = findItem(doc, conflict);
    if (!node) throw new Error(`merge conflict on ${conflict.entity} ${conflict.id} has no item in the merged file`);
    const list = byItem.get(node) ?? [];
    list.push(conflict);
    byItem.set(node, list);
  }
  for (const [node, list] of byItem) {
    const block: Record<string, Record<string, unknown>> = {};
    for (const c of list) {
      const entry: Record<string, unknown> = {};
      if (c.field === 'item') {
        entry.ours = c.ours === undefined ? 'deleted' : 'edited (kept)';
        entry.theirs = c.theirs === undefined ? 'deleted' : 'edited (kept)';
      } else {
        if (c.base !== undefined) entry.base = plain(c.base);
        entry.ours = plain(c.ours);
        entry.theirs = plain(c.theirs);
      }
      block[c.field] = entry;
    }
    node.delete(CONFLICT_KEY);
    const pair = doc.createPair(CONFLICT_KEY, block);
    (pair.key as { commentBefore?: string }).commentBefore = list.some((c) => c.field === 'item') ? ITEM_HELP : HELP;
    node.items.push(pair as (typeof node.items)[number]);
  }
  return doc.toString(TO_STRING_OPTIONS);
}

function findItem(doc: Document, conflict: MergeConflict): YAMLMap | undefined {
  const listKey = conflict.entity === 'claim' ? 'claims' : conflict.entity === 'speaker' ? 'speakers' : 'stances';
  const seq = doc.get(listKey, true);
  if (!isSeq(seq)) return undefined;
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    if (conflict.entity === 'stance') {
      if (item.get('speaker') === conflict.stance?.speaker && item.get('target') === conflict.stance?.target) return item;
    } else if (item.get('id') === conflict.id) {
      return item;
    }
  }
  return undefined;
}

/** Conflict values as YAML-friendly data: unset becomes null. */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Unresolved `conflict` blocks in a sidecar's text, keyed `claim:<id>`,
 * `speaker:<id>` or `stance:<speaker>\u0000<target>`, for renderers that must
 * not hide them (the sidecar model itself does not carry them).
 */
export function findConflictBlocks(yamlText: string): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  let data: unknown;
  try {
    data = parseYaml(yamlText, { maxAliasCount: 100 });
  } catch {
    return found;
  }
  if (!data || typeof data !== 'object') return found;
  const root = data as Record<string, unknown>;
  for (const [listKey, entity] of [['claims', 'claim'], ['speakers', 'speaker'], ['stances', 'stance']] as const) {
    const list = root[listKey];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!item || typeof item !== 'object') continue;
      const record = item as Record<string, unknown>;
      const block = record[CONFLICT_KEY];
      if (!block || typeof block !== 'object') continue;
      const key = entity === 'stance' ? `${String(record.speaker)}\u0000${String(record.target)}` : String(record.id);
      found.set(`${entity}:${key}`, block as Record<string, unknown>);
    }
  }
  return found;
}
