// Saves a form as it is typed: any <form data-autosave="URL">. On each change the whole form is POSTed to URL with
// the header X-Autosave: 1; the server answers JSON {ok, revision, total} (or {ok: false, message} with 4xx).
// One request at a time; a change while one is in flight is sent after it. When the network fails the latest
// payload waits in localStorage (key per URL) and is sent again on reconnect, after 2, 4, 8 then every 15 s, and on
// the next load, so a dropped connection loses nothing. A server that cannot answer (5xx: a restart, a gateway
// timeout) is a lost connection too; only the portal's own refusal (a 4xx) drops the payload. A status line
// ([data-autosave-status]) says saved / pending / refused.
(function () {
  "use strict";
  var PREFIX = "score-autosave:";

  function text(form, key) {
    return form.dataset["autosave" + key] || {
      Saved: "Saved",
      Saving: "Saving…",
      Pending: "Not sent yet: will resend when the connection is back",
    }[key];
  }

  function status(form, message, kind) {
    var target = form.querySelector("[data-autosave-status]");
    if (!target) return;
    target.textContent = message;
    target.className = "small mb-2 " + (kind === "error" ? "text-danger" : kind === "pending" ? "text-warning" : "text-success");
    form.dataset.autosaveState = kind;
  }

  function payload(form) {
    var data = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") data.push([name, value]);
    });
    return data;
  }

  function body(entries) {
    var params = new URLSearchParams();
    entries.forEach(function (pair) { params.append(pair[0], pair[1]); });
    return params;
  }

  // Two payloads hold the same input (the revision and the CSRF token aside).
  function same(a, b) {
    function key(entries) {
      return JSON.stringify(entries.filter(function (p) { return p[0] !== "revision" && p[0] !== "csrfmiddlewaretoken"; }));
    }
    return key(a) === key(b);
  }

  function setRevision(form, revision, entries) {
    var input = form.querySelector("[name=revision]");
    if (input) input.value = revision;
    entries.forEach(function (pair) { if (pair[0] === "revision") pair[1] = String(revision); });
  }

  function Saver(form) {
    this.form = form;
    this.url = form.dataset.autosave;
    this.key = PREFIX + this.url;
    this.busy = false;
    this.next = null;
    this.retryIn = 0;  // ms before the next try after a failure: 2 s, doubling, at most 15 s
    this.retryTimer = null;
  }

  // A failed send waits and tries again, sooner at first: a brief outage is over in seconds.
  Saver.prototype.retryLater = function () {
    var self = this;
    self.retryIn = Math.min(self.retryIn ? self.retryIn * 2 : 2000, 15000);
    window.clearTimeout(self.retryTimer);
    self.retryTimer = window.setTimeout(function () { self.flush(); }, self.retryIn);
  };

  Saver.prototype.queue = function (entries) {
    try { localStorage.setItem(this.key, JSON.stringify(entries)); } catch (e) { /* private mode: memory only */ }
    this.next = entries;
    this.flush();
  };

  Saver.prototype.flush = function () {
    var self = this;
    if (self.busy || !self.next) return;
    var entries = self.next;
    self.next = null;
    self.busy = true;
    status(self.form, text(self.form, "Saving"), "pending");
    fetch(self.url, {
      method: "POST",
      body: body(entries),
      credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRFToken": entries.filter(function (p) { return p[0] === "csrfmiddlewaretoken"; }).map(function (p) { return p[1]; })[0] || "" },
    }).then(function (response) {
      if (response.status >= 500) throw new Error("HTTP " + response.status);  // not a refusal: try again
      return response.json().then(function (data) { return { ok: response.ok, data: data }; }, function () {
        return { ok: false, data: { message: String(response.status) } };
      });
    }).then(function (result) {
      self.busy = false;
      self.retryIn = 0;
      if (result.ok && result.data.ok) {
        setRevision(self.form, result.data.revision, self.next || []);
        if (!self.next) {
          try { localStorage.removeItem(self.key); } catch (e) { /* ignore */ }
          status(self.form, text(self.form, "Saved"), "saved");
        }
        // The server's total, unless the expert has typed on since this payload left (then the page's live total
        // is the newer figure and the next save brings the server's).
        var total = self.form.querySelector("[data-score-total]");
        if (total && result.data.total && same(entries, payload(self.form))) total.textContent = result.data.total;
      } else {
        // Refused by the server (closed, stale, out of range): keep nothing queued, say why.
        try { localStorage.removeItem(self.key); } catch (e) { /* ignore */ }
        status(self.form, result.data.message || "Error", "error");
      }
      self.flush();
      self.idle();
    }, function () {
      // Network failure or a server that could not answer: keep the latest payload and retry later.
      self.busy = false;
      if (!self.next) self.next = entries;
      status(self.form, text(self.form, "Pending"), "pending");
      self.retryLater();
    });
  };

  // Runs the submit that waited for the saves in flight (see `start`), once none is left.
  Saver.prototype.idle = function () {
    if (this.busy || this.next || !this.onIdle) return;
    var run = this.onIdle;
    this.onIdle = null;
    run();
  };

  function start(form) {
    var saver = new Saver(form);
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(saver.key) || "null"); } catch (e) { stored = null; }
    if (stored && stored.length) {
      // A payload from a visit that lost its connection: put it back into the form, then send it.
      // The page's revision is the server's now: if the lost request did arrive, resending the same input with it
      // succeeds instead of being refused as stale.
      var csrf = form.querySelector("[name=csrfmiddlewaretoken]");
      var revision = form.querySelector("[name=revision]");
      stored.forEach(function (pair) {
        if (pair[0] === "csrfmiddlewaretoken" && csrf) pair[1] = csrf.value;
        if (pair[0] === "revision" && revision) pair[1] = revision.value;
        var field = form.elements.namedItem(pair[0]);
        if (field && pair[0] !== "revision" && "value" in field) field.value = pair[1];
      });
      form.dispatchEvent(new Event("input", { bubbles: true }));
      saver.queue(stored);
    }
    form.addEventListener("change", function () { saver.queue(payload(form)); });
    // Leaving the last field fires "change" just before the click on save or submit: that autosave bumps the
    // sheet's revision, so a submit sent alongside it would carry the old one and be refused as stale. The submit
    // waits for the saves in flight and then goes with the revision they returned.
    form.addEventListener("submit", function (event) {
      if (form.dataset.autosaveReleased === "1" || (!saver.busy && !saver.next)) return;
      event.preventDefault();
      var submitter = event.submitter;
      saver.onIdle = function () {
        form.dataset.autosaveReleased = "1";
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      };
    });
    window.addEventListener("online", function () { saver.flush(); });
    setInterval(function () { saver.flush(); }, 15000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(start);
  });
})();
