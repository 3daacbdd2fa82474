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
 * merged view is rebuilt lazily when someone asks for it.
 */
import type { SpeakerKind } from '../sidecar/model';
import type { ExtractedSpeaker, Span } from '../extract/types';
import { FEMALE_FIRST_NAMES, HONORIFICS, MALE_FIRST_NAMES } from '../extract/speakerLexicon';

export interface SpeakerOccurrence {
  location: string;
  /** The speaker's id inside that document's extraction. */
  documentSpeakerId: string;
  mentions: Span[];
  /** Ids of that document's claims attributed to this speaker. */
  claims: string[];
}

export interface CorpusSpeaker {
  /** Stable across updates and restarts (persisted with the index). */
  id: string;
  name: string;
  kind: SpeakerKind;
  role: string | null;
  aliases: string[];
  /** Document locations, sorted. */
  documents: string[];
  occurrences: SpeakerOccurrence[];
  claimCount: number;
  mentionCount: number;
}

type Gender = '' | 'm' | 'f';

interface Entry {
  key: string;
  /** Per document, the speakers of that document in this entry. */
  byDocument: Map<string, { speaker: ExtractedSpeaker; claims: string[] }[]>;
}

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
export function registryKey(location: string, s: ExtractedSpeaker): { key: string; surname?: string; gender?: Gender } {
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

export class SpeakerRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Full-name person keys by surname, for resolving surname-only entries. */
  private readonly bySurname = new Map<string, Set<string>>();
  /** Surname-only keys by surname. */
  private readonly surnameKeys = new Map<string, Set<string>>();
  /** Keys each document contributed to, for removal. */
  private readonly keysOf = new Map<string, string[]>();
  /** Id of every key ever seen: ids never change, even if a speaker disappears and comes back. */
  private readonly idOf = new Map<string, string>();
  private readonly usedIds = new Set<string>();
  /**
   * The merged view, kept per group (a group is named by its target key) and
   * rebuilt only for groups a change touched, so that re-indexing one document
   * costs in proportion to that document's speakers, not to the corpus.
   */
  private readonly groups = new Map<string, CorpusSpeaker>();
  private readonly byId = new Map<string, CorpusSpeaker>();
  private readonly byLocal = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private sorted: CorpusSpeaker[] | undefined;

  constructor(ids?: Record<string, string>) {
    if (ids) for (const [k, id] of Object.entries(ids)) { this.idOf.set(k, id); this.usedIds.add(id); }
  }

  /** Replaces what one document contributes. */
  setDocument(location: string, speakers: readonly ExtractedSpeaker[], claims: readonly { id: string; speaker: string | null }[]): void {
    this.removeDocument(location);
    const claimsBy = new Map<string, string[]>();
    for (const c of claims) if (c.speaker !== null) (claimsBy.get(c.speaker) ?? claimsBy.set(c.speaker, []).get(c.speaker)!).push(c.id);
    const keys = new Set<string>();
    for (const s of speakers) {
      const { key, surname } = registryKey(location, s);
      let entry = this.entries.get(key);
      if (!entry) {
        entry = { key, byDocument: new Map() };
        this.entries.set(key, entry);
        if (key.startsWith('person:')) {
          const last = key.slice(key.lastIndexOf(' ') + 1);
          addTo(this.bySurname, last, key);
          this.touchSurname(last);
        } else if (surname !== undefined) {
          addTo(this.surnameKeys, surname, key);
        }
      }
      const list = entry.byDocument.get(location) ?? [];
      list.push({ speaker: s, claims: claimsBy.get(s.id) ?? [] });
      entry.byDocument.set(location, list);
      keys.add(key);
      this.assignId(key, s.name);
      this.touch(key);
    }
    if (keys.size) this.keysOf.set(location, [...keys]);
  }

  removeDocument(location: string): boolean {
    const keys = this.keysOf.get(location);
    if (!keys) return false;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      this.touch(key);
      entry.byDocument.delete(location);
      if (entry.byDocument.size === 0) {
        this.entries.delete(key);
        if (key.startsWith('person:')) {
          const last = key.slice(key.lastIndexOf(' ') + 1);
          this.bySurname.get(last)?.delete(key);
          this.touchSurname(last);
        } else if (key.startsWith('surname:')) {
          this.surnameKeys.get(key.split(':')[1])?.delete(key);
        }
      }
    }
    this.keysOf.delete(location);
    return true;
  }

  /** Marks the group an entry belongs to (now) as needing a rebuild. */
  private touch(key: string): void {
    this.dirty.add(key);
    this.dirty.add(this.target(key));
    this.sorted = undefined;
  }

  /** A full name with this surname came or went: surname-only entries may now belong elsewhere. */
  private touchSurname(surname: string): void {
    for (const k of this.surnameKeys.get(surname) ?? []) this.touch(k);
    for (const k of this.bySurname.get(surname) ?? []) this.dirty.add(k);
  }

  private assignId(key: string, name: string): void {
    if (this.idOf.has(key)) return;
    const base = slug(name);
    let id = base;
    for (let n = 2; this.usedIds.has(id); n++) id = `${base}-${n}`;
    this.idOf.set(key, id);
    this.usedIds.add(id);
  }

  /** The ids given so far (persisted with the index so that ids survive a restart). */
  ids(): Record<string, string> {
    return Object.fromEntries([...this.idOf.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }

  /** Where a surname-only entry belongs: the one compatible full-named person, else itself. */
  private target(key: string): string {
    if (!key.startsWith('surname:')) return key;
    const [, surname, gender] = key.split(':') as [string, string, Gender];
    let found: string | undefined;
    for (const k of this.bySurname.get(surname) ?? []) {
      const g = firstNameGender(k.slice('person:'.length).split(' ')[0]);
      if (gender === '' || g === '' || g === gender) {
        if (found !== undefined) return key; // several fit: ambiguous
        found = k;
      }
    }
    return found ?? key;
  }

  /** The entries that make up the group named `key` (empty when there is no such group now). */
  private members(key: string): Entry[] {
    if (key.startsWith('surname:')) {
      const e = this.entries.get(key);
      return e && this.target(key) === key ? [e] : [];
    }
    const out: Entry[] = [];
    const own = this.entries.get(key);
    if (own) out.push(own);
    if (key.startsWith('person:')) {
      const last = key.slice(key.lastIndexOf(' ') + 1);
      for (const k of this.surnameKeys.get(last) ?? []) {
        const e = this.entries.get(k);
        if (e && this.target(k) === key) out.push(e);
      }
    }
    // Only surname-only documents left: the group disappears and they stand alone (their own keys are dirty too).
    return own ? out : [];
  }

  private refresh(): void {
    if (this.dirty.size === 0) return;
    for (const key of this.dirty) {
      const old = this.groups.get(key);
      if (old) {
        for (const o of old.occurrences) if (this.byLocal.get(`${o.location}#${o.documentSpeakerId}`) === old.id) this.byLocal.delete(`${o.location}#${o.documentSpeakerId}`);
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
      for (const o of speaker.occurrences) this.byLocal.set(`${o.location}#${o.documentSpeakerId}`, speaker.id);
    }
    this.dirty.clear();
  }

  private buildGroup(key: string, entries: Entry[]): CorpusSpeaker {
    const id = this.idOf.get(key)!;
    const occurrences: SpeakerOccurrence[] = [];
    const names = new Map<string, number>();
    const roles = new Map<string, number>();
    const aliases = new Set<string>();
    let kind: SpeakerKind = 'person';
    for (const entry of entries) {
      const weight = entry.key === key ? 1 : 0; // surname-only names do not name a merged speaker
      for (const [location, list] of entry.byDocument) {
        for (const { speaker, claims } of list) {
          occurrences.push({ location, documentSpeakerId: speaker.id, mentions: speaker.mentions, claims });
          names.set(speaker.name, (names.get(speaker.name) ?? 0) + weight);
          if (speaker.role) roles.set(speaker.role, (roles.get(speaker.role) ?? 0) + 1);
          aliases.add(speaker.name);
          for (const a of speaker.aliases) aliases.add(a);
          kind = speaker.kind;
        }
      }
    }
    occurrences.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : a.documentSpeakerId < b.documentSpeakerId ? -1 : 1));
    const name = mostFrequent(names) ?? occurrences[0].documentSpeakerId;
    aliases.delete(name);
    const documents: string[] = [];
    for (const o of occurrences) if (documents[documents.length - 1] !== o.location) documents.push(o.location);
    let claimCount = 0;
    let mentionCount = 0;
    for (const o of occurrences) { claimCount += o.claims.length; mentionCount += o.mentions.length; }
    return { id, name, kind, role: mostFrequent(roles), aliases: [...aliases].sort(), documents, occurrences, claimCount, mentionCount };
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
    this.refresh();
    return this.byLocal.get(`${location}#${documentSpeakerId}`);
  }
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
