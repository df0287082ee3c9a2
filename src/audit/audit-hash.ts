import { createHash } from 'node:crypto';
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

/**
 * sha256 over the previous hash and this entry's canonical content: the
 * canonical JSON of {at (ISO), actorId, …, details}, keys in sorted order,
 * written out directly as it is on every insert and every verification.
 */
export function entryHash(prevHash: string, e: HashableEntry): string {
  const content =
    `{"action":${str(e.action)},"actorId":${e.actorId === null ? 'null' : JSON.stringify(e.actorId)}` +
    `,"actorUsername":${str(e.actorUsername)},"at":${JSON.stringify(e.at.toISOString())}` +
    `,"details":${canonicalJson(e.details)},"ip":${str(e.ip)},"outcome":${str(e.outcome)}` +
    `,"targetId":${str(e.targetId)},"targetLabel":${str(e.targetLabel)},"targetType":${str(e.targetType)}` +
    `,"userAgent":${str(e.userAgent)}}`;
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}
