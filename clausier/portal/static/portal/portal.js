/* The portal's own script, loaded after htmx (docs/portal.md "HTMX"). No inline script
   and no eval anywhere: the pages need neither 'unsafe-inline' nor 'unsafe-eval'.
   Everything here is an enhancement: each page works without it. */
(function () {
  "use strict";
  /* The language selector submits on change (its <noscript> button does it without). */
  document.addEventListener("change", function (event) {
    if (event.target.id === "language-select") event.target.form.submit();
  });
  /* A region that refreshes itself (hx-trigger="every 30s") waits while the person is
     typing in it: a refresh would throw away a half-written comment. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = event.detail.elt;
    if (!region.hasAttribute || !region.hasAttribute("data-pause-while-focused")) return;
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) event.preventDefault();
  });
  /* A marker the browser tests read to prove an update did not reload the page. */
  window.clausierPageLoadedAt = window.clausierPageLoadedAt || Date.now();
})();
