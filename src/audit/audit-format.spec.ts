import { describe, expect, it } from 'vitest';
import { csvCell, csvHeader, csvLine, ndjsonLine } from './audit-format.js';
import type { AuditEntryView } from './audit-query.js';

const entry: AuditEntryView = {
  id: 7,
  at: '2026-01-01T00:00:00.000Z',
  actorId: null,
  actorUsername: '=cmd',
  action: 'auth.login_failed',
  targetType: null,
  targetId: null,
  targetLabel: 'a,"b"',
  ip: '::1',
  userAgent: 'line\r\nbreak',
  outcome: 'failure',
  details: { k: 'v' },
};

describe('audit export formats', () => {
  it.each([
    [null, ''],
    ['plain', 'plain'],
    [12, '12'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ["'x", "''x"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=a,"b"', `"'=a,""b"""`],
    [{ a: 1 }, '"{""a"":1}"'],
  ])('writes %j as the cell %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes CRLF records under a header', () => {
    expect(csvHeader()).toBe(
      'id,at,actorId,actorUsername,action,targetType,targetId,targetLabel,ip,userAgent,outcome,details\r\n',
    );
    expect(csvLine(entry)).toBe(
      `7,2026-01-01T00:00:00.000Z,,'=cmd,auth.login_failed,,,"a,""b""",::1,"line\r\nbreak",failure,"{""k"":""v""}"\r\n`,
    );
  });

  it('writes one NDJSON line per entry, whatever the text holds', () => {
    const line = ndjsonLine({ ...entry, userAgent: 'a\nb\u2028c\u2029d' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(JSON.parse(line)).toEqual({ ...entry, userAgent: 'a\nb\u2028c\u2029d' });
  });
});
