// Drag and drop of a session's running order (#slots[data-reorder-url]): on drop, the new order is POSTed as
// `slot` values and the page reloads with the server's order (numbers and times recomputed). The up/down buttons
// beside each row do the same without JavaScript.
(function () {
  "use strict";
  function csrf() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function wire(list) {
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-slot]");
      if (dragged) event.dataTransfer.effectAllowed = "move";
    });
    list.addEventListener("dragover", function (event) {
      var over = event.target.closest("[data-slot]");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged) return;
      dragged = null;
      var params = new URLSearchParams();
      list.querySelectorAll("[data-slot]").forEach(function (row) { params.append("slot", row.dataset.slot); });
      fetch(list.dataset.reorderUrl, {
        method: "POST",
        body: params,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf() },
      }).then(function () { window.location.reload(); }, function () { window.location.reload(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#slots[data-reorder-url]").forEach(wire);
  });
})();
