/**
 * The embedded state store: one SQLite file (node:sqlite), for the CLI and local backfills.
 * Several `winsift scan --state FILE` processes may share a file: WAL mode, a busy timeout,
 * and `putIf` as one conditional statement keep their decisions serialised as DynamoDB's are.
 */
import { DatabaseSync } from 'node:sqlite';
import { emptyStats, type SortRange, type StateItem, type StateStore, type StoreStats, type VersionedItem } from './state-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state (
  pk TEXT NOT NULL,
  sk TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_expiry ON state (expires_at);
`;

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** Wall clock in epoch seconds, for expiry (injected by tests). */
  readonly nowSeconds?: () => number;
}

export function openSqliteStateStore(options: SqliteStoreOptions): StateStore {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(options.path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
    db.exec(SCHEMA);
  } catch (error) {
    throw new Error(`${options.path}: cannot open the state database: ${(error as Error).message}`, { cause: error });
  }
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const stats = emptyStats();
  // Expired items are gone as far as readers know, as with DynamoDB TTL; deleted on open.
  db.prepare('DELETE FROM state WHERE expires_at < ?').run(now());

  const upsert = db.prepare(
    `INSERT INTO state (pk, sk, version, expires_at, body) VALUES (?, ?, 1, ?, ?)
     ON CONFLICT (pk, sk) DO UPDATE SET version = version + 1, expires_at = excluded.expires_at, body = excluded.body`,
  );
  const insertNew = db.prepare('INSERT INTO state (pk, sk, version, expires_at, body) VALUES (?, ?, 1, ?, ?) ON CONFLICT DO NOTHING');
  // An expired item counts as absent (readers never see it), so a new one may take its place.
  const dropExpired = db.prepare('DELETE FROM state WHERE pk = ? AND sk = ? AND expires_at < ?');
  const updateIf = db.prepare('UPDATE state SET version = version + 1, expires_at = ?, body = ? WHERE pk = ? AND sk = ? AND version = ?');
  const getOne = db.prepare('SELECT pk, sk, version, expires_at, body FROM state WHERE pk = ? AND sk = ? AND expires_at >= ?');
  const remove = db.prepare('DELETE FROM state WHERE pk = ? AND sk = ?');

  const row = (r: Record<string, unknown>): VersionedItem => ({
    pk: String(r['pk']),
    sk: String(r['sk']),
    version: Number(r['version']),
    expiresAt: Number(r['expires_at']),
    body: JSON.parse(String(r['body'])) as unknown,
  });

  const where = (range: SortRange | undefined): { sql: string; args: string[] } => {
    const parts: string[] = [];
    const args: string[] = [];
    if (range?.from !== undefined) {
      parts.push('sk >= ?');
      args.push(range.from);
    }
    if (range?.to !== undefined) {
      parts.push('sk <= ?');
      args.push(range.to);
    }
    return { sql: parts.map((p) => ` AND ${p}`).join(''), args };
  };

  return {
    async putAll(items) {
      if (items.length === 0) return;
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const item of items) upsert.run(item.pk, item.sk, item.expiresAt, JSON.stringify(item.body));
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      stats.writes++;
      stats.itemsWritten += items.length;
    },
    async get(pk, sk) {
      stats.reads++;
      const r = getOne.get(pk, sk, now()) as Record<string, unknown> | undefined;
      if (r) stats.itemsRead++;
      return r ? row(r) : undefined;
    },
    async query(pk, range) {
      stats.reads++;
      const { sql, args } = where(range);
      const order = range?.descending ? 'DESC' : 'ASC';
      const limit = range?.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(range.limit))}`;
      const rows = db
        .prepare(`SELECT pk, sk, version, expires_at, body FROM state WHERE pk = ? AND expires_at >= ?${sql} ORDER BY sk ${order}${limit}`)
        .all(pk, now(), ...args) as Record<string, unknown>[];
      stats.itemsRead += rows.length;
      return rows.map(row);
    },
    async count(pk, range) {
      stats.reads++;
      const { sql, args } = where(range);
      const r = db.prepare(`SELECT count(*) AS n FROM state WHERE pk = ? AND expires_at >= ?${sql}`).get(pk, now(), ...args) as { n: number };
      return Number(r.n);
    },
    async putIf(item, expected) {
      stats.writes++;
      const body = JSON.stringify(item.body);
      if (expected === undefined) dropExpired.run(item.pk, item.sk, now());
      const result =
        expected === undefined
          ? insertNew.run(item.pk, item.sk, item.expiresAt, body)
          : updateIf.run(item.expiresAt, body, item.pk, item.sk, expected);
      const won = Number(result.changes) === 1;
      if (won) stats.itemsWritten++;
      else stats.conflicts++;
      return won;
    },
    async delete(pk, sk) {
      stats.writes++;
      remove.run(pk, sk);
    },
    stats: (): StoreStats => ({ ...stats }),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
