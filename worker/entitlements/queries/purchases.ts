/** The purchase ledger's reads and conditional writes (raw D1: the guards are the point). */

import type { D1Like } from "../../db/client";
import type { PurchaseRecord } from "../derive";
import type { PurchaseState, Store, StoreEvent } from "../store-event";

export interface StoredPurchase extends PurchaseRecord {
  userId: string | null;
  /** Whether the owner is (still) an anonymous user: such a purchase may move to its reporter. */
  ownerAnonymous: boolean;
  transactionId: string;
  signedAt: number;
  environment: string | null;
  needsAcknowledgement: boolean;
}

interface RawPurchase {
  store: Store;
  purchase_id: string;
  user_id: string | null;
  owner_anonymous: number | null;
  product_id: string;
  transaction_id: string;
  state: PurchaseState;
  expires_at: number | null;
  will_renew: number;
  family_shared: number;
  signed_at: number;
  environment: string | null;
  replaced_by: string | null;
  needs_acknowledgement: number;
  updated_at: number;
}

const COLUMNS = `p.store, p.purchase_id, p.user_id, u.anonymous AS owner_anonymous, p.product_id,
  p.transaction_id, p.state, p.expires_at, p.will_renew, p.family_shared, p.signed_at, p.environment,
  p.replaced_by, p.needs_acknowledgement, p.updated_at`;

const toPurchase = (r: RawPurchase): StoredPurchase => ({
  store: r.store,
  purchaseId: r.purchase_id,
  userId: r.user_id,
  ownerAnonymous: r.owner_anonymous === 1,
  productId: r.product_id,
  transactionId: r.transaction_id,
  state: r.state,
  expiresAt: r.expires_at,
  willRenew: r.will_renew === 1,
  familyShared: r.family_shared === 1,
  signedAt: r.signed_at,
  environment: r.environment,
  replacedBy: r.replaced_by,
  needsAcknowledgement: r.needs_acknowledgement === 1,
  updatedAt: r.updated_at,
});

export async function readPurchase(
  d1: D1Like,
  store: Store,
  purchaseId: string,
): Promise<StoredPurchase | null> {
  const row = await d1
    .prepare(
      `SELECT ${COLUMNS} FROM purchases p LEFT JOIN users u ON u.id = p.user_id
       WHERE p.store = ? AND p.purchase_id = ?`,
    )
    .bind(store, purchaseId)
    .first<RawPurchase>();
  return row ? toPurchase(row) : null;
}

/** Every purchase linked to the user (superseded ones included: the derivation skips them). */
export async function listUserPurchases(d1: D1Like, userId: string): Promise<StoredPurchase[]> {
  const { results } = await d1
    .prepare(`SELECT ${COLUMNS} FROM purchases p LEFT JOIN users u ON u.id = p.user_id WHERE p.user_id = ?`)
    .bind(userId)
    .all<RawPurchase>();
  return results.map(toPurchase);
}

/** Whether a user exists, and if so whether it is anonymous (null: no such user). */
export async function lookupUser(d1: D1Like, userId: string): Promise<{ anonymous: boolean } | null> {
  const row = await d1
    .prepare("SELECT anonymous FROM users WHERE id = ?")
    .bind(userId)
    .first<{ anonymous: number }>();
  return row ? { anonymous: row.anonymous === 1 } : null;
}

/** What a write sets: the event's state (when it is news) and the owner. */
export interface PurchaseWrite {
  event: StoreEvent;
  userId: string | null;
  now: number;
}

