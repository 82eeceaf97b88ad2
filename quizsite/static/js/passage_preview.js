// Admin: show the chosen passage's text beside the quote, and mark the quote in it as it is typed.
// Without this script the passage text is shown, quote marked, once the citation is saved.
(function () {
  "use strict";

  function parts(box) {
    return {
      target: box.querySelector(".field-passage_text .readonly"),
      quote: box.querySelector("textarea[id$='-quote']"),
      select: box.querySelector("select[id$='-passage']"),
    };
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // The same test as the server's (the quote, stripped, is in the passage exactly), said beside the quote.
  function mark(box) {
    var p = parts(box);
    if (!p.target || p.target.dataset.text === undefined) return;
    var text = p.target.dataset.text;
    var quote = p.quote ? p.quote.value.trim() : "";
    var at = quote ? text.indexOf(quote) : -1;
    p.target.innerHTML = at < 0 ? escapeHtml(text) :
      escapeHtml(text.slice(0, at)) + "<mark>" + escapeHtml(quote) + "</mark>" + escapeHtml(text.slice(at + quote.length));
    var status = box.querySelector(".quote-status");
    if (!status && p.quote) {
      status = document.createElement("p");
      status.className = "quote-status help";
      status.setAttribute("aria-live", "polite");
      p.quote.insertAdjacentElement("afterend", status);
    }
    if (status) {
      status.textContent = !quote ? "" : at < 0 ? "Not found word for word in the passage yet." :
        "Found word for word in the passage: it is marked above.";
    }
  }

  function show(box) {
    var p = parts(box);
    if (!p.target || !p.select || !p.select.value) return;
    fetch("/teach/passages/" + encodeURIComponent(p.select.value) + ".json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        p.target.dataset.text = data.text;
        mark(box);
      });
  }

  function boxOf(el) {
    return el && el.closest ? el.closest(".inline-related") : null;
  }

  // Only a person's choice counts: select2 (the autocomplete) also fires "change" as it sets up.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[id$='-passage']") &&
        !select.classList.contains("select2-hidden-accessible")) show(boxOf(select));
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[id$='-quote']")) {
      var box = boxOf(event.target);
      if (box && parts(box).target && parts(box).target.dataset.text === undefined) show(box);
      else if (box) mark(box);
    }
  });
  // The server shows each chosen passage (a refused new row's too); its text is fetched for live marking only
  // when its quote is first typed in, so a page with many citations does not send a burst of requests.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("select2:select", "select[id$='-passage']", function () { show(boxOf(this)); });
    }
  });
})();
