/* "Leave this site": progressive enhancement of the quick-exit link (see /staying-safe-online/).
 *
 * Without JavaScript the link is an ordinary link to a neutral site. With it, leaving replaces this
 * page in the tab's history, so Back does not return here, and pressing Shift three times within
 * a second leaves too, from anywhere on the page. Any other key in between starts the count again,
 * so typing capital letters does not leave by accident.
 */
(function () {
  "use strict";

  var link = document.querySelector("[data-quick-exit]");
  if (!link || !link.href || !window.location || !window.location.replace) {
    return;
  }

  var WINDOW_MS = 1000;
  var presses = [];

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.body.classList.add("app-body--leaving");
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = [];
      return;
    }
    if (event.repeat) {
      return; // holding Shift down is one press
    }
    var now = Date.now();
    presses = presses.filter(function (time) {
      return now - time < WINDOW_MS;
    });
    presses.push(now);
    if (presses.length >= 3) {
      presses = [];
      leave();
    }
  });

  // Coming back to a page kept in the browser's back-forward cache: show it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.body.classList.remove("app-body--leaving");
    }
  });
})();
