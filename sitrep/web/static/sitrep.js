// sitrep dashboard: sortable tables and layer toggles. No inline handlers, no
// external code; served from /static under a script-src 'self' policy.
"use strict";
(function () {
  function cellValue(row, index, kind) {
    var cell = row.children[index];
    var text = cell ? cell.textContent.trim() : "";
    if (kind === "num") { var n = parseFloat(text.replace(/,/g, "")); return isNaN(n) ? -Infinity : n; }
    return text.toLowerCase();
  }
  function makeSortable(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      th.addEventListener("click", function () {
        var kind = th.getAttribute("data-sort") || "text";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function layerToggles() {
    var box = document.getElementById("layer-toggles");
    var text = document.getElementById("article-text");
    if (!box || !text) return;
    box.querySelectorAll("input[data-layer]").forEach(function (input) {
      input.addEventListener("change", function () {
        text.classList.toggle("hide-" + input.getAttribute("data-layer"), !input.checked);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    layerToggles();
  });
})();
