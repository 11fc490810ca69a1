// The period picker (core/period_picker.py): one button per kind of period shows only that
// kind's options. Without this script every kind is listed in one <select>; nothing is lost.
(function () {
  "use strict";

  // The first and last months (YYYYMM) of a DHIS2 period: 202603, 2026Q1, 2026S1, 2026.
  function months(id) {
    var match = /^(\d{4})(?:(\d{2})|Q(\d)|S(\d))?$/.exec(id || "");
    if (!match) return null;
    var year = Number(match[1]) * 100;
    if (match[2]) return [year + Number(match[2]), year + Number(match[2])];
    var span = match[3] ? 3 : match[4] ? 6 : 12;
    var first = year + (Number(match[3] || match[4] || 1) - 1) * span + 1;
    return [first, first + span - 1];
  }

  function show(picker, kind, keepSelection) {
    var select = picker.querySelector("select");
    var chosen = months(select.value);
    var target = null;
    select.querySelectorAll("optgroup").forEach(function (group) {
      var shown = group.dataset.kind === kind;
      group.hidden = !shown;
      group.disabled = !shown;
      if (!shown || keepSelection) return;
      // Over the same time as the period chosen before: the reporting period if it is one of
      // those, else the latest (options run newest first); over no such time, the reporting period.
      var fallback = group.querySelector("option[data-default]") || group.querySelector("option");
      var overlapping = Array.prototype.filter.call(group.querySelectorAll("option"), function (option) {
        var span = months(option.value);
        return chosen && span && span[0] <= chosen[1] && chosen[0] <= span[1];
      });
      target = overlapping.indexOf(fallback) >= 0 ? fallback : overlapping[0] || fallback;
    });
    if (target) target.selected = true;
    picker.querySelectorAll("button.period-kind").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.kind === kind));
    });
  }

  function start(root) {
    root.querySelectorAll("[data-period-picker]:not([data-ready])").forEach(function (picker) {
      picker.dataset.ready = "1";
      var kinds = picker.querySelector(".period-kinds");
      kinds.hidden = false;
      // A filter left at "any period" lists the months; the blank option stays offered.
      show(picker, picker.dataset.kind || "month", true);
      kinds.addEventListener("click", function (event) {
        var button = event.target.closest("button.period-kind");
        if (button) show(picker, button.dataset.kind, false);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
  // Parts of a page replaced by htmx may bring a picker of their own.
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
