// The page shown while the task worker makes a PDF: asks every few seconds whether the
// document is ready and then opens it, as the page says. Without JavaScript the page
// offers a link to ask again.
(function () {
  "use strict";
  var status = document.querySelector("[data-pdf-wait]");
  if (!status || !window.fetch) {
    return;
  }
  var address = status.getAttribute("data-pdf-wait");
  var seconds = Number(status.getAttribute("data-retry-after")) || 3;
  var tries = 0;

  function check() {
    tries += 1;
    window
      .fetch(address, { method: "HEAD", credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 200) {
          window.location.replace(address);
        } else if (response.status === 202 && tries < 100) {
          window.setTimeout(check, seconds * 1000);
        }
      })
      .catch(function () {
        if (tries < 100) {
          window.setTimeout(check, seconds * 1000);
        }
      });
  }

  window.setTimeout(check, seconds * 1000);
})();
