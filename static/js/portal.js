// Behaviours wired by data attributes: the CSP forbids inline scripts.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Drafts typed into forms are copied to this browser (localStorage "saq-autosave:*", applications.js) so an
  // expired session loses nothing. On a shared computer they must not outlive their author: signing out forgets
  // them all; a page signed in as somebody else forgets the others'; none is kept longer than a working day.
  var DRAFT_PREFIX = "saq-autosave:";
  var DRAFT_MAX_AGE_MS = 8 * 3600 * 1000;

  function forgetDrafts(keep) {
    try {
      var storage = window.localStorage;
      for (var i = storage.length - 1; i >= 0; i -= 1) {
        var key = storage.key(i);
        if (key && key.indexOf(DRAFT_PREFIX) === 0) {
          var record = null;
          try { record = JSON.parse(storage.getItem(key)); } catch (e) { record = null; }
          if (!keep || !record || !keep(record)) { storage.removeItem(key); }
        }
      }
    } catch (e) { /* storage disabled: nothing kept */ }
  }

  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/accounts\/logout\/$/.test(action)) { forgetDrafts(null); }
  }, true);

  onReady(function () {
    var user = document.body.dataset.user || "";
    var now = Date.now();
    forgetDrafts(function (record) {
      var fresh = typeof record.savedAt === "number" && now - record.savedAt < DRAFT_MAX_AGE_MS;
      // On a signed-out page (an expired session) keep what is fresh: its author signs in again to restore it.
      return fresh && (user === "" || record.owner === user);
    });
  });

  // A button with data-confirm asks before its form is submitted.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    // Stop double submits: disable the buttons of a form once it is on its way (not when a script held it back,
    // e.g. the autosave sending it after the saves in flight: its button must still count in the form data).
    if (!event.target.hasAttribute("data-allow-resubmit")) {
      window.setTimeout(function () {
        if (event.defaultPrevented) { return; }
        event.target.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });

  // Unit search: clicking a result fills the hidden unit field and shows the choice.
  document.addEventListener("click", function (event) {
    var item = event.target.closest("[data-unit-choice]");
    if (!item) { return; }
    event.preventDefault();
    var field = document.getElementById(item.dataset.target);
    var label = document.getElementById(item.dataset.label);
    if (field) { field.value = item.dataset.unitChoice; }
    if (label) { label.textContent = item.dataset.unitName; label.classList.remove("hidden"); }
    var results = item.closest(".unit-search-results");
    if (results) { results.innerHTML = ""; }
  });

  // A checkbox with data-toggle-target shows or hides another element.
  function syncToggles() {
    document.querySelectorAll("[data-toggle-target]").forEach(function (box) {
      var target = document.getElementById(box.dataset.toggleTarget);
      if (target) { target.classList.toggle("hidden", !box.checked); }
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-toggle-target]")) { syncToggles(); }
  });

  // Countdown: <span data-deadline="ISO">; text refreshed every minute.
  function refreshCountdowns() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var ms = new Date(el.dataset.deadline).getTime() - Date.now();
      if (isNaN(ms)) { return; }
      if (ms <= 0) { el.textContent = el.dataset.closedText || "closed"; el.classList.add("text-danger"); return; }
      var days = Math.floor(ms / 86400000), hours = Math.floor(ms % 86400000 / 3600000),
        minutes = Math.floor(ms % 3600000 / 60000);
      var fmt = el.dataset.format || "%d d %h h %m min";
      el.textContent = fmt.replace("%d", days).replace("%h", hours).replace("%m", minutes);
    });
  }

  onReady(function () {
    syncToggles();
    refreshCountdowns();
    window.setInterval(refreshCountdowns, 60000);
  });
})();
