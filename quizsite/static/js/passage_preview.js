// Admin: show the chosen passage's text next to the quote while it is written.
(function () {
  "use strict";
  function show(select) {
    var box = select.closest(".inline-related");
    if (!box || !select.value) return;
    var target = box.querySelector(".field-passage_text .readonly");
    if (!target) return;
    fetch("/teach/passages/" + encodeURIComponent(select.value) + ".json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) target.textContent = data.text; });
  }
  function isPassage(el) {
    return el && el.matches && el.matches("select[id$='-passage']");
  }
  // Only a person's choice counts: select2 (the autocomplete) also fires "change" as it sets up
  // the existing citations, and their passages are already shown with the quote marked.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (isPassage(select) && !select.classList.contains("select2-hidden-accessible")) show(select);
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("select2:select", "select[id$='-passage']", function () { show(this); });
    }
  });
})();
