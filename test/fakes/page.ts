import type { Delivery } from "./deliveries";
import type { ApnsStats } from "./apns";
import type { FcmStats } from "./fcm";
import type { SentNotification } from "./app-store";
import { STORE_SCRIPT, renderStoreForm, renderStoreRows } from "./app-store-page";

/** The page shows at most this many rows; a 10,000-device benchmark must not make it unusable. */
export const PAGE_MAX_ROWS = 500;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Push content is attacker-controllable: everything on the page goes through here. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function shortenToken(token: string): string {
  return token.length <= 20 ? token : `${token.slice(0, 10)}…${token.slice(-6)}`;
}

function cell(text: string, className = ""): string {
  return `<td${className ? ` class="${className}"` : ""}>${escapeHtml(text)}</td>`;
}

function row(d: Delivery): string {
  const s = d.summary;
  const time = d.receivedAt.slice(11, 23);
  const content = s.silent
    ? `<td class="silent">silent / background</td>`
    : `<td><strong class="title">${escapeHtml(s.title ?? "")}</strong><br><span class="body">${escapeHtml(s.body ?? "")}</span></td>`;
  const data = Object.keys(s.data).length ? JSON.stringify(s.data) : "";
  return [
    `<tr data-seq="${d.seq}" data-provider="${d.provider}">`,
    cell(String(d.seq)),
    cell(time),
    cell(d.provider.toUpperCase(), `provider ${d.provider}`),
    `<td class="token" title="${escapeHtml(d.token)}">${escapeHtml(shortenToken(d.token))}</td>`,
    cell(s.platform),
    content,
    cell(data.length > 300 ? `${data.slice(0, 300)}…` : data, "data"),
    cell(s.collapseId ?? ""),
    cell(s.priority ?? ""),
    "</tr>",
  ].join("");
}

/** The part of the page that changes: counts and rows (also served alone for the 2 s refresh). */
export function renderFragment(
  deliveries: Delivery[],
  stats: { fcm: FcmStats; apns: ApnsStats },
  storeSent: readonly SentNotification[] = [],
  sections: string[] = [],
): string {
  const shown = deliveries.slice(0, PAGE_MAX_ROWS);
  const counts = [
    `<span id="count-total">${deliveries.length}</span> pushes received`,
    `FCM: <span id="count-fcm">${stats.fcm.accepted}</span> accepted, ${stats.fcm.rejected} rejected, ${stats.fcm.tokenRequests} OAuth token requests`,
    `APNs: <span id="count-apns">${stats.apns.accepted}</span> accepted, ${stats.apns.rejected} rejected, ${stats.apns.providerTokens} provider tokens`,
  ];
  const more =
    deliveries.length > shown.length ? `<p class="more">Showing the newest ${shown.length}.</p>` : "";
  const rows = shown.length
    ? shown.map(row).join("\n")
    : `<tr><td colspan="9" class="empty">No pushes yet. This page refreshes every 2 seconds.</td></tr>`;
  return `<p class="counts">${counts.join(" · ")}</p>${more}
<table>
<thead><tr><th>#</th><th>Time (UTC)</th><th>Provider</th><th>Token</th><th>Platform</th><th>Title / body</th><th>Data</th><th>Collapse id</th><th>Priority</th></tr></thead>
<tbody id="rows">
${rows}
</tbody>
</table>
${renderStoreRows(storeSent)}${sections.join("\n")}`;
}

/** The whole QA page: no external assets; a tiny inline script refreshes the fragment every 2 s. */
export function renderPage(
  fragment: string,
  nonce: string,
  storeWebhookUrl = "http://127.0.0.1:8787/v1/webhooks/app-store",
  controls = "",
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outpost · pushes received by the fake providers</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
  h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
  .hint, .more { color: #666; margin: 0 0 .75rem; }
  .counts { font-weight: 600; margin: .5rem 0 1rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
  th { background: #f5f5f7; position: sticky; top: 0; }
  .provider.fcm { color: #b06000; } .provider.apns { color: #0060b0; }
  .token, .data { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
  .silent, .empty { color: #777; font-style: italic; }
  h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
  form label { margin-right: .75rem; } form .actions { margin-top: .5rem; }
</style>
</head>
<body>
<h1>Pushes received by the fake FCM and APNs</h1>
<p class="hint">Newest first. What a phone would get; rejected requests are not listed (see the counts).</p>
${renderStoreForm(storeWebhookUrl)}
${controls}
<div id="live">${fragment}</div>
<script nonce="${nonce}">
  (function () {
    var live = document.getElementById("live");
    var last = live.innerHTML;
    setInterval(function () {
      fetch("/page/fragment", { cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null && html !== last) { last = html; live.innerHTML = html; } })
        .catch(function () {});
    }, 2000);
${STORE_SCRIPT}
  })();
</script>
</body>
</html>`;
}
