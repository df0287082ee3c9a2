import type { SqlRunner } from './audit-chain.js';
import { csvHeader, csvLine, type ExportFormat, ndjsonLine } from './audit-format.js';
import { type AuditFilters, pageQuery, toEntryView } from './audit-query.js';

export const EXPORT_BATCH = 2_000;
// Chunks stay well below V8's large-object size (~128 KB): large strings are
// only reclaimed by a full collection, and would pile up between them.
const ROWS_PER_CHUNK = 200;

/**
 * The export as text chunks, newest entry first, read in keyset pages: each
 * page is one short query, so no connection is held between pages (the
 * embedded database has only one) and memory holds one page at a time.
 * Entries written after the export began are not in it; with `limit`, only
 * that many of the newest matching entries are.
 */
export async function* exportChunks(
  run: SqlRunner,
  filters: AuditFilters,
  format: ExportFormat,
  batch = EXPORT_BATCH,
  limit = Infinity,
): AsyncGenerator<string> {
  const line = format === 'csv' ? csvLine : ndjsonLine;
  if (format === 'csv') yield csvHeader();
  let before: string | null = null;
  let left = limit;
  for (;;) {
    const take = Math.min(batch, left);
    if (take <= 0) return;
    const { sql, params } = pageQuery(filters, before, take);
    const rows = await run(sql, params);
    if (rows.length === 0) return;
    left -= rows.length;
    for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
      let chunk = '';
      for (const row of rows.slice(i, i + ROWS_PER_CHUNK)) chunk += line(toEntryView(row));
      yield chunk;
    }
    if (rows.length < take) return;
    before = String(rows[rows.length - 1].id);
  }
}
