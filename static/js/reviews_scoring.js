// The expert's score sheet: the total of the typed scores, shown live ("—" while a score is out of range or off
// the step). The server checks everything again; this only helps while typing.
(function () {
  "use strict";
  function update(form) {
    var target = form.querySelector("[data-score-total]");
    if (!target) return;
    var total = 0;
    var valid = true;
    form.querySelectorAll("[data-score-input]").forEach(function (input) {
      var raw = input.value.trim().replace(",", ".");
      if (raw === "") return;
      var value = Number(raw);
      var max = Number(input.dataset.max);
      var step = Number(input.getAttribute("step")) || 0.1;
      var offStep = Math.abs(value / step - Math.round(value / step)) > 1e-9;
      var bad = isNaN(value) || value < 0 || value > max || offStep;
      input.classList.toggle("is-invalid", bad);
      if (bad) valid = false;
      else total += Math.round(value * 10);
    });
    target.textContent = valid ? (total / 10).toFixed(1) : "—";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-scoring]").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      update(form);
    });
  });
})();
