import type { SentNotification } from "./app-store";
import { escapeHtml } from "./page";

/**
 * The QA page's store section: a form that fires a purchase, renewal, refund or expiry for a
 * user id (the fake App Store signs the notification and POSTs it to the worker's webhook), and
 * the notifications delivered so far with the webhook's answer.
 */
export function renderStoreForm(defaultWebhookUrl: string): string {
  const button = (action: string, label: string) =>
    `<button type="button" data-store-action="${action}">${label}</button>`;
  return `<section id="store">
<h2>App Store purchases</h2>
<p class="hint">Fires a signed App Store Server Notification v2 at the webhook. Buy first; the other buttons act on the user's newest purchase.</p>
<form id="store-form" aria-label="App Store purchase">
  <label>User id <input id="store-user" name="userId" size="38" required></label>
  <label>Product <input id="store-product" name="productId" value="com.example.pro.monthly" size="28"></label>
  <label>Webhook <input id="store-webhook" name="webhookUrl" value="${escapeHtml(defaultWebhookUrl)}" size="44"></label>
  ${button("purchase", "Purchase")} ${button("renewal", "Renewal")} ${button("refund", "Refund")} ${button("expiry", "Expiry")}
  <output id="store-result" aria-live="polite"></output>
</form>
</section>`;
}

/** The inline script driving the form (the page's CSP allows only nonce'd scripts and same-origin fetches). */
export const STORE_SCRIPT = `
    document.querySelectorAll("[data-store-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var out = document.getElementById("store-result");
        var body = {
          action: button.getAttribute("data-store-action"),
          userId: document.getElementById("store-user").value.trim(),
          productId: document.getElementById("store-product").value.trim(),
          webhookUrl: document.getElementById("store-webhook").value.trim()
        };
        out.textContent = "sending " + body.action + "…";
        fetch("/app-store/action", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
          .then(function (r) { return r.json(); })
          .then(function (j) {
            out.textContent = j.error ? "error: " + j.error
              : j.type + (j.subtype ? "/" + j.subtype : "") + " → webhook " + (j.delivered && j.delivered.status);
          })
          .catch(function (e) { out.textContent = "error: " + e; });
      });
    });`;

/** Notifications delivered to the webhook, newest first (part of the refreshed fragment). */
export function renderStoreRows(sent: readonly SentNotification[]): string {
  const rows = sent
    .slice(0, 100)
    .map(
      (s) =>
        `<tr data-notification="${escapeHtml(s.notificationUUID)}"><td>${escapeHtml(s.at.slice(11, 23))}</td><td>${escapeHtml(s.userId ?? "")}</td><td>${escapeHtml(s.action)}</td><td>${escapeHtml(s.type + (s.subtype ? `/${s.subtype}` : ""))}</td><td>${escapeHtml(s.productId ?? "")}</td><td class="status">${escapeHtml(String(s.status ?? "no answer"))}</td><td class="data">${escapeHtml(s.response)}</td></tr>`,
    );
  return `<h2>Store notifications sent</h2>
<table id="store-sent">
<thead><tr><th>Time (UTC)</th><th>User</th><th>Action</th><th>Notification</th><th>Product</th><th>Webhook status</th><th>Answer</th></tr></thead>
<tbody>${rows.length ? rows.join("\n") : `<tr><td colspan="7" class="empty">None yet.</td></tr>`}</tbody>
</table>`;
}
