// The quiz works without this file; it adds the exam countdown and keyboard shortcuts.
(function () {
  "use strict";

  // Controls that only work with this script are sent hidden, with data-needs-js; show them.
  function showScripted() {
    document.querySelectorAll("[data-needs-js][hidden]").forEach(function (el) { el.hidden = false; });
  }

  // -- Exam countdown -------------------------------------------------------
  // The server owns the deadline; this only shows it. role="timer" is not
  // announced as it ticks; the button (and the 5- and 1-minute marks) speak
  // the time through a polite live region.
  function describe(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    if (m === 0) return s + (s === 1 ? " second" : " seconds");
    return m + (m === 1 ? " minute " : " minutes ") + s + (s === 1 ? " second" : " seconds");
  }

  var ticking = null;
  function startTimer() {
    var el = document.getElementById("time-left");
    if (!el || el.dataset.started) return;
    el.dataset.started = "yes";
    var deadline = Date.parse(el.dataset.deadline);
    var status = document.getElementById("time-status");
    var button = document.getElementById("say-time");
    var spoken = {};
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = "Time left: " + el.textContent + ".";
      });
    }
    if (ticking) clearInterval(ticking);
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      el.textContent = describe(left);
      [300, 60].forEach(function (mark) {
        if (left <= mark && left > mark - 5 && !spoken[mark]) {
          spoken[mark] = true;
          status.textContent = "Time left: " + describe(mark) + ".";
        }
      });
      if (left === 0) {
        clearInterval(ticking);
        window.location.reload(); // the server has ended the exam; show that
      }
    }
    tick();
    ticking = setInterval(tick, 1000);
  }

  // -- Keyboard shortcuts ---------------------------------------------------
  function typingIn(target) {
    return target.isContentEditable || target.tagName === "TEXTAREA" ||
      (target.tagName === "INPUT" && !/^(radio|checkbox)$/.test(target.type));
  }

  // 1 to 9: the Nth option (single, true/false, select-all, highlight) or, in a matrix, the Nth column of the
  // row that has focus. In an ordering or cloze the focused list takes the key itself (its places are numbers).
  function choiceFor(form, target, n) {
    if (form.querySelector("table.matrix")) {
      var row = target.closest && target.closest("table.matrix tbody tr");
      return row ? row.querySelectorAll("input[type=radio]")[n - 1] : null;
    }
    return form.querySelectorAll("input[name=option]")[n - 1];
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
    var form = document.getElementById("question-form");
    var fieldset = form && form.querySelector("fieldset");
    var open = fieldset && !fieldset.disabled && !form.hasAttribute("data-closed");
    // a focused list keeps its own letters and digits (they pick its options); only Enter is taken from it
    var inList = event.target.tagName === "SELECT";
    if (/^[1-9]$/.test(event.key) && open && !inList) {
      var choice = choiceFor(form, event.target, Number(event.key));
      if (choice) {
        event.preventDefault();
        choice.click();
        choice.focus();
      }
    } else if (event.key === "Enter" && open && !/^(BUTTON|A|SUMMARY)$/.test(event.target.tagName)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (!inList && /^[nNpP]$/.test(event.key)) {
      var which = event.key.toLowerCase() === "n" ? "next" : "previous";
      var link = document.querySelector("[data-shortcut=" + which + "]");
      if (link) {
        event.preventDefault();
        link.click();
      }
    }
  });

  // A case study's record: sections with headings and in-page links without JavaScript; here an ARIA tablist
  // (arrow keys, Home and End move between tabs), opening on the tab with what is new at this step.
  function recordTabs() {
    document.querySelectorAll("[data-record]:not(.has-tabs)").forEach(function (record) {
      var panels = Array.prototype.slice.call(record.querySelectorAll(".record-tab"));
      if (panels.length < 2) { return; }
      var list = document.createElement("div");
      list.className = "record-tablist";
      list.setAttribute("role", "tablist");
      list.setAttribute("aria-label", "Client record");
      var tabs = panels.map(function (panel) {
        var tab = document.createElement("button");
        tab.type = "button";
        tab.id = panel.id + "-tab";
        tab.textContent = panel.dataset.tabLabel;
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-controls", panel.id);
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
        panel.tabIndex = 0;
        list.appendChild(tab);
        return tab;
      });
      function select(index, focus) {
        tabs.forEach(function (tab, i) {
          var on = i === index;
          tab.setAttribute("aria-selected", on ? "true" : "false");
          tab.tabIndex = on ? 0 : -1;
          panels[i].hidden = !on;
        });
        if (focus) { tabs[index].focus(); }
      }
      tabs.forEach(function (tab, i) {
        tab.addEventListener("click", function () { select(i, false); });
        tab.addEventListener("keydown", function (event) {
          var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
          if (next === undefined) { return; }
          event.preventDefault();
          event.stopPropagation();
          select((next + tabs.length) % tabs.length, true);
        });
      });
      var links = record.querySelector("[data-record-links]");
      if (links) { links.hidden = true; }
      panels[0].parentNode.insertBefore(list, panels[0]);
      record.classList.add("has-tabs");
      var fresh = panels.findIndex(function (panel) { return panel.hasAttribute("data-new"); });
      select(fresh < 0 ? 0 : fresh, false);
    });
  }

  document.addEventListener("DOMContentLoaded", recordTabs);
  document.addEventListener("htmx:afterSettle", recordTabs);
  document.addEventListener("DOMContentLoaded", startTimer);
  document.addEventListener("htmx:afterSettle", startTimer);
  document.addEventListener("DOMContentLoaded", showScripted);
  document.addEventListener("htmx:afterSettle", showScripted);
})();
