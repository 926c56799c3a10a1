/**
 * The console's only script, served as /console/app.js (CSP: script-src 'self', no inline
 * script anywhere). Progressive enhancement: every page works without it; with it the compose
 * form shows a live audience count, schedule fields follow the chosen mode, and a campaign's
 * funnel refreshes every 2 s while it sends.
 */
export const APP_JS = `"use strict";
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function post(url, form) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)),
    });
  }

  // Live audience count on the compose form.
  var compose = document.getElementById("compose");
  var count = document.getElementById("audience-count");
  if (compose && count) {
    var timer = 0;
    var seq = 0;
    var refresh = function () {
      var mine = ++seq;
      count.textContent = "counting…";
      post("/console/audience", compose)
        .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
        .then(function (r) {
          if (mine !== seq) return;
          count.textContent = r.ok ? r.body.devices + (r.body.devices === 1 ? " device" : " devices") : (r.body.detail || "target not valid");
        })
        .catch(function () { if (mine === seq) count.textContent = "unknown (network)"; });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(refresh, 250); };
    compose.addEventListener("input", schedule);
    compose.addEventListener("change", schedule);
    refresh();
  }

  // Schedule fields follow the chosen mode.
  var modes = document.querySelectorAll('input[name="when"]');
  var sync = function () {
    for (var i = 0; i < modes.length; i++) {
      var target = document.getElementById("when-" + modes[i].value);
      if (target) target.hidden = !modes[i].checked;
    }
  };
  for (var i = 0; i < modes.length; i++) modes[i].addEventListener("change", sync);
  if (modes.length) sync();

  // A campaign's funnel, refreshed until it settles.
  var funnel = document.getElementById("funnel");
  if (funnel && funnel.dataset.statsUrl) {
    var url = funnel.dataset.statsUrl;
    var tick = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (view) {
          if (!view) return;
          var cells = funnel.querySelectorAll("[data-stat]");
          for (var j = 0; j < cells.length; j++) {
            var name = cells[j].getAttribute("data-stat");
            if (name in view.stats) cells[j].textContent = String(view.stats[name]);
          }
          var status = document.getElementById("campaign-status");
          if (status) status.textContent = view.status;
          var failures = document.getElementById("failures");
          if (failures) {
            var rows = Object.keys(view.stats.failed).map(function (k) { return k + ": " + view.stats.failed[k]; });
            failures.textContent = rows.length ? rows.join(", ") : "none";
          }
          funnel.dataset.status = view.status;
          var cancel = document.getElementById("cancel-form");
          if (cancel && view.status !== "sending" && view.status !== "scheduled") cancel.hidden = true;
          if (view.status === "sending" || view.status === "scheduled") setTimeout(tick, 2000);
        })
        .catch(function () { setTimeout(tick, 2000); });
    };
    setTimeout(tick, 2000);
  }
})();
`;
