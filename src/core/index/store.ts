/**
 * Where a corpus index keeps its documents' extractions.
 *
 * The index itself keeps only what the speaker registry and incremental
 * updates need; every extraction is kept as its JSON text (what the snapshot
 * holds, and what a worker thread sends) behind an opaque reference, and
 * parsed only when someone asks for that document. Two stores:
 * - {@link MemoryExtractionStore} (here): in memory, as UTF-8 JSON (about a
 *   third of the memory of the parsed objects) until a document is first read,
 *   then as the object; for the editor, which reads the same documents again
 *   and again, and tests.
 * - the CLI's file store (src/cli/indexFile.ts): the bytes stay in the index
 *   file they were loaded from, or in a scratch file for new ones, so an index
 *   of 100,000 documents (a gigabyte of JSON) costs the process a few hundred
 *   bytes per document.
 */
import type { DocumentExtraction } from '../extract/types';

export interface ExtractionStore<Ref = unknown> {
  /** Keeps one extraction, given as its JSON text or that text's UTF-8 bytes; returns the reference that reads it back. */
  put(json: string | Uint8Array): Ref;
  /** Keeps one extraction given as an object (stores that keep objects; others are given JSON). */
  putParsed?(extraction: DocumentExtraction): Ref;
  /** The JSON text of a stored extraction. */
  text(ref: Ref): string;
  /**
   * The parsed extraction, for stores that keep what they parsed (then the
   * index keeps no cache of its own). Throws SyntaxError for damaged JSON.
   */
  parsed?(ref: Ref): DocumentExtraction;
  /** The stored extraction is no longer needed (its document was removed or replaced). */
  release(ref: Ref): void;
  /** The texts of many references, in any order the store reads fastest (`each` gets each text with its position in `refs`). */
  readMany?(refs: readonly Ref[], each: (text: string, index: number) => void): void;
  /** Frees files or other resources; the store cannot be used afterwards. */
  dispose?(): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An extraction in memory: its UTF-8 JSON until someone reads it, the object from then on (never both). */
interface MemoryRef {
  bytes: Uint8Array | undefined;
  object: DocumentExtraction | undefined;
}

/**
 * Extractions in memory (pure TypeScript: works in a browser too): as UTF-8
 * JSON (a third of the memory of the objects) until a document is first read,
 * then as the object, so that the editor, which reads the same documents
 * again and again, parses each once.
 */
export class MemoryExtractionStore implements ExtractionStore<MemoryRef> {
  put(json: string | Uint8Array): MemoryRef {
    return { bytes: typeof json === 'string' ? encoder.encode(json) : json, object: undefined };
  }

  putParsed(extraction: DocumentExtraction): MemoryRef {
    return { bytes: undefined, object: extraction };
  }

  text(ref: MemoryRef): string {
    return ref.bytes ? decoder.decode(ref.bytes) : JSON.stringify(ref.object);
  }

  parsed(ref: MemoryRef): DocumentExtraction {
    if (!ref.object) {
      ref.object = JSON.parse(decoder.decode(ref.bytes)) as DocumentExtraction;
      ref.bytes = undefined;
    }
    return ref.object;
  }

  release(): void {
    // The memory goes with its last reference.
  }
}
