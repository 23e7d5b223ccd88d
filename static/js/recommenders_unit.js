// Unit channel: the self-evaluation's running total and the out-of-range hint while typing.
// The server checks the scores again (awards.scores, the same bounds); this only helps while typing.
(function () {
  "use strict";

  function parse(value) {
    var text = String(value || "").trim();
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) { return null; }
    var number = parseFloat(text);
    // At most one decimal place, as the server requires (12.50 is 12.5; 12.55 is refused).
    return Math.abs(number * 10 - Math.round(number * 10)) < 1e-9 ? number : null;
  }

  function check(input) {
    var text = String(input.value || "").trim();
    var max = parseFloat(input.dataset.max);
    var number = parse(text);
    var bad = text !== "" && (number === null || number < 0 || number > max);
    input.classList.toggle("is-invalid", bad);
    if (bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    return bad;
  }

  function refresh(form) {
    var total = 0, complete = true;
    form.querySelectorAll("[data-score-input]").forEach(function (input) {
      var number = parse(input.value);
      if (check(input) || number === null) { complete = false; return; }
      total += Math.round(number * 10);
    });
    var out = form.querySelector("[data-score-total]");
    if (out) { out.textContent = complete ? (total / 10).toFixed(2) : "—"; }  // scores show two decimals (core format_tags.score)
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-score-input]")) { refresh(event.target.form); }
  });

  function init() {
    document.querySelectorAll("[data-score-input]").forEach(function (input) {
      if (input.form && !input.form.dataset.scoresReady) {
        input.form.dataset.scoresReady = "1";
        // Keep the server's marks on a refused save; only recompute the total.
        var out = input.form.querySelector("[data-score-total]");
        var marked = input.form.querySelector("[data-score-input].is-invalid");
        if (!marked) { refresh(input.form); } else if (out && out.textContent.trim() === "") { out.textContent = "—"; }
      }
    });
  }

  if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
