import type { AuditEntryView } from './audit-query.js';

export type ExportFormat = 'csv' | 'ndjson';

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export const CSV_COLUMNS = [
  'id',
  'at',
  'actorId',
  'actorUsername',
  'action',
  'targetType',
  'targetId',
  'targetLabel',
  'ip',
  'userAgent',
  'outcome',
  'details',
] as const satisfies readonly (keyof AuditEntryView)[];

// A spreadsheet reads a cell starting with one of these as a formula (or, for the quote, hides it).
const FORMULA_START = /^[=+\-@\t\r']/;
const NEEDS_QUOTES = /[",\r\n]/;
// Either of the above: most cells need neither, and are answered after one test.
const SPECIAL = /^[=+\-@\t\r']|[",\r\n]/;

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula is
 * prefixed with an apostrophe, which the spreadsheet shows as plain text.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (!SPECIAL.test(text)) return text;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(entry: AuditEntryView): string {
  return `${CSV_COLUMNS.map((c) => csvCell(entry[c])).join(',')}\r\n`;
}

/**
 * One NDJSON line. JSON.stringify escapes CR and LF inside strings, so no
 * value can start a line of its own; U+2028/U+2029 are escaped as well, as
 * some line readers split on them.
 */
export function ndjsonLine(entry: AuditEntryView): string {
  const json = JSON.stringify(entry);
  if (!LINE_SEPARATORS.test(json)) return `${json}\n`;
  return `${json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}\n`;
}

const LINE_SEPARATORS = /[\u2028\u2029]/;
