// "Add a member" (and any formset with an empty-row <template>): the button
// <button data-formset-add="PREFIX"> clones <template id="PREFIX-empty-row"> into the table marked
// data-formset-body="PREFIX", numbering the new row and raising PREFIX-TOTAL_FORMS. Without JavaScript the same
// button submits the form and the server adds a row.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) { return; }
    var prefix = button.dataset.formsetAdd;
    var template = document.getElementById(prefix + "-empty-row");
    var body = document.querySelector("[data-formset-body='" + prefix + "'] tbody");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !body || !total) { return; }
    event.preventDefault();
    var count = parseInt(total.value, 10);
    if (max && count >= parseInt(max.value, 10)) { button.disabled = true; return; }
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(count));
    var row = holder.firstElementChild;
    body.appendChild(row);
    total.value = String(count + 1);
    var first = row.querySelector("input[type=text], select");
    if (first) { first.focus(); }
  });
})();
