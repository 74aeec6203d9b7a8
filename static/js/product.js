// The product page's gallery and buy button; the page works without this file (thumbnails are
// anchors to their pictures, the buy button links to the picker it asks for).
(function () {
  "use strict";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function gallery() { return document.getElementById("product-gallery"); }
  function markThumb(index) {
    document.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb, i) {
      if (i === index) thumb.setAttribute("aria-current", "true"); else thumb.removeAttribute("aria-current");
    });
  }
  // A thumbnail scrolls the row of pictures to its own, without a history entry or a page jump.
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest && event.target.closest("[data-gallery-thumb]");
    var strip = gallery();
    if (!thumb || !strip) return;
    var slide = document.getElementById(thumb.getAttribute("href").slice(1));
    if (!slide) return;
    event.preventDefault();
    var offset = slide.getBoundingClientRect().left - strip.getBoundingClientRect().left;
    strip.scrollBy({ left: offset, behavior: reduceMotion ? "auto" : "smooth" });
    markThumb(Array.from(document.querySelectorAll("[data-gallery-thumb]")).indexOf(thumb));
  });
  // A swipe moves the current thumbnail along.
  var settle = null;
  document.addEventListener("scroll", function (event) {
    var strip = gallery();
    if (event.target !== strip) return;
    clearTimeout(settle);
    settle = setTimeout(function () { markThumb(Math.round(strip.scrollLeft / Math.max(strip.clientWidth, 1))); }, 120);
  }, true);
  // "Select a size" takes the shopper to the first size they can pick.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-variant]");
    if (!button) return;
    var picker = document.getElementById(button.getAttribute("href").slice(1));
    var first = picker && picker.querySelector("input:not([disabled])");
    if (!first) return;
    event.preventDefault();
    picker.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
    first.focus({ preventScroll: true });
  });
})();
