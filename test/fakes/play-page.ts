import { escapeHtml, shortenToken } from "./page";
import type { PlayFake } from "./play";

/**
 * The QA page's Google Play part: a form that fires a purchase, renewal, refund or expiry for a
 * user id (the fake then sends the signed Pub/Sub push to the Worker's /v1/webhooks/play), and
 * what the fake holds and what the Worker answered. The form sits outside the refreshed part, so
 * the 2 s refresh never wipes what is being typed.
 */

const ACTIONS: [string, string][] = [
  ["purchase", "Purchase"],
  ["renew", "Renew"],
  ["grace", "Grace period"],
  ["hold", "Account hold"],
  ["recover", "Recover"],
  ["cancel", "Cancel (no renewal)"],
  ["expire", "Expire"],
  ["refund", "Refund (void)"],
  ["revoke", "Revoke"],
  ["upgrade", "Upgrade to this product"],
];

export function renderPlayControls(play: PlayFake): string {
  const buttons = ACTIONS.map(
    ([value, label]) => `<button type="submit" name="action" value="${value}">${escapeHtml(label)}</button>`,
  ).join(" ");
  return `<section class="play">
<h2>Google Play</h2>
<p class="hint">Package ${escapeHtml(play.packageName)}. Each button changes the fake purchase and sends Google's signed Pub/Sub push to the Worker.</p>
<form method="post" action="/play/qa" aria-label="Google Play purchase">
  <label>User id <input name="userId" required></label>
  <label>Product id <input name="productId" required value="com.example.pro.monthly"></label>
  <label>Kind <select name="kind"><option value="subscription">subscription</option><option value="product">one-time product</option></select></label>
  <div class="actions">${buttons}</div>
</form>
</section>`;
}

export function renderPlayFragment(play: PlayFake): string {
  const purchases = play.purchases.list().slice(0, 50);
  const deliveries = play.deliveries().slice(0, 20);
  const purchaseRows = purchases.length
    ? purchases
        .map(
          (p) =>
            `<tr><td title="${escapeHtml(p.token)}" class="token">${escapeHtml(shortenToken(p.token))}</td><td>${escapeHtml(p.userId ?? "")}</td><td>${escapeHtml(p.productId)}</td><td>${escapeHtml(p.kind === "subscription" ? p.subscriptionState.replace("SUBSCRIPTION_STATE_", "") : (["PURCHASED", "CANCELED", "PENDING"][p.purchaseState] ?? "?"))}</td><td>${p.kind === "subscription" ? escapeHtml(new Date(p.expiryTime).toISOString()) : ""}</td><td>${p.acknowledged ? "yes" : "no"}</td></tr>`,
        )
        .join("\n")
    : `<tr><td colspan="6" class="empty">No Play purchases yet.</td></tr>`;
  const deliveryRows = deliveries.length
    ? deliveries
        .map(
          (d) =>
            `<tr><td>${escapeHtml(d.at.slice(11, 23))}</td><td>${escapeHtml(d.type)}</td><td class="token">${escapeHtml(shortenToken(d.token ?? ""))}</td><td>${escapeHtml(String(d.status))}</td></tr>`,
        )
        .join("\n")
    : `<tr><td colspan="4" class="empty">No notifications sent yet.</td></tr>`;
  return `<h2>Play purchases</h2>
<table id="play-purchases"><thead><tr><th>Token</th><th>User</th><th>Product</th><th>State</th><th>Expires (UTC)</th><th>Acknowledged</th></tr></thead>
<tbody>${purchaseRows}</tbody></table>
<h2>Play notifications sent to the Worker</h2>
<table id="play-deliveries"><thead><tr><th>Time (UTC)</th><th>Notification</th><th>Token</th><th>Worker answered</th></tr></thead>
<tbody>${deliveryRows}</tbody></table>`;
}
