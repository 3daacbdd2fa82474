/**
 * The corpus-wide speaker registry: one entry per real-world speaker across
 * all indexed documents, built from the per-document speakers.
 *
 * Clustering across documents, deliberately conservative (a wrong merge puts
 * one person's words in another's mouth; a missed merge only shows two cards):
 * - people with a full name merge by that name (case, accents and middle
 *   initials ignored): "Emmanuel Macron" everywhere is one speaker;
 * - a document that names someone only by surname ("Macron", "Mrs. Trump")
 *   joins the one full-named person with that surname and a compatible gender;
 *   when several fit ("Trump": Donald and Melania) it stays a speaker of its own;
 * - organisations and groups merge by name;
 * - anonymous sources and unresolved descriptions ("the prime minister") are
 *   never merged across documents: "a French official" in two articles need
 *   not be the same person.
 *
 * It is updated per document (remove its contributions, add the new ones), so
 * re-indexing one document costs time in proportion to that document; the
 * merged view is rebuilt lazily when someone asks for it, and only for the
 * speakers a change touched.
 *
 * Memory: at newsroom scale (100,000 articles, 2.4 million document speakers)
 * the registry keeps no extraction objects. Each document contributes one
 * Int32Array of its speakers' {@link SpeakerSummary} facts, as indexes into
 * tables of strings (so "Donald Trump" is one string however many articles
 * quote him) and entries; each entry keeps running counts (names, roles,
 * aliases, claims, mentions) that a removal subtracts again; the documents of
 * each entry are listed only when someone asks for a speaker's documents.
 */
import type { SpeakerKind } from '../sidecar/model';
import type { ExtractedSpeaker } from '../extract/types';
import { FEMALE_FIRST_NAMES, HONORIFICS, MALE_FIRST_NAMES } from '../extract/speakerLexicon';

export interface CorpusSpeaker {
  /** Stable across updates and restarts (persisted with the index). */
  readonly id: string;
  readonly name: string;
  readonly kind: SpeakerKind;
  readonly role: string | null;
  readonly aliases: string[];
  /** Document locations, sorted (computed on first access: a much-quoted speaker is in tens of thousands). */
  readonly documents: string[];
  readonly claimCount: number;
  readonly mentionCount: number;
}

/**
 * What the registry needs to know of one document's speaker, and what the
 * index persists per document so that a restart rebuilds the registry without
 * reading any extraction: `[id, name, kind, role, aliases, mentions, claims, key]`,
 * `mentions` and `claims` being counts, `key` the registry key ('' for a
 * speaker that is never merged across documents; see {@link registryKey}).
 */
export type SpeakerSummary = [id: string, name: string, kind: SpeakerKind, role: string | null, aliases: readonly string[], mentions: number, claims: number, key: string];

/**
 * Version of the clustering rules ({@link registryKey}). Persisted keys made
 * under other rules are recomputed from the persisted names on load.
 */
export const REGISTRY_RULES_VERSION = 1;

/** The summaries of one document's speakers, with their registry keys. */
export function summarizeSpeakers(location: string, extraction: { speakers: readonly ExtractedSpeaker[]; claims: readonly { speaker: string | null }[] }): SpeakerSummary[] {
  const claimsBy = new Map<string, number>();
  for (const c of extraction.claims) if (c.speaker !== null) claimsBy.set(c.speaker, (claimsBy.get(c.speaker) ?? 0) + 1);
  return extraction.speakers.map((s) => {
    const { key } = registryKey(location, s);
    return [s.id, s.name, s.kind, s.role ?? null, s.aliases, s.mentions.length, claimsBy.get(s.id) ?? 0, key.startsWith('local:') ? '' : key];
  });
}

type Gender = '' | 'm' | 'f';

const ASCII = /^[\x00-\x7f]*$/;
const fold = (s: string): string => ASCII.test(s) ? s.toLowerCase().replace(/\s+/g, ' ').trim() : s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ').trim();

