/* "Print this sheet": shown only when JavaScript can print; without it the browser's own Print
 * command does the same, and the print stylesheet makes the sheet either way. */
(function () {
  "use strict";

  var wrapper = document.querySelector("[data-print]");
  var button = wrapper && wrapper.querySelector("button");
  if (!button || !window.print) {
    return;
  }
  wrapper.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
