// The period picker (core/period_picker.py): one button per kind of period shows only that
// kind's options. Without this script every kind is listed in one <select>; nothing is lost.
(function () {
  "use strict";

  function show(picker, kind, keepSelection) {
    var select = picker.querySelector("select");
    var current = select.selectedOptions[0];
    var month = current && current.dataset.first ? Number(current.dataset.first) : 0;
    var target = null;
    select.querySelectorAll("optgroup").forEach(function (group) {
      var shown = group.dataset.kind === kind;
      group.hidden = !shown;
      group.disabled = !shown;
      if (!shown || keepSelection) return;
      // The period of this kind holding the one chosen before, else the reporting period.
      group.querySelectorAll("option").forEach(function (option) {
        if (month && Number(option.dataset.first) <= month && month <= Number(option.dataset.last)) target = option;
      });
      target = target || group.querySelector("option[data-default]") || group.querySelector("option");
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