function slug(name: string): string {
  return fold(name).replace(/'/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'speaker';
}

/** Name words without honorifics and middle initials. */
function nameWords(name: string): { words: string[]; gender: Gender } {
  let gender: Gender = '';
  const words = fold(name).split(' ').filter((w, i) => {
    if (i === 0 && HONORIFICS.has(w)) { gender = HONORIFICS.get(w)!; return false; }
    return !/^[a-z]\.?$/.test(w);
  });
  return { words, gender };
}

function firstNameGender(first: string): Gender {
  return MALE_FIRST_NAMES.has(first) ? 'm' : FEMALE_FIRST_NAMES.has(first) ? 'f' : '';
}

/** The registry key of one document's speaker, and for surname-only people the surname to resolve. */
export function registryKey(location: string, s: { id: string; name: string; kind: SpeakerKind; aliases: readonly string[] }): { key: string; surname?: string; gender?: Gender } {
  const local = `local:${location}#${s.id}`;
  switch (s.kind) {
    case 'anonymous': return { key: local };
    case 'organization': return { key: `org:${fold(s.name)}` };
    case 'group': return { key: `group:${fold(s.name)}` };
    case 'person': {
      if (/^the\s/i.test(s.name)) return { key: local };
      const { words, gender: nameGender } = nameWords(s.name);
      if (words.length === 0) return { key: local };
      // "Trump" written "Mrs. Trump" in the document: the alias keeps the gender.
      let gender = nameGender;
      for (const a of s.aliases) if (!gender) gender = nameWords(a).gender;
      if (words.length === 1) return { key: `surname:${words[0]}:${gender}`, surname: words[0], gender };
      return { key: `person:${words[0]} ${words[words.length - 1]}` };
    }
  }
}

/** The document speakers that share one registry key, as running counts (subtracted again when a document goes). */
interface Entry {
  key: string;
  /** Position in the registry's entry table (what documents' slots refer to). */
  index: number;
  kind: SpeakerKind;
  /** How many document speakers are in this entry. */
  count: number;
  /** The names they go by: one name (the usual case, counted by `count`) or counts per name. */
  names: string | Map<string, number>;
  roles: Map<string, number> | undefined;
  aliases: Map<string, number> | undefined;
  claims: number;
  mentions: number;
}

/**
 * Slots per document speaker in a document's contribution (an Int32Array):
 * id (string table), entry (entry table), name (string table), role (string
 * table, -1 none), aliases (alias-list table, -1 none), mentions, claims.
 * About 30 bytes per document speaker, not an object with arrays each.
 */
const STRIDE = 7;
const NONE = -1;

export class SpeakerRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Entries by index; freed indexes are reused. */
  private readonly entryTable: (Entry | undefined)[] = [];
  private readonly freeEntries: number[] = [];
  /** Full-name person keys by surname, with the gender of each first name, for resolving surname-only entries. */
  private readonly bySurname = new Map<string, Map<string, Gender>>();
  /** Surname-only keys by surname. */
  private readonly surnameKeys = new Map<string, Set<string>>();
  /** What each document contributes, STRIDE slots per speaker. */
  private readonly docs = new Map<string, Int32Array>();
  /** Id of every key ever seen: ids never change, even if a speaker disappears and comes back. */
  private readonly idOf = new Map<string, string>();
  private readonly usedIds = new Set<string>();
  private readonly newIds: [string, string][] = [];
  /** Per id base, where the search for a free "-n" suffix starts (every suffix below is taken). */
  private readonly nextSuffix = new Map<string, number>();
  /** Every name, id and role once, however many documents repeat it. */
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly aliasLists: (readonly string[])[] = [];
  private readonly aliasListIndex = new Map<string, number>();
  /**
   * Documents per entry: built on first need (listing a speaker's documents)
   * and kept up to date from then on; an indexing run never pays for it.
   */
  private documentSets: Map<Entry, Set<string>> | undefined;
  /**
   * The merged view, kept per group (a group is named by its target key) and
   * rebuilt only for groups a change touched, so that re-indexing one document
   * costs in proportion to that document's speakers, not to the corpus.
   */
  private readonly groups = new Map<string, GroupSpeaker>();
  private readonly byId = new Map<string, GroupSpeaker>();
  private readonly dirty = new Set<string>();
  private sorted: CorpusSpeaker[] | undefined;

  constructor(ids?: Record<string, string>) {
    if (ids) for (const [k, id] of Object.entries(ids)) { this.idOf.set(k, id); this.usedIds.add(id); }
  }

  /** Replaces what one document contributes (from its extraction). */
  setDocument(location: string, speakers: readonly ExtractedSpeaker[], claims: readonly { speaker: string | null }[]): void {
    this.setSummaries(location, summarizeSpeakers(location, { speakers, claims }));
  }

  /**
   * Replaces what one document contributes, from the summaries of its speakers.
   * `trustKeys` false (keys persisted under other clustering rules) recomputes every key.
   */
  setSummaries(location: string, summaries: readonly SpeakerSummary[], trustKeys = true): void {
    this.removeDocument(location);
    if (summaries.length === 0) return;
    const slots = new Int32Array(summaries.length * STRIDE);
    for (let i = 0; i < summaries.length; i++) {
      const summary = summaries[i];
      const id = summary[0], name = summary[1], kind = summary[2], role = summary[3], aliases = summary[4], persisted = summary[7];
      const key = trustKeys
        ? persisted === '' ? `local:${location}#${id}` : persisted
        : registryKey(location, { id, name, kind, aliases }).key;
      const entry = this.entries.get(key) ?? this.createEntry(key, kind, name);
      const nameIndex = this.intern(name);
      const interned = this.strings[nameIndex];
      if (entry.count === 0) entry.names = interned;
      else if (typeof entry.names === 'string') {
        if (entry.names !== interned) entry.names = new Map([[entry.names, entry.count], [interned, 1]]);
      } else bump(entry.names, interned, 1);
      entry.count++;
      const roleIndex = role === null ? NONE : this.intern(role);
      if (roleIndex !== NONE) bump(entry.roles ??= new Map(), this.strings[roleIndex], 1);
      const aliasIndex = aliases.length === 0 ? NONE : this.internList(aliases);
      if (aliasIndex !== NONE) { entry.aliases ??= new Map(); for (const a of this.aliasLists[aliasIndex]) bump(entry.aliases, a, 1); }
      entry.claims += summary[6];
      entry.mentions += summary[5];
      const at = i * STRIDE;
      slots[at] = this.intern(id);
      slots[at + 1] = entry.index;
      slots[at + 2] = nameIndex;
      slots[at + 3] = roleIndex;
      slots[at + 4] = aliasIndex;
      slots[at + 5] = summary[5];
      slots[at + 6] = summary[6];
      if (this.documentSets) {
        const set = this.documentSets.get(entry);
        if (set) set.add(location);
        else this.documentSets.set(entry, new Set([location]));
      }
      this.touch(key);
    }
    this.docs.set(location, slots);
  }

  /**
   * Gives ids to the speakers of a document that is not fed to the registry
   * yet, as `setSummaries` would (ids are given in the order speakers are first
   * seen), so that a saved index has every id.
   */
  reserveIds(location: string, summaries: readonly SpeakerSummary[]): void {
    for (const s of summaries) this.assignId(s[7] === '' ? `local:${location}#${s[0]}` : s[7], s[1]);
  }

  removeDocument(location: string): boolean {
    const slots = this.docs.get(location);
    if (!slots) return false;
    for (let at = 0; at < slots.length; at += STRIDE) {
      const entry = this.entryTable[slots[at + 1]]!;
      this.touch(entry.key);
      entry.count--;
      if (typeof entry.names !== 'string') bump(entry.names, this.strings[slots[at + 2]], -1);
      if (slots[at + 3] !== NONE) bump(entry.roles!, this.strings[slots[at + 3]], -1);
      if (slots[at + 4] !== NONE) for (const a of this.aliasLists[slots[at + 4]]) bump(entry.aliases!, a, -1);
      entry.mentions -= slots[at + 5];
      entry.claims -= slots[at + 6];
      if (this.documentSets) {
        // The document leaves the entry with its last speaker in it (two speakers of one document can share an entry).
        let last = true;
        for (let later = at + STRIDE; later < slots.length && last; later += STRIDE) if (slots[later + 1] === entry.index) last = false;
        if (last) this.documentSets.get(entry)?.delete(location);
      }
      if (entry.count === 0) this.deleteEntry(entry);
    }
    this.docs.delete(location);
    return true;
  }

  /** What a document contributes, in the persisted form (the same summaries it was given). */
  summariesOf(location: string): SpeakerSummary[] {
    const slots = this.docs.get(location);
    if (!slots) return [];
    const out: SpeakerSummary[] = [];
    for (let at = 0; at < slots.length; at += STRIDE) {
      const entry = this.entryTable[slots[at + 1]]!;
      out.push([
        this.strings[slots[at]], this.strings[slots[at + 2]], entry.kind, slots[at + 3] === NONE ? null : this.strings[slots[at + 3]],
        slots[at + 4] === NONE ? [] : this.aliasLists[slots[at + 4]], slots[at + 5], slots[at + 6], entry.key.startsWith('local:') ? '' : entry.key,
      ]);
    }
    return out;
  }

  private createEntry(key: string, kind: SpeakerKind, name: string): Entry {
    const index = this.freeEntries.pop() ?? this.entryTable.length;
    const entry: Entry = { key, index, kind, count: 0, names: '', roles: undefined, aliases: undefined, claims: 0, mentions: 0 };
    this.entryTable[index] = entry;
    this.entries.set(key, entry);
    this.assignId(key, name);
    if (key.startsWith('person:')) {
      const last = key.slice(key.lastIndexOf(' ') + 1);
      const people = this.bySurname.get(last) ?? this.bySurname.set(last, new Map()).get(last)!;
      people.set(key, firstNameGender(key.slice('person:'.length, key.indexOf(' '))));
      this.touchSurname(last);
    } else if (key.startsWith('surname:')) {
      addTo(this.surnameKeys, surnameOf(key), key);
    }
    return entry;
  }

  private deleteEntry(entry: Entry): void {
    const key = entry.key;
    this.entries.delete(key);
    this.entryTable[entry.index] = undefined;
    this.freeEntries.push(entry.index);
    this.documentSets?.delete(entry);
    if (key.startsWith('person:')) {
      const last = key.slice(key.lastIndexOf(' ') + 1);
      this.bySurname.get(last)?.delete(key);
      this.touchSurname(last);
    } else if (key.startsWith('surname:')) {
      this.surnameKeys.get(surnameOf(key))?.delete(key);
    }
  }

  private intern(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private internList(list: readonly string[]): number {
    const joined = list.length === 1 ? list[0] : list.join('\u0000');
    let i = this.aliasListIndex.get(joined);
    if (i === undefined) {
      i = this.aliasLists.length;
      this.aliasLists.push(Object.freeze(list.map((a) => this.strings[this.intern(a)])));
      this.aliasListIndex.set(joined, i);
    }
    return i;
  }

  /** The documents of the given entries, sorted. */
  documentsOf(entries: readonly Entry[]): string[] {
    if (!this.documentSets) {
      const sets = new Map<Entry, Set<string>>();
      for (const [location, slots] of this.docs) {
        for (let at = 1; at < slots.length; at += STRIDE) {
          const entry = this.entryTable[slots[at]]!;
          const set = sets.get(entry);
          if (set) set.add(location);
          else sets.set(entry, new Set([location]));
        }
      }
      this.documentSets = sets;
    }
    if (entries.length === 1) return [...(this.documentSets.get(entries[0]) ?? [])].sort();
    const all = new Set<string>();
    for (const e of entries) for (const l of this.documentSets.get(e) ?? []) all.add(l);
    return [...all].sort();
  }

  /**
   * Marks the group an entry belongs to (now) as needing a rebuild. A key
   * already marked is skipped: if its group changed since, `touchSurname` has
   * marked every group it can have moved to.
   */
  private touch(key: string): void {
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    this.dirty.add(this.target(key));
    this.sorted = undefined;
  }

  /** A full name with this surname came or went: surname-only entries may now belong elsewhere. */
  private touchSurname(surname: string): void {
    for (const k of this.surnameKeys.get(surname) ?? []) { this.dirty.add(k); this.dirty.add(this.target(k)); }
    for (const k of this.bySurname.get(surname)?.keys() ?? []) this.dirty.add(k);
    this.sorted = undefined;
  }

  private assignId(key: string, name: string): void {
    if (this.idOf.has(key)) return;
    const base = slug(name);
    let id = base;
    if (this.usedIds.has(id)) {
      // The first free "-n": ids are never freed, so the search starts after the last one given
      // ("a-spokesman-3001" in a large archive must not test 3,000 names first).
      let n = this.nextSuffix.get(base) ?? 2;
      for (id = `${base}-${n}`; this.usedIds.has(id); id = `${base}-${n}`) n++;
      this.nextSuffix.set(base, n + 1);
    }
    this.idOf.set(key, id);
    this.usedIds.add(id);
    this.newIds.push([key, id]);
  }

  /** Ids given since the last call (for a writer that appends changes instead of rewriting every id). */
  takeNewIds(): Record<string, string> {
    const ids = Object.fromEntries(this.newIds);
    this.newIds.length = 0;
    return ids;
  }

  /** Ids persisted elsewhere (a changes file): known from now on, not new. */
  addIds(ids: Record<string, string>): void {
    for (const [k, id] of Object.entries(ids)) if (!this.idOf.has(k)) { this.idOf.set(k, id); this.usedIds.add(id); }
  }

  /** The ids given so far (persisted with the index so that ids survive a restart). */
  ids(): Record<string, string> {
    return Object.fromEntries([...this.idOf.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }

  /** Where a surname-only entry belongs: the one compatible full-named person, else itself. */
  private target(key: string): string {
    if (!key.startsWith('surname:')) return key;
    const surname = surnameOf(key);
    const gender = key.slice(key.lastIndexOf(':') + 1) as Gender;
    let found: string | undefined;
    for (const [k, g] of this.bySurname.get(surname) ?? []) {
      if (gender === '' || g === '' || g === gender) {
        if (found !== undefined) return key; // several fit: ambiguous
        found = k;
      }
    }
    return found ?? key;
  }

  /** The entries that make up the group named `key`, its own first (empty when there is no such group now). */
  private members(key: string): Entry[] {
    if (key.startsWith('surname:')) {
      const e = this.entries.get(key);
      return e && this.target(key) === key ? [e] : [];
    }
    const own = this.entries.get(key);
    // Only surname-only documents left: the group disappears and they stand alone (their own keys are dirty too).
    if (!own) return [];
    const out: Entry[] = [own];
    if (key.startsWith('person:')) {
      const last = key.slice(key.lastIndexOf(' ') + 1);
      for (const k of this.surnameKeys.get(last) ?? []) {
        const e = this.entries.get(k);
        if (e && this.target(k) === key) out.push(e);
      }
    }
    return out;
  }

  private refresh(): void {
    if (this.dirty.size === 0) return;
    for (const key of this.dirty) {
      const old = this.groups.get(key);
      if (old) {
        if (this.byId.get(old.id) === old) this.byId.delete(old.id);
        this.groups.delete(key);
      }
    }
    for (const key of this.dirty) {
      const entries = this.members(key);
      if (entries.length === 0) continue;
      const speaker = this.buildGroup(key, entries);
      this.groups.set(key, speaker);
      this.byId.set(speaker.id, speaker);
    }
    this.dirty.clear();
  }

  /** One corpus speaker from its entries' counts: in proportion to its distinct names, not to its documents. */
  private buildGroup(key: string, entries: Entry[]): GroupSpeaker {
    const own = entries[0];
    // Surname-only mentions ("Macron") do not name a merged speaker; they count for roles and aliases.
    const name = typeof own.names === 'string' ? own.names : mostFrequent(own.names) ?? key;
    const roles = new Map<string, number>();
    const aliases = new Set<string>();
    let claimCount = 0;
    let mentionCount = 0;
    for (const entry of entries) {
      if (typeof entry.names === 'string') aliases.add(entry.names);
      else for (const n of entry.names.keys()) aliases.add(n);
      if (entry.aliases) for (const a of entry.aliases.keys()) aliases.add(a);
      if (entry.roles) for (const [r, n] of entry.roles) roles.set(r, (roles.get(r) ?? 0) + n);
      claimCount += entry.claims;
      mentionCount += entry.mentions;
    }
    aliases.delete(name);
    return new GroupSpeaker(this.idOf.get(key)!, name, own.kind, mostFrequent(roles), [...aliases].sort(), claimCount, mentionCount, () => this.documentsOf(entries));
  }

  /** Every corpus speaker, most quoted first. */
  speakers(): CorpusSpeaker[] {
    this.refresh();
    if (!this.sorted) {
      this.sorted = [...this.groups.values()].sort((a, b) => b.claimCount - a.claimCount || b.mentionCount - a.mentionCount || (a.id < b.id ? -1 : 1));
    }
    return this.sorted;
  }

  speaker(id: string): CorpusSpeaker | undefined {
    this.refresh();
    return this.byId.get(id);
  }

  /** The corpus speaker of a document's speaker (`location`, document-level speaker id). */
  corpusIdOf(location: string, documentSpeakerId: string): string | undefined {
    const slots = this.docs.get(location);
    const wanted = this.stringIndex.get(documentSpeakerId);
    if (!slots || wanted === undefined) return undefined;
    for (let at = 0; at < slots.length; at += STRIDE) {
      if (slots[at] !== wanted) continue;
      this.refresh();
      return this.groups.get(this.target(this.entryTable[slots[at + 1]]!.key))?.id;
    }
    return undefined;
  }
}

/** A corpus speaker; its documents are listed on first access (a much-quoted speaker is in tens of thousands). */
class GroupSpeaker implements CorpusSpeaker {
  #listDocuments: (() => string[]) | undefined;
  #documents: string[] | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly kind: SpeakerKind,
    readonly role: string | null,
    readonly aliases: string[],
    readonly claimCount: number,
    readonly mentionCount: number,
    listDocuments: () => string[],
  ) {
    this.#listDocuments = listDocuments;
  }

  get documents(): string[] {
    if (!this.#documents) {
      this.#documents = this.#listDocuments!();
      this.#listDocuments = undefined;
    }
    return this.#documents;
  }

  toJSON() {
    return { id: this.id, name: this.name, kind: this.kind, role: this.role, aliases: this.aliases, documents: this.documents, claimCount: this.claimCount, mentionCount: this.mentionCount };
  }
}

/** `surname:<surname>:<gender>` → the surname. */
function surnameOf(key: string): string {
  return key.slice('surname:'.length, key.lastIndexOf(':'));
}

function bump(counts: Map<string, number>, k: string, by: number): void {
  const n = (counts.get(k) ?? 0) + by;
  if (n > 0) counts.set(k, n);
  else counts.delete(k);
}

function addTo(map: Map<string, Set<string>>, k: string, v: string): void {
  (map.get(k) ?? map.set(k, new Set()).get(k)!).add(v);
}

/** The most frequent key; ties go to the alphabetically first, so the result does not depend on order. */
function mostFrequent(counts: Map<string, number>): string | null {
  let best: string | null = null;
  let bestN = -1;
  for (const [k, n] of counts) if (n > bestN || (n === bestN && best !== null && k < best)) { best = k; bestN = n; }
  return best;
}
