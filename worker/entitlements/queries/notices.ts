/** Store notifications as received: the idempotency record and the support trail. */

import type { D1Like } from "../../db/client";
import type { Store, StoreNotice } from "../store-event";

/**
 * Keeps the notification (first arrival wins; a replay's copy is not stored again) and reads back
 * whether it was already applied. One batch: one round trip, one transaction.
 */
export async function insertNotice(
  d1: D1Like,
  notice: StoreNotice,
  verified: boolean,
  now: number,
): Promise<{ outcome: string | null }> {
  const [, read] = await d1.batch<{ outcome: string | null }>([
    d1
      .prepare(
        `INSERT INTO store_notifications (store, notification_id, type, subtype, signed_at, raw, verified,
           received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (store, notification_id) DO NOTHING`,
      )
      .bind(
        notice.store,
        notice.notificationId,
        notice.type,
        notice.subtype,
        notice.signedAt,
        notice.raw,
        verified ? 1 : 0,
        now,
      ),
    d1
      .prepare("SELECT outcome FROM store_notifications WHERE store = ? AND notification_id = ?")
      .bind(notice.store, notice.notificationId),
  ]);
  return { outcome: read?.results[0]?.outcome ?? null };
}

/** Records what applying the notification did; only the first settlement counts. */
export async function settleNoticeRow(
  d1: D1Like,
  store: Store,
  notificationId: string,
  settled: { outcome: string; purchaseId: string | null; userId: string | null },
  now: number,
): Promise<void> {
  await d1
    .prepare(
      `UPDATE store_notifications SET outcome = ?, purchase_id = ?, user_id = ?, applied_at = ?
       WHERE store = ? AND notification_id = ? AND outcome IS NULL`,
    )
    .bind(settled.outcome, settled.purchaseId, settled.userId, now, store, notificationId)
    .run();
}

export interface NoticeRow {
  store: Store;
  notificationId: string;
  type: string;
  subtype: string | null;
  signedAt: number;
  verified: boolean;
  purchaseId: string | null;
  userId: string | null;
  outcome: string | null;
  receivedAt: number;
}

/** The user's notifications, newest first (support and the QA page). */
export async function listUserNotices(d1: D1Like, userId: string, limit = 50): Promise<NoticeRow[]> {
  const { results } = await d1
    .prepare(
      `SELECT store, notification_id, type, subtype, signed_at, verified, purchase_id, user_id, outcome,
         received_at FROM store_notifications WHERE user_id = ? ORDER BY received_at DESC LIMIT ?`,
    )
    .bind(userId, limit)
    .all<{
      store: Store;
      notification_id: string;
      type: string;
      subtype: string | null;
      signed_at: number;
      verified: number;
      purchase_id: string | null;
      user_id: string | null;
      outcome: string | null;
      received_at: number;
    }>();
  return results.map((r) => ({
    store: r.store,
    notificationId: r.notification_id,
    type: r.type,
    subtype: r.subtype,
    signedAt: r.signed_at,
    verified: r.verified === 1,
    purchaseId: r.purchase_id,
    userId: r.user_id,
    outcome: r.outcome,
    receivedAt: r.received_at,
  }));
}
