import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  copyTemplate,
  ensureTemplate,
  removeOtherTemplates,
  removeStaleScratch,
} from './data-dir-template.js';
import { EmbeddedDatabase } from './embedded-database.js';

// initdb runs once here, for the image; on a busy machine it takes a while.
const SLOW = { timeout: 600_000 };

describe('the pre-initialised data folder image', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'champa-iam-template-spec-'));
  const image = join(scratch, 'pgdata-template');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is written once, then a new folder starts from it and reopens as itself', SLOW, async () => {
    expect(await ensureTemplate(image)).toBe(true);
    expect(await ensureTemplate(image)).toBe(false);
    // initdb's scratch folder was renamed into place, not copied and left behind.
    expect(readdirSync(scratch)).toEqual(['pgdata-template']);

    const dir = join(scratch, 'data');
    const first = await EmbeddedDatabase.open(dir, image);
    try {
      await first.pglite.exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE TABLE kept (v text)`);
      await first.pglite.query(`INSERT INTO kept VALUES ('from the image')`);
      const { rows } = await first.pglite.query<{ s: number }>(`SELECT similarity('abc', 'abd') AS s`);
      expect(rows[0].s).toBeGreaterThan(0);
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
    // The copy was renamed into place.
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);

    // An existing folder is opened as it is, never overwritten by the image.
    const again = await EmbeddedDatabase.open(dir, image);
    try {
      const { rows } = await again.pglite.query<{ v: string }>(`SELECT v FROM kept`);
      expect(rows).toEqual([{ v: 'from the image' }]);
    } finally {
      await again.close();
    }
  });

  it('reports a copy it cannot make, and copies nothing without an image', SLOW, async () => {
    await ensureTemplate(image);
    const notAFolder = join(scratch, 'a-file');
    writeFileSync(notAFolder, '');
    await expect(copyTemplate(image, join(notAFolder, 'pgdata'))).rejects.toThrow(/ENOTDIR/);
    // No image, no copy: initdb's turn.
    expect(await copyTemplate(join(scratch, 'no-image'), join(scratch, 'unused'))).toBe(false);
    expect(existsSync(join(scratch, 'unused'))).toBe(false);
  });

  it('hands the database opened early to the application, and only for the same folder', SLOW, async () => {
    const dir = join(scratch, 'early');
    EmbeddedDatabase.openEarly(dir);
    const taken = await EmbeddedDatabase.open(dir, image);
    try {
      await taken.pglite.waitReady;
      // The folder stays locked by the one instance: a second open is refused.
      expect(() => EmbeddedDatabase.open(dir, image)).toThrow(/in use by another champa-iam process/);
    } finally {
      await taken.close();
    }
  });

  it('removes the images of other PGlite versions and half-copied ones, and nothing else', () => {
    const dist = join(scratch, 'dist');
    for (const name of [
      'pgdata-0.4.1',
      'pgdata-0.5.0.partial',
      'pgdata-9.9.9',
      'pgdata-9.9.9.partial',
      'src',
    ])
      mkdirSync(join(dist, name), { recursive: true });
    writeFileSync(join(dist, 'pgdata-notes.txt'), 'a file, not an image');
    expect(removeOtherTemplates(join(dist, 'pgdata-9.9.9')).sort()).toEqual([
      'pgdata-0.4.1',
      'pgdata-0.5.0.partial',
      'pgdata-9.9.9.partial',
    ]);
    expect(readdirSync(dist).sort()).toEqual(['pgdata-9.9.9', 'pgdata-notes.txt', 'src']);
    expect(removeOtherTemplates(join(scratch, 'no-such-dist', 'pgdata-9.9.9'))).toEqual([]);
  });

  it("removes what an interrupted build left of initdb, and leaves a running build's folder", () => {
    const dist = join(scratch, 'dist-scratch');
    const now = Date.parse('2026-12-07T12:00:00Z');
    for (const name of ['.pgdata-initdb-old', '.pgdata-initdb-running', 'pgdata-9.9.9'])
      mkdirSync(join(dist, name), { recursive: true });
    const elevenMinutesAgo = new Date(now - 11 * 60_000);
    utimesSync(join(dist, '.pgdata-initdb-old'), elevenMinutesAgo, elevenMinutesAgo);
    const aMinuteAgo = new Date(now - 60_000);
    utimesSync(join(dist, '.pgdata-initdb-running'), aMinuteAgo, aMinuteAgo);
    expect(removeStaleScratch(join(dist, 'pgdata-9.9.9'), now)).toEqual(['.pgdata-initdb-old']);
    expect(readdirSync(dist).sort()).toEqual(['.pgdata-initdb-running', 'pgdata-9.9.9']);
    expect(removeStaleScratch(join(scratch, 'no-such-dist', 'pgdata-9.9.9'), now)).toEqual([]);
  });
});
