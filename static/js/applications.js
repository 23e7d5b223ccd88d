// The applicant channel's behaviours, wired by data attributes (the CSP forbids inline scripts).
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Member table: "Add a row" copies the last row with empty cells and the next index in the field names.
  function addMemberRow(table) {
    var body = table.querySelector("[data-member-rows]");
    var rows = body.querySelectorAll("[data-member-row]");
    if (!rows.length) { return null; }
    var last = rows[rows.length - 1];
    var index = rows.length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-(\d+)-([a-z_]+)$/, "-" + index + "-$2");
      input.value = "";
    });
    var number = copy.querySelector("td");
    if (number) { number.textContent = String(index + 1); }
    body.appendChild(copy);
    return copy;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-member-row]");
    if (!button) { return; }
    event.preventDefault();
    var table = document.getElementById(button.dataset.addMemberRow);
    if (table) {
      var row = addMemberRow(table);
      if (row) { row.querySelector("input").focus(); }
    }
  });

  // Autosave to this browser: what is typed into the application form is kept in localStorage, so a lost
  // session (sign-out, expired login) loses nothing. On the next visit the page offers to restore input that
  // differs from what the server has; input that equals the saved form is forgotten.
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "revision" && el.type !== "submit" &&
        el.type !== "button" && el.type !== "file";
    });
  }

  function collect(form) {
    var values = {};
    fieldsOf(form).forEach(function (el) {
      values[el.name] = (el.type === "checkbox" || el.type === "radio") ? (el.checked ? el.value : "") : el.value;
    });
    return values;
  }

  function storageKey(form) { return "saq-autosave:" + form.dataset.autosave; }

  function read(form) {
    try { return JSON.parse(window.localStorage.getItem(storageKey(form)) || "null"); } catch (e) { return null; }
  }

  function forget(form) {
    try { window.localStorage.removeItem(storageKey(form)); } catch (e) { /* storage unavailable */ }
  }

  function write(form) {
    try {
      // `owner`: portal.js forgets drafts at sign-out and drafts of anybody but the signed-in person.
      window.localStorage.setItem(storageKey(form), JSON.stringify({
        owner: document.body.dataset.user || "", revision: form.dataset.autosaveRevision, savedAt: Date.now(),
        values: collect(form)
      }));
    } catch (e) { /* storage full or disabled: the server copy is still there */ }
  }

  function ensureField(form, name) {
    var field = form.elements.namedItem(name);
    if (field) { return field; }
    var match = name.match(/^(.*)-(\d+)-[a-z_]+$/);
    if (!match) { return null; }
    var table = document.getElementById("members-" + match[1].replace(/^q_/, ""));
    if (!table) { return null; }
    var guard = 0;
    while (!form.elements.namedItem(name) && guard < 100) { addMemberRow(table); guard += 1; }
    return form.elements.namedItem(name);
  }

  function restore(form, values) {
    Object.keys(values).forEach(function (name) {
      var field = ensureField(form, name);
      if (!field || field.length !== undefined && !field.tagName) { return; }
      if (field.type === "checkbox") { field.checked = Boolean(values[name]); } else { field.value = values[name]; }
      field.dispatchEvent(new Event("change", { bubbles: true }));  // e.g. character counters recount
    });
  }

  function differs(form, stored) {
    var current = collect(form);
    return Object.keys(stored.values || {}).some(function (name) {
      return (stored.values[name] || "") !== (current[name] || "");
    });
  }

  function setupAutosave(form) {
    var notice = form.querySelector("[data-autosave-notice]");
    var stored = read(form);
    if (stored && stored.values) {
      if (differs(form, stored) && notice) {
        notice.classList.remove("hidden");
        notice.querySelector("[data-autosave-restore]").addEventListener("click", function () {
          restore(form, stored.values);
          notice.classList.add("hidden");
        });
        notice.querySelector("[data-autosave-discard]").addEventListener("click", function () {
          forget(form);
          notice.classList.add("hidden");
        });
      } else {
        forget(form);
      }
    }
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { write(form); }, 400);
    });
    form.addEventListener("submit", function () { write(form); });
    form.addEventListener("submit", function (event) { saveInPlace(form, event); });
    form.addEventListener("input", function () {  // "Saved." no longer holds once something is typed
      var status = form.querySelector("[data-save-status]");
      if (status && form.dataset.saving !== "1") { status.replaceChildren(); }
    });
  }

  // "Save draft" saves in place: the form is POSTed with X-Save-In-Place and the page stays where the applicant
  // is (no reload to the top of a long form); the answer's revision goes into the form for the next save. A page
  // showing errors, a refused save (stale, closed, invalid) or a failed request sends the form the ordinary way,
  // which draws the errors at their fields and keeps the input.
  function saveInPlace(form, event) {
    var button = event.submitter;
    var status = form.querySelector("[data-save-status]");
    if (event.defaultPrevented || !button || !button.hasAttribute("data-save-in-place") || !status ||
        !window.fetch || form.dataset.saveInPlace === "off" ||
        form.querySelector(".is-invalid, [data-testid=form-errors]")) { return; }
    event.preventDefault();
    if (form.dataset.saving === "1") { return; }  // a double click: one save
    form.dataset.saving = "1";
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    status.textContent = status.dataset.savingText || "";
    var data = new FormData(form);
    data.append(button.name, button.value);
    function ordinary() {
      form.dataset.saving = "";
      form.dataset.saveInPlace = "off";
      buttons.forEach(function (b) { b.disabled = false; });
      form.requestSubmit(button);
    }
    window.fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "X-Save-In-Place": "1", "Accept": "application/json" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return json ? response.json().then(function (body) { return { ok: response.ok, body: body }; }) : null;
    }).then(function (answer) {
      if (!answer || !answer.ok || !answer.body.ok) { ordinary(); return; }
      form.elements.namedItem("revision").value = String(answer.body.revision);
      form.dataset.autosaveRevision = String(answer.body.revision);
      forget(form);  // the server has it now
      var note = document.createElement("div");
      note.className = "alert alert-success py-1 px-2 mb-0 small";
      note.setAttribute("data-testid", "saved-in-place");
      note.textContent = answer.body.message;
      status.replaceChildren(note);
      form.dataset.saving = "";
      buttons.forEach(function (b) { b.disabled = false; });
    }).catch(ordinary);
  }

  onReady(function () {
    document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
  });
})();