/** A new purchase row; false when one appeared meanwhile (the caller reads again and decides again). */
export function insertPurchaseStatement(d1: D1Like, w: PurchaseWrite): D1PreparedStatement {
  const e = w.event;
  return d1
    .prepare(
      `INSERT INTO purchases (store, purchase_id, user_id, product_id, transaction_id, state, expires_at,
         will_renew, family_shared, signed_at, environment, replaced_by, needs_acknowledgement, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)
       ON CONFLICT (store, purchase_id) DO NOTHING`,
    )
    .bind(
      e.store,
      e.purchaseId,
      w.userId,
      e.productId,
      e.transactionId,
      e.state,
      e.expiresAt,
      e.willRenew ? 1 : 0,
      e.familyShared ? 1 : 0,
      e.signedAt,
      e.environment,
      e.needsAcknowledgement ? 1 : 0,
      w.now,
      w.now,
    );
}

/**
 * Updates a purchase only if it is still as it was read (owner and signed date): a compare-and-swap,
 * so two messages racing for one purchase cannot both decide on the same old state. With
 * `withState` false only the owner changes (an older message still links its purchase).
 */
export function updatePurchaseStatement(
  d1: D1Like,
  w: PurchaseWrite,
  seen: { userId: string | null; signedAt: number },
  withState: boolean,
): D1PreparedStatement {
  const e = w.event;
  if (!withState) {
    return d1
      .prepare(
        `UPDATE purchases SET user_id = ?, updated_at = ?
         WHERE store = ? AND purchase_id = ? AND user_id IS ? AND signed_at = ?`,
      )
      .bind(w.userId, w.now, e.store, e.purchaseId, seen.userId, seen.signedAt);
  }
  return d1
    .prepare(
      `UPDATE purchases SET user_id = ?, product_id = ?, transaction_id = ?, state = ?, expires_at = ?,
         will_renew = ?, family_shared = ?, signed_at = ?, environment = ?, needs_acknowledgement = ?,
         updated_at = ?
       WHERE store = ? AND purchase_id = ? AND user_id IS ? AND signed_at = ?`,
    )
    .bind(
      w.userId,
      e.productId,
      e.transactionId,
      e.state,
      e.expiresAt,
      e.willRenew ? 1 : 0,
      e.familyShared ? 1 : 0,
      e.signedAt,
      e.environment,
      e.needsAcknowledgement ? 1 : 0,
      w.now,
      e.store,
      e.purchaseId,
      seen.userId,
      seen.signedAt,
    );
}

/** Marks an older purchase of the same chain as superseded (Play's linkedPurchaseToken). */
export function markReplacedStatement(
  d1: D1Like,
  store: Store,
  oldPurchaseId: string,
  newPurchaseId: string,
  now: number,
): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE purchases SET replaced_by = ?, updated_at = ?
       WHERE store = ? AND purchase_id = ? AND replaced_by IS NULL`,
    )
    .bind(newPurchaseId, now, store, oldPurchaseId);
}

/** Runs the write (and the supersede mark) as one transaction; true when the guarded write hit. */
export async function runPurchaseWrite(
  d1: D1Like,
  write: D1PreparedStatement,
  more: D1PreparedStatement[],
): Promise<boolean> {
  const [result] = await d1.batch([write, ...more]);
  return (result?.meta.changes ?? 0) > 0;
}

/** Marks a purchase acknowledged with the store (Play). */
export async function clearNeedsAcknowledgement(d1: D1Like, store: Store, purchaseId: string): Promise<void> {
  await d1
    .prepare("UPDATE purchases SET needs_acknowledgement = 0 WHERE store = ? AND purchase_id = ?")
    .bind(store, purchaseId)
    .run();
}

/**
 * Moves every purchase of `fromUserId` to `toUserId`, but only while `fromUserId` is still an
 * anonymous user (checked in the same statement, so an upgraded or unknown user moves nothing).
 * Returns how many purchases moved.
 */
export async function moveAnonymousPurchases(
  d1: D1Like,
  fromUserId: string,
  toUserId: string,
  now: number,
): Promise<number> {
  const result = await d1
    .prepare(
      `UPDATE purchases SET user_id = ?2, updated_at = ?3
       WHERE user_id = ?1 AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND anonymous = 1)`,
    )
    .bind(fromUserId, toUserId, now)
    .run();
  return result.meta.changes;
}
