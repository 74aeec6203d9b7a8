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
  // Filter forms marked data-drop-empty leave empty fields out, so shared URLs stay short.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("[data-drop-empty]")) return;
    var params = event.detail.parameters;
    var keys = params instanceof FormData ? Array.from(params.keys()) : Object.keys(params);
    keys.forEach(function (key) {
      var values = params instanceof FormData ? params.getAll(key) : [].concat(params[key]);
      if (values.every(function (v) { return v === ""; })) {
        if (params instanceof FormData) params.delete(key); else delete params[key];
      }
    });
  });
})();
