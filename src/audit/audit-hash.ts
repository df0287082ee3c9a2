import { createHash, createHmac, type KeyObject } from 'node:crypto';
import type { AuditDraft } from './audit-sanitize.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level (by UTF-16 code units), so
 * jsonb's own key order cannot change a hash; undefined members are left out.
 * Numbers are written as JSON.stringify writes them, and jsonb gives back the
 * same doubles: what was hashed on insert is what verification recomputes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** The stored content of an entry, as the hash covers it. */
export type HashableEntry = AuditDraft & { at: Date };

const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

function entryContent(e: HashableEntry): string {
  return (
    `{"action":${str(e.action)},"actorId":${e.actorId === null ? 'null' : JSON.stringify(e.actorId)}` +
    `,"actorUsername":${str(e.actorUsername)},"at":${JSON.stringify(e.at.toISOString())}` +
    `,"details":${canonicalJson(e.details)},"ip":${str(e.ip)},"outcome":${str(e.outcome)}` +
    `,"targetId":${str(e.targetId)},"targetLabel":${str(e.targetLabel)},"targetType":${str(e.targetType)}` +
    `,"userAgent":${str(e.userAgent)}}`
  );
}

/**
 * HMAC-SHA256, under the chain's key, over the previous hash and this entry's
 * canonical content (the canonical JSON of {at (ISO), actorId, …, details},
 * keys sorted). Without the key nobody can recompute a hash after an edit.
 */
export function entryHash(key: KeyObject, prevHash: string, e: HashableEntry): string {
  return createHmac('sha256', key)
    .update(`${prevHash}\n${entryContent(e)}`)
    .digest('hex');
}

/** The unkeyed hash entries had before the chain was keyed; only the one-time re-key reads it. */
export function legacyEntryHash(prevHash: string, e: HashableEntry): string {
  return createHash('sha256')
    .update(`${prevHash}\n${entryContent(e)}`)
    .digest('hex');
}

export interface CheckpointFields {
  throughId: string;
  throughAt: Date;
  throughHash: string;
  count: string;
}

/** Seals a retention checkpoint, so a forged one (to hide removed first entries) is told apart. */
export function checkpointMac(key: KeyObject, c: CheckpointFields): string {
  return createHmac('sha256', key)
    .update(`checkpoint\n${c.throughId}\n${c.throughAt.toISOString()}\n${c.throughHash}\n${c.count}`)
    .digest('hex');
}
