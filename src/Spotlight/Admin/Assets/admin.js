// Spotlight admin console: the only script. Refreshes the dashboard's counters from a JSON endpoint; every page
// works without it.
(function () {
  "use strict";
  var live = document.querySelector("[data-live-source]");
  if (!live || !window.fetch) { return; }
  var source = live.getAttribute("data-live-source");
  var interval = Math.max(1000, parseInt(live.getAttribute("data-live-interval"), 10) || 15000);
  function refresh() {
    if (document.hidden) { return; }
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (tiles) {
        if (!tiles) { return; }
        Object.keys(tiles).forEach(function (key) {
          document.querySelectorAll('[data-tile="' + key + '"]').forEach(function (element) {
            if (element.textContent !== tiles[key]) { element.textContent = tiles[key]; }
          });
        });
      })
      .catch(function () { /* the next round tries again */ });
  }
  setInterval(refresh, interval);
})();
