// The catalogue's filters sit behind one button ("Filter und Sortierung") so that on a
// phone the results follow the search field at once. Where the screen is wide enough to
// show them beside the results' start, they are opened. Without JavaScript the button
// opens them.
(function () {
  "use strict";
  var filters = document.querySelector("[data-open-wide]");
  if (filters && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    filters.open = true;
  }
})();
