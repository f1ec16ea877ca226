// The admin's date widgets (Django's DateTimeShortcuts) warn "Note: Enter times in the
// … timezone" next to every date and time field when the computer's clock is in another
// time zone than the server. A date alone has no time to convert, so the warning stays
// only beside time fields (the time half of a date-and-time field). Loaded with defer: it
// runs after the form's scripts and before DateTimeShortcuts.init on window load.
(function () {
  "use strict";
  var shortcuts = window.DateTimeShortcuts;
  if (!shortcuts) {
    return;
  }
  var addWarning = shortcuts.addTimezoneWarning;
  shortcuts.addTimezoneWarning = function (input) {
    if (input.classList.contains("vTimeField")) {
      addWarning.call(shortcuts, input);
    }
  };
})();
