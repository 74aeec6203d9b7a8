// Banner impressions: a banner counts once per page view, when at least half of it is on screen.
// Reads the endpoint from <body data-banner-impressions-url> and the CSRF token through storefront.js's
// marqueCsrfToken (on a page from the shared cache it is fetched as soon as a banner is seen, so it is
// ready even when the page is left);
// banners are elements carrying data-banner-id. Without this file the shop works, uncounted.
(function () {
  "use strict";
  var MAX_PER_REQUEST = 20; // the server refuses bigger batches
  var DEBOUNCE_MS = 1000;

  var url = document.body && document.body.dataset.bannerImpressionsUrl;
  if (!url || !("IntersectionObserver" in window)) return;

  var seen = new Set();
  var pending = [];
  var timer = null;

  // storefront.js keeps the token: a page from the shared cache holds none until it is fetched.
  var csrf = window.marqueCsrfToken;
  function noop() {}

  function post(ids, leaving, known) {
    var token = known || (csrf ? csrf.now() : "");
    if (!token) {
      // Not fetched yet: count these once a token comes (never asking again for the same batch).
      if (csrf) csrf().then(function (real) { if (real) post(ids, leaving, real); }, noop);
      return;
    }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    ids.forEach(function (id) { data.append("ids", id); });
    // On the way out only a beacon is sure to leave; otherwise fetch (keepalive) is as good.
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, data)) return;
    fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true }).catch(noop);
  }

  function flush(leaving) {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    while (pending.length) post(pending.splice(0, MAX_PER_REQUEST), leaving);
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting || entry.intersectionRatio < 0.5) return;
      observer.unobserve(entry.target);
      var id = entry.target.dataset.bannerId;
      if (!/^[0-9]+$/.test(id || "") || seen.has(id)) return;
      seen.add(id);
      pending.push(id);
    });
    if (!pending.length) return;
    if (csrf) csrf().catch(noop); // under way while the batch waits
    if (timer === null) timer = setTimeout(function () { flush(false); }, DEBOUNCE_MS);
  }, { threshold: 0.5 });

  function watch(root) {
    if (root.matches && root.matches("[data-banner-id]")) observer.observe(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-banner-id]").forEach(function (el) { observer.observe(el); });
  }

  watch(document);
  // Banners that htmx swaps in later count too (still once per page view).
  document.addEventListener("htmx:load", function (event) { watch(event.detail.elt); });
  window.addEventListener("pagehide", function () { flush(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
  });
})();
