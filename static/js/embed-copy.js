// "Code kopieren" beside the embed code of a Steckbrief: copies the code to the clipboard
// and says so. Without JavaScript or a clipboard the button stays hidden; the code can be
// selected and copied by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!source || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () {
          status.textContent = "Der Code ist kopiert.";
        },
        function () {
          source.select();
          status.textContent = "Kopieren nicht möglich: Der Code ist markiert, bitte mit Strg+C kopieren.";
        }
      );
    });
  });
})();
