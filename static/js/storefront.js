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
  // The header's toast (#cart-notice) empties itself a few seconds after an add to cart; the region
  // stays, only its content goes.
  var toastTimer = null;
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "cart-notice") return;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { event.detail.target.replaceChildren(); }, 6000);
  });
  // A card's size picker closes once its add to cart went through.
  document.addEventListener("htmx:afterRequest", function (event) {
    var slot = event.detail.successful && event.detail.elt.closest && event.detail.elt.closest("[data-quick-add]");
    if (slot) slot.replaceChildren();
  });
  // The listing's filter drawer stays open while its filters redraw the listing underneath;
  // "Apply filters" (a submit) or a chip closes it.
  var drawerWasOpen = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var drawer = document.getElementById("filters-drawer");
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    drawerWasOpen = Boolean(drawer && drawer.open && event.detail.target.id === "listing" && trigger && trigger.type === "change");
  });
  document.addEventListener("htmx:afterSwap", function () {
    var drawer = document.getElementById("filters-drawer");
    if (drawerWasOpen && drawer) drawer.open = true;
    drawerWasOpen = false;
  });
  // A swap that takes away the focused control ("Remove", "Stop the alert", "Mark as read") would
  // drop keyboard focus to the start of the page. htmx keeps focus on a control whose id the new
  // content has again; otherwise focus goes to the swapped region's notice ([role="status"]), else
  // to the place it names (data-focus-after-swap), its first heading or the region itself, so a
  // keyboard or screen reader user carries on where they were.
  var focusLost = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    focusLost = active && active !== document.body && target && target.contains(active) ? { target: target, id: target.id } : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.target;
    if (!focusLost || !(region === focusLost.target || (focusLost.id && region.id === focusLost.id))) return;
    focusLost = null;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var notice = Array.from(region.querySelectorAll('[role="status"], [role="alert"]')).find(function (el) { return el.textContent.trim(); });
    var spot = notice || region.querySelector("[data-focus-after-swap]") || region.querySelector("h1, h2, h3") || region;
    if (!spot.hasAttribute("tabindex")) spot.setAttribute("tabindex", "-1");
    spot.focus();
  });
  // The header search is an ARIA combobox over the suggestions htmx swaps in: arrow keys move
  // aria-activedescendant, Enter opens the active option (or searches), Escape closes the list.
  function comboboxParts() {
    var input = document.getElementById("site-search");
    var list = document.getElementById("search-suggestions-list");
    return input && list ? { input: input, list: list, options: Array.from(list.querySelectorAll('[role="option"]')) } : null;
  }
  function showList(parts, shown) {
    parts.list.hidden = !shown || parts.options.length === 0;
    parts.input.setAttribute("aria-expanded", String(!parts.list.hidden));
    if (parts.list.hidden) setActive(parts, -1);
  }
  function setActive(parts, index) {
    parts.options.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === index)); });
    if (index >= 0) {
      parts.input.setAttribute("aria-activedescendant", parts.options[index].id);
      parts.options[index].scrollIntoView({ block: "nearest" });
    } else {
      parts.input.removeAttribute("aria-activedescendant");
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "search-suggestions") return;
    var parts = comboboxParts();
    if (!parts) return;
    setActive(parts, -1);
    showList(parts, document.activeElement === parts.input);
  });
  document.addEventListener("keydown", function (event) {
    if (!event.target || event.target.id !== "site-search") return;
    var parts = comboboxParts();
    if (!parts) return;
    var count = parts.options.length;
    var active = parts.options.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && count) {
      event.preventDefault();
      if (parts.list.hidden) showList(parts, true);
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive(parts, active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
    } else if (event.key === "Enter" && active >= 0 && !parts.list.hidden) {
      event.preventDefault();
      window.location.assign(parts.options[active].dataset.href);
    } else if (event.key === "Escape" && !parts.list.hidden) {
      event.preventDefault();
      showList(parts, false);
    }
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('#search-suggestions-list [role="option"]');
    if (option) { window.location.assign(option.dataset.href); return; }
    var parts = comboboxParts();
    if (parts && !parts.list.hidden && !event.target.closest("[data-combobox]")) showList(parts, false);
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
  // For other scripts (banners.js): marqueCsrfToken.now() is the page's real token or "";
  // marqueCsrfToken() a promise of one, fetched (once, shared with the forms) when the page holds none.
  function currentToken() {
    try {
      var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      return token === PLACEHOLDER ? "" : token;
    } catch (error) {
      return "";
    }
  }
  window.marqueCsrfToken = function () {
    var token = currentToken();
    return token ? Promise.resolve(token) : fetchToken().then(function (fetched) { fillToken(fetched); return fetched; });
  };
  window.marqueCsrfToken.now = currentToken;
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
