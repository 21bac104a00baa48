import * as Y from 'yjs';
import { DomainException } from '@app/platform';

/** The shared type clients edit: `doc.getText(MINUTES_TEXT)`. */
export const MINUTES_TEXT = 'minutes';

/**
 * Decodes a client's update (Uint8Array/Buffer, or base64 text) and checks it before it is stored: a row that
 * does not decode would break every later load of the minutes, so it never reaches the table.
 */
export function parseUpdate(input: unknown, maxBytes: number): Uint8Array {
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (typeof input === 'string') {
    if (input.length > Math.ceil(maxBytes / 3) * 4 + 4) throw new DomainException('LIVE_MINUTES_UPDATE_TOO_LARGE');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input)) throw new DomainException('LIVE_MINUTES_UPDATE_INVALID');
    bytes = new Uint8Array(Buffer.from(input, 'base64'));
  } else throw new DomainException('LIVE_MINUTES_UPDATE_INVALID');
  if (bytes.byteLength === 0) throw new DomainException('LIVE_MINUTES_UPDATE_INVALID');
  if (bytes.byteLength > maxBytes) throw new DomainException('LIVE_MINUTES_UPDATE_TOO_LARGE');
  try {
    // decodeUpdate reads every struct and delete set: it throws on truncated or garbage input.
    const decoded = Y.decodeUpdate(bytes);
    if (!decoded.structs.length && !decoded.ds.clients.size) throw new Error('empty update');
  } catch {
    throw new DomainException('LIVE_MINUTES_UPDATE_INVALID');
  }
  return bytes;
}

/** Decodes a client's state vector (binary or base64); absent means "I have nothing". */
export function parseStateVector(input: unknown): Uint8Array | undefined {
  if (input === undefined || input === null) return undefined;
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (typeof input === 'string' && input.length <= 65536 && /^[A-Za-z0-9+/]*={0,2}$/.test(input)) bytes = new Uint8Array(Buffer.from(input, 'base64'));
  else throw new DomainException('LIVE_MINUTES_UPDATE_INVALID');
  try {
    Y.decodeStateVector(bytes);
  } catch {
    throw new DomainException('LIVE_MINUTES_UPDATE_INVALID');
  }
  return bytes;
}

/** Merges stored updates into one (order does not matter: Yjs updates commute and are idempotent). */
export function mergeStored(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 0) return Y.encodeStateAsUpdate(new Y.Doc());
  return updates.length === 1 ? updates[0] : Y.mergeUpdates(updates as Uint8Array[]);
}

/** What a client with `stateVector` lacks of the merged document (everything when it sent none). */
export function missingFor(merged: Uint8Array, stateVector?: Uint8Array): Uint8Array {
  return stateVector ? Y.diffUpdate(merged, stateVector) : merged;
}

/** The plain text of the minutes. */
export function minutesText(merged: Uint8Array): string {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, merged);
    return doc.getText(MINUTES_TEXT).toString();
  } finally {
    doc.destroy();
  }
}

/**
 * Groups stored rows (in storage order) for compaction so each merged row stays under `maxBytes` (a row is a
 * MySQL BLOB, at most 64 KiB): consecutive rows are merged greedily; a group of one is left alone.
 * Returns the groups worth rewriting with their merged bytes.
 */
export function planCompaction<T extends { update: Uint8Array }>(rows: readonly T[], maxBytes: number): { rows: T[]; merged: Uint8Array }[] {
  const groups: { rows: T[]; merged: Uint8Array }[] = [];
  let current: T[] = [];
  let merged: Uint8Array | null = null;
  const flush = () => {
    if (current.length > 1 && merged) groups.push({ rows: current, merged });
    current = [];
    merged = null;
  };
  for (const row of rows) {
    const candidate: Uint8Array = merged ? Y.mergeUpdates([merged, row.update]) : row.update;
    if (merged && candidate.byteLength > maxBytes) {
      flush();
      current = [row];
      merged = row.update;
      continue;
    }
    current.push(row);
    merged = candidate;
  }
  flush();
  return groups;
}
