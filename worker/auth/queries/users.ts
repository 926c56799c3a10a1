/** Users and their OIDC identities. */

import type { D1Like } from "../../db/client";

export interface UserRow {
  id: string;
  email: string | null;
  anonymous: boolean;
}

interface RawUser {
  id: string;
  email: string | null;
  anonymous: number;
}

const toUser = (row: RawUser): UserRow => ({ id: row.id, email: row.email, anonymous: row.anonymous === 1 });

export async function getUser(db: D1Like, userId: string): Promise<UserRow | null> {
  const row = await db
    .prepare("SELECT id, email, anonymous FROM users WHERE id = ?")
    .bind(userId)
    .first<RawUser>();
  return row ? toUser(row) : null;
}

export function insertUserStatement(db: D1Like, user: UserRow, now: number): D1PreparedStatement {
  return db
    .prepare("INSERT INTO users (id, email, anonymous, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
    .bind(user.id, user.email, user.anonymous ? 1 : 0, now, now);
}

interface VerifiedIdentity {
  issuer: string;
  subject: string;
  provider: string;
  email: string | null;
}

/**
 * Signs an identity in and returns its user (created when the identity is new):
 *
 * - a known identity returns its user, whoever calls (its email is refreshed on the identity);
 * - a new identity, with `upgradeUserId` (the caller's anonymous user), is linked to that user,
 *   which becomes non-anonymous in place: same id, so everything it owns stays;
 * - otherwise a new user is created.
 *
 * Each step is one D1 batch (a transaction) whose statements are conditional, so two sign-ins
 * racing with the same new identity end with one identity row and one user: the loser's
 * INSERT hits the (issuer, subject) primary key and does nothing, its provisional user is
 * deleted in the same transaction, and it reads back the winner's user.
 */
export async function signInIdentity(
  db: D1Like,
  identity: VerifiedIdentity,
  upgradeUserId: string | undefined,
  now: number,
): Promise<UserRow> {
  const { issuer, subject, provider, email } = identity;
  const readBack = db
    .prepare(
      `SELECT u.id, u.email, u.anonymous FROM identities i JOIN users u ON u.id = i.user_id
       WHERE i.issuer = ? AND i.subject = ?`,
    )
    .bind(issuer, subject);

  // Known identity: one round trip in the common case.
  const [, known] = await db.batch<RawUser>([
    db
      .prepare(
        `UPDATE identities SET last_sign_in_at = ?, provider = ?, email = COALESCE(?, email)
         WHERE issuer = ? AND subject = ?`,
      )
      .bind(now, provider, email, issuer, subject),
    readBack,
  ]);
  const knownUser = known?.results[0];
  if (knownUser) return toUser(knownUser);

  if (upgradeUserId) {
    // Link only while the user is still anonymous in D1: a stale anonymous access token (or two
    // upgrades racing) cannot attach a second identity to an already upgraded user.
    const [, , linked] = await db.batch<RawUser>([
      db
        .prepare(
          `INSERT INTO identities (issuer, subject, user_id, provider, email, created_at, last_sign_in_at)
           SELECT ?, ?, id, ?, ?, ?, ? FROM users WHERE id = ? AND anonymous = 1
           ON CONFLICT (issuer, subject) DO NOTHING`,
        )
        .bind(issuer, subject, provider, email, now, now, upgradeUserId),
      db
        .prepare(
          `UPDATE users SET anonymous = 0, email = COALESCE(?, email), updated_at = ?
           WHERE id = ? AND anonymous = 1
             AND EXISTS (SELECT 1 FROM identities WHERE issuer = ? AND subject = ? AND user_id = users.id)`,
        )
        .bind(email, now, upgradeUserId, issuer, subject),
      readBack,
    ]);
    const row = linked?.results[0];
    // Another request may have created this identity in between: then it signs into that user.
    if (row) return toUser(row);
  }

  const userId = crypto.randomUUID();
  const [, , , created] = await db.batch<RawUser>([
    insertUserStatement(db, { id: userId, email, anonymous: false }, now),
    db
      .prepare(
        `INSERT INTO identities (issuer, subject, user_id, provider, email, created_at, last_sign_in_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, subject) DO NOTHING`,
      )
      .bind(issuer, subject, userId, provider, email, now, now),
    db
      .prepare("DELETE FROM users WHERE id = ? AND NOT EXISTS (SELECT 1 FROM identities WHERE user_id = ?)")
      .bind(userId, userId),
    readBack,
  ]);
  const row = created?.results[0];
  if (!row) throw new Error("identity sign-in: no user after insert");
  return toUser(row);
}
