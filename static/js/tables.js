// Stacked list tables on narrow screens (portal.css, .table-stack): each cell without a data-label gets the title of
// its column, so the card shows "label: value". Templates may write data-label themselves; this fills the rest.
(function () {
  "use strict";

  function label(table) {
    var heads = table.querySelectorAll("thead tr:first-child > th");
    if (!heads.length) { return; }
    var titles = [];
    heads.forEach(function (th) {
      var span = parseInt(th.getAttribute("colspan") || "1", 10);
      for (var i = 0; i < span; i += 1) { titles.push(th.textContent.trim()); }
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var col = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var span = parseInt(cell.getAttribute("colspan") || "1", 10);
        if (!cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", span >= titles.length ? "" : (titles[col] || ""));
        }
        col += span;
      });
    });
  }

  function labelAll(root) {
    (root || document).querySelectorAll("table.table-stack").forEach(label);
  }

  if (document.readyState !== "loading") { labelAll(); } else { document.addEventListener("DOMContentLoaded", function () { labelAll(); }); }
  // htmx swaps in new rows (search results, panels): label them too.
  document.addEventListener("htmx:afterSettle", function () { labelAll(document); });
})();
