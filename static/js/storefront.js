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
  // A page served from the shared cache holds a placeholder where a CSRF token goes
  // (storefront/page_cache.py). Before the first POST, form or HTMX, a real token is fetched and put
  // in its place; without JavaScript the server asks the shopper to confirm instead.
  var PLACEHOLDER = "csrf-token-on-request";
  var tokenRequest = null;
  function fetchToken() {
    tokenRequest = tokenRequest || fetch("/csrf/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error("csrf " + response.status); return response.json(); })
      .then(function (data) { return data.token; })
      .catch(function (error) { tokenRequest = null; throw error; });
    return tokenRequest;
  }
  function fillToken(token) {
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      if (input.value === PLACEHOLDER) input.value = token;
    });
    var headers = document.body.getAttribute("hx-headers");
    if (headers && headers.indexOf(PLACEHOLDER) !== -1) document.body.setAttribute("hx-headers", headers.split(PLACEHOLDER).join(token));
  }
  function pageNeedsToken() {
    return (document.body.getAttribute("hx-headers") || "").indexOf(PLACEHOLDER) !== -1 ||
      document.querySelector('input[name="csrfmiddlewaretoken"][value="' + PLACEHOLDER + '"]') !== null;
  }
  document.addEventListener("htmx:confirm", function (event) {
    if (event.detail.verb === "get" || !pageNeedsToken()) return;
    event.preventDefault();
    var send = function () { event.detail.issueRequest(true); };
    fetchToken().then(function (token) { fillToken(token); send(); }, send);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector && form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (event.defaultPrevented || !input || input.value !== PLACEHOLDER) return;
    event.preventDefault();
    var send = function () { form.submit(); };
    fetchToken().then(function (token) { fillToken(token); send(); }, send);
  });
})();
