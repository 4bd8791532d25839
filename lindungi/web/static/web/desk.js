// The checkpoint desk when the server cannot be reached (docs/departure.md, "Offline").
//
// Online, the desk posts each check to the server (htmx). Meanwhile this script keeps the public
// keys and the signed revocation list in localStorage. Offline (or when a post fails), a scanned or
// typed departure credential is verified here with WebCrypto Ed25519 against them, the verdict is
// shown with how old the revocation list is, and the check is queued with its own id (client_ref).
// When the network returns the queue is uploaded; the server records each client_ref once and
// decides the verdict again with everything it knows.
(function () {
  "use strict";
  var config = document.getElementById("desk-config");
  if (!config || !window.crypto || !window.crypto.subtle) { return; }
  var C = JSON.parse(document.getElementById("desk-texts").textContent);
  var KEY = "lindungi.desk.";
  var lang = config.dataset.lang === "en" ? 1 : 0;

  function load(name, fallback) {
    try { var v = JSON.parse(localStorage.getItem(KEY + name)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function save(name, value) { localStorage.setItem(KEY + name, JSON.stringify(value)); }

  function unb64u(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]+$/.test(text)) { throw new Error("base64url"); }
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  // The same canonical JSON as credentials.canonical (sorted keys, no spaces).
  function canonical(value) {
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }
  var encoder = new TextEncoder();
  function importKey(b64) {
    return crypto.subtle.importKey("raw", unb64u(b64), { name: "Ed25519" }, false, ["verify"]);
  }
  function verifySig(b64key, signature, bytes) {
    return importKey(b64key).then(function (key) {
      return crypto.subtle.verify({ name: "Ed25519" }, key, signature, bytes);
    });
  }
  function keyById(kid) {
    var keys = (load("keys", { keys: [] }).keys || []);
    for (var i = 0; i < keys.length; i++) { if (keys[i].kid === kid) { return keys[i].public_key; } }
    return null;
  }
  function problem(code, day) {
    var text = C.messages[code][lang];
    return { code: code, message: day ? text.replace("{date}", day) : text };
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function sha256b64u(text) {
    return crypto.subtle.digest("SHA-256", encoder.encode(text)).then(function (buf) {
      var bin = "", bytes = new Uint8Array(buf);
      for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
      return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    });
  }

  // Same checks, same order as credentials.verify.
  function verifyToken(token, nik) {
    var parts = token.trim().split("."), claims;
    try {
      if (parts.length !== 3 || parts[0] !== "LDC1") { throw new Error("prefix"); }
      claims = JSON.parse(new TextDecoder().decode(unb64u(parts[1])));
      ["cid", "kid", "pp", "nh", "dst", "p3mi", "vu"].forEach(function (k) {
        if (typeof claims[k] !== "string") { throw new Error(k); }
      });
      var signature = unb64u(parts[2]);
    } catch (e) { return Promise.resolve({ claims: null, problems: [problem("credential_malformed")] }); }
    var key = keyById(claims.kid);
    if (!key) { return Promise.resolve({ claims: null, problems: [problem("credential_unknown_key")] }); }
    return verifySig(key, signature, encoder.encode(parts[0] + "." + parts[1])).then(function (ok) {
      if (!ok) { return { claims: null, problems: [problem("credential_bad_signature")] }; }
      var problems = [];
      if (today() > claims.vu) { problems.push(problem("credential_expired", claims.vu.split("-").reverse().join("-"))); }
      if ((load("crl", { revoked: [] }).revoked || []).indexOf(claims.cid) >= 0) { problems.push(problem("credential_revoked")); }
      if (!nik) { return { claims: claims, problems: problems }; }
      return sha256b64u(claims.cid + ":" + nik).then(function (h) {
        if (h !== claims.nh) { problems.push(problem("credential_nik_mismatch")); }
        return { claims: claims, problems: problems };
      });
    }, function () { return { claims: null, problems: [problem("credential_bad_signature")] }; });
  }

  // Keys and revocation list, refreshed while online; the list is kept only if its signature holds.
  function refresh() {
    var opts = { credentials: "same-origin", cache: "no-store" };
    return fetch(config.dataset.keysUrl, opts).then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (keys) { save("keys", keys); return fetch(config.dataset.crlUrl, opts); })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (crl) {
        var body = {}; Object.keys(crl).forEach(function (k) { if (k !== "sig") { body[k] = crl[k]; } });
        var key = keyById(crl.kid);
        if (!key) { return; }
        return verifySig(key, unb64u(crl.sig), encoder.encode(canonical(body))).then(function (ok) {
          if (ok) { save("crl", crl); }
        });
      }).catch(function () { /* offline: keep what we have */ }).then(status);
  }

  function status() {
    var crl = load("crl", null), queue = load("queue", []);
    var line = document.getElementById("desk-offline-status");
    if (!line) { return; }
    var parts = [];
    if (crl) {
      var minutes = Math.max(0, Math.round((Date.now() - Date.parse(crl.issued_at)) / 60000));
      parts.push(C.labels.crl_age.replace("{minutes}", minutes).replace("{n}", crl.revoked.length));
    } else { parts.push(C.labels.no_crl); }
    if (queue.length) { parts.push(C.labels.queued.replace("{n}", queue.length)); }
    line.textContent = (navigator.onLine ? "" : C.labels.offline + " · ") + parts.join(" · ");
    line.dataset.queued = String(queue.length);
  }

  function field(name) { var el = document.querySelector("#desk [name=" + name + "]"); return el ? el.value.trim() : ""; }
  function uuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function escape(text) { var d = document.createElement("div"); d.textContent = text; return d.innerHTML; }

  function showVerdict(result, identifier) {
    var box = document.getElementById("desk-offline-verdict");
    var cleared = result.claims && !result.problems.length;
    var who = result.claims ? C.labels.passport + " " + result.claims.pp + " · " + result.claims.dst + " · P3MI " +
      (result.claims.p3mi || "—") + " · " + C.labels.valid_until + " " + result.claims.vu : identifier;
    var html = '<section class="verdict ' + (cleared ? "verdict-ok" : "verdict-bad") + '" role="status" data-testid="offline-verdict">' +
      '<p class="verdict-word">' + escape(cleared ? C.labels.cleared : C.labels.not_cleared) + "</p>" +
      '<p class="verdict-who">' + escape(C.labels.offline_check) + " · " + escape(who) + "</p></section>";
    if (result.problems.length) {
      html += '<ol class="verdict-reasons">' + result.problems.map(function (p) {
        return '<li data-code="' + escape(p.code) + '">' + escape(p.message) + "</li>";
      }).join("") + "</ol>";
    }
    box.innerHTML = html;
  }

  function checkOffline(event) {
    var identifier = field("identifier");
    if (!identifier) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var entry = { client_ref: uuid(), identifier: identifier, destination: field("destination"),
                  flight: field("flight"), travel_date: field("travel_date") || today(), post: field("post") };
    var verdict = identifier.indexOf("LDC1.") === 0 ? verifyToken(identifier, "")
      : Promise.resolve({ claims: null, problems: [{ code: "offline_no_credential", message: C.labels.no_credential }] });
    verdict.then(function (result) {
      showVerdict(result, identifier);
      var queue = load("queue", []);
      queue.push(entry);
      save("queue", queue);
      var input = document.querySelector("#desk [name=identifier]");
      if (input) { input.value = ""; input.focus(); }
      status();
    });
  }

  var uploading = false;
  function upload() {
    if (uploading || !navigator.onLine) { return Promise.resolve(); }
    var queue = load("queue", []);
    if (!queue.length) { return Promise.resolve(); }
    uploading = true;
    var entry = queue[0];
    return fetch(config.dataset.checkUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.dataset.csrf },
      body: JSON.stringify(entry),
    }).then(function (r) {
      // Recorded (201) or already recorded (200): done. Refused input (4xx): kept aside, never retried.
      if (r.status === 200 || r.status === 201 || (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 403)) {
        if (r.status >= 400) { var failed = load("failed", []); failed.push(entry); save("failed", failed); }
        save("queue", load("queue", []).filter(function (e) { return e.client_ref !== entry.client_ref; }));
        uploading = false;
        return upload();
      }
      uploading = false;
    }, function () { uploading = false; }).then(status);
  }

  // Offline (or the post fails): verify here instead of posting.
  document.addEventListener("submit", function (event) {
    if (event.target && event.target.classList.contains("desk-form") && !navigator.onLine) { checkOffline(event); }
  }, true);
  document.body.addEventListener("htmx:sendError", function () {
    var form = document.querySelector("#desk .desk-form");
    if (form) { checkOffline({ preventDefault: function () {}, stopImmediatePropagation: function () {} }); }
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    var box = document.getElementById("desk-offline-verdict");
    if (box) { box.innerHTML = ""; }
  });
  window.addEventListener("online", function () { refresh().then(upload); });
  window.addEventListener("offline", status);
  window.lindungiDesk = { refresh: refresh, upload: upload, verify: verifyToken };
  if ("serviceWorker" in navigator && config.dataset.sw) {
    navigator.serviceWorker.register(config.dataset.sw, { scope: config.dataset.swScope }).catch(function () {});
  }
  refresh().then(upload);
  setInterval(function () { refresh().then(upload); }, 60000);
})();
