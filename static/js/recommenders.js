// Recommender channel: reorder the ranking with up/down buttons. The CSP forbids inline scripts, so the page
// only carries data attributes. Without JavaScript the rank number inputs do the same job (the server sorts by them).
(function () {
  "use strict";

  function renumber(tbody) {
    Array.prototype.forEach.call(tbody.querySelectorAll("tr[data-rank-row]"), function (row, index) {
      var input = row.querySelector("input[data-rank-input]");
      if (input) { input.value = index + 1; }
      var position = row.querySelector("[data-rank-position]");
      if (position) { position.textContent = index + 1; }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-rank-move]");
    if (!button) { return; }
    event.preventDefault();
    var row = button.closest("tr[data-rank-row]");
    var tbody = row.parentNode;
    if (button.dataset.rankMove === "up" && row.previousElementSibling) {
      tbody.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.rankMove === "down" && row.nextElementSibling) {
      tbody.insertBefore(row.nextElementSibling, row);
    }
    renumber(tbody);
    button.focus();
  });

  function showControls() {
    document.querySelectorAll("[data-rank-js]").forEach(function (el) { el.classList.remove("hidden"); });
  }

  if (document.readyState !== "loading") { showControls(); } else { document.addEventListener("DOMContentLoaded", showControls); }
})();
