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
  // A plain select fires a native change event; select2 (the autocomplete) fires jQuery events only.
  document.addEventListener("change", function (event) { if (isPassage(event.target)) show(event.target); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change select2:select", "select[id$='-passage']", function () { show(this); });
    }
  });
})();
