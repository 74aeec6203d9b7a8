// Small progressive enhancements; the pages work without this file.
(function () {
  "use strict";
  // Color swatches carry their color in data-swatch (CSP forbids inline style attributes).
  function paintSwatches(root) {
    root.querySelectorAll("[data-swatch]").forEach(function (el) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(el.dataset.swatch)) el.style.backgroundColor = el.dataset.swatch;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paintSwatches(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintSwatches(event.target); });
})();
