// The register's filters fold behind one button on a phone; on a wide screen, where there is
// room, they start unfolded. Without this script they stay folded: one tap opens them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(min-width: 48rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) { panel.open = true; });
  });
})();
