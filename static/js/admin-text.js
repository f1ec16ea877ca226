// The admin's text fields (iserlohn_digital/admin_widgets.py): a count of the characters
// of a field with a limit, and the preview of Markdown as the public page will show it,
// rendered by the server a moment after typing stops. Without JavaScript the browser
// still stops at the limit and the preview shows the text as saved.
(function () {
  "use strict";
  var PAUSE = 600; // milliseconds after the last keystroke

  function later(action) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(action, PAUSE);
    };
  }

  // The visible count follows every keystroke; screen readers hear it once typing pauses,
  // not after every letter.
  function count(field) {
    var limit = field.maxLength;
    var shown = document.createElement("p");
    var spoken = document.createElement("p");
    shown.className = "char-counter";
    shown.setAttribute("aria-hidden", "true");
    spoken.className = "visually-hidden";
    spoken.id = field.id + "_count";
    spoken.setAttribute("aria-live", "polite");
    function text() {
      return field.value.length + " von " + limit + " Zeichen";
    }
    shown.textContent = spoken.textContent = text();
    field.insertAdjacentElement("afterend", spoken);
    field.insertAdjacentElement("afterend", shown);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + spoken.id);
    var speak = later(function () {
      spoken.textContent = text();
    });
    field.addEventListener("input", function () {
      shown.textContent = text();
      speak();
    });
  }

  function preview(body) {
    var field = document.getElementById(body.getAttribute("data-preview-for"));
    var token = field && field.form && field.form.querySelector("[name=csrfmiddlewaretoken]");
    if (!token || !window.fetch) {
      return;
    }
    var shownText = field.value;
    var asked = 0;
    function refresh() {
      if (field.value === shownText) {
        return;
      }
      var text = field.value;
      var number = (asked += 1);
      window
        .fetch(body.getAttribute("data-preview-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token.value },
          body: new URLSearchParams({ text: text }),
        })
        .then(function (response) {
          return response.text().then(function (answer) {
            if (number !== asked) {
              return; // a later request is under way
            }
            if (response.ok) {
              body.innerHTML = answer; // sanitized by the server (render_markdown)
              shownText = text;
            } else {
              body.textContent = answer || "Die Vorschau ist gerade nicht möglich.";
            }
          });
        })
        .catch(function () {
          body.textContent = "Die Vorschau ist gerade nicht möglich; der Text bleibt erhalten.";
        });
    }
    field.addEventListener("input", later(refresh));
  }

  document.querySelectorAll("textarea[data-count][maxlength]").forEach(count);
  document.querySelectorAll("[data-preview-for]").forEach(preview);
})();
