// Live character counters: every input or textarea with data-max-length="N" gets "n / N" below it, updated as
// people type, and marked when the text is too long. The server checks the same limit on save (a line break
// counts as one character, as here); the field never cuts what was typed or pasted.
(function () {
  "use strict";

  function length(value) {
    // Code points, as the server counts (a character outside the BMP is one, not two UTF-16 units).
    return Array.from(value.replace(/\r\n?/g, "\n")).length;
  }

  function template(name) {
    var root = document.querySelector("[data-char-counter-texts]");
    return (root && root.dataset[name]) || "";
  }

  function describe(field, counter) {
    var id = counter.id;
    var current = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (current.indexOf(id) === -1) {
      current.push(id);
      field.setAttribute("aria-describedby", current.join(" "));
    }
  }

  function update(field, counter) {
    var max = parseInt(field.dataset.maxLength, 10);
    var n = length(field.value);
    var over = n > max;
    var text = over ? template("over") : template("count");
    counter.textContent = (text || "%(n)s / %(max)s")
      .replace("%(n)s", String(n))
      .replace("%(max)s", String(max))
      .replace("%(over)s", String(n - max));
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("fw-semibold", over);
    counter.classList.toggle("text-muted", !over);
    counter.dataset.over = over ? "true" : "false";
  }

  function attach(field) {
    if (field.dataset.charCounterReady) { return; }
    var max = parseInt(field.dataset.maxLength, 10);
    if (!max) { return; }
    field.dataset.charCounterReady = "true";
    var counter = document.createElement("div");
    counter.className = "form-text text-end small";
    counter.id = (field.id || field.name) + "-counter";
    counter.setAttribute("aria-live", "polite");
    counter.dataset.charCounter = field.name;
    field.insertAdjacentElement("afterend", counter);
    describe(field, counter);
    update(field, counter);
    field.addEventListener("input", function () { update(field, counter); });
  }

  function attachAll(root) {
    (root || document).querySelectorAll("input[data-max-length], textarea[data-max-length]").forEach(attach);
  }

  if (document.readyState !== "loading") { attachAll(); } else { document.addEventListener("DOMContentLoaded", function () { attachAll(); }); }
  // Restored drafts (applications.js) set values programmatically: recount after any change event too.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.dataset && field.dataset.charCounterReady) {
      var counter = document.getElementById((field.id || field.name) + "-counter");
      if (counter) { update(field, counter); }
    }
  });
})();
