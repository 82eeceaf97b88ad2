// Admin: show the controls that need JavaScript (the theme toggle), and give the autocomplete (select2, as
// Django's admin ships it) the names and ARIA attributes it leaves out: a label for its combobox and search
// field, aria-controls while it is open, and a landmark around its list, which it appends to <body>.
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label && !label.id) label.id = select.id + "-label";
    return label;
  }

  // The combobox is labelled by its rendered choice alone (empty on a new row): add the field's label.
  function nameCombobox(select) {
    var box = select.nextElementSibling && select.nextElementSibling.querySelector("[role=combobox]");
    var label = labelFor(select);
    if (!box || !label) return;
    var ids = (box.getAttribute("aria-labelledby") || "").split(" ").filter(function (id) { return id && id !== label.id; });
    box.setAttribute("aria-labelledby", [label.id].concat(ids).join(" "));
    // its read-only "textbox" (the rendered choice) is named by the label and by what it shows
    var rendered = box.querySelector("[role=textbox][id]");
    if (rendered) rendered.setAttribute("aria-labelledby", label.id + " " + rendered.id);
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete.select2-hidden-accessible").forEach(nameCombobox);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-needs-js][hidden]").forEach(function (el) { el.hidden = false; });
    nameAll();
    document.addEventListener("formset:added", function () { setTimeout(nameAll, 0); });
    if (!(window.django && window.django.jQuery)) return;
    var $ = window.django.jQuery;
    $(document).on("select2:open", function (event) {
      var select = event.target;
      nameCombobox(select);
      var label = labelFor(select);
      var name = label ? label.textContent.replace(/:$/, "").trim() : "the list";
      var container = document.querySelector("body > .select2-container--open");
      if (container) {
        container.setAttribute("role", "region");
        container.setAttribute("aria-label", "Choices for " + name);
      }
      var field = document.querySelector(".select2-container--open .select2-search__field");
      if (field) field.setAttribute("aria-label", "Search " + name);
      var box = select.nextElementSibling && select.nextElementSibling.querySelector("[role=combobox]");
      if (box && box.getAttribute("aria-owns")) box.setAttribute("aria-controls", box.getAttribute("aria-owns"));
    });
    $(document).on("select2:close", function (event) {
      var box = event.target.nextElementSibling && event.target.nextElementSibling.querySelector("[role=combobox]");
      if (box) box.removeAttribute("aria-controls");
    });
  });
})();
