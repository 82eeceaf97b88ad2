// The quiz works without this file; it adds the exam countdown and keyboard shortcuts.
(function () {
  "use strict";

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
    return target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
      (target.tagName === "INPUT" && !/^(radio|checkbox)$/.test(target.type));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
    var form = document.getElementById("question-form");
    var fieldset = form && form.querySelector("fieldset");
    var open = fieldset && !fieldset.disabled;
    if (/^[1-9]$/.test(event.key) && open) {
      var choices = form.querySelectorAll("input[name=option]");
      var choice = choices[Number(event.key) - 1];
      if (choice) {
        event.preventDefault();
        choice.click();
        choice.focus();
      }
    } else if (event.key === "Enter" && open && !/^(BUTTON|A|SUMMARY)$/.test(event.target.tagName)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "n" || event.key === "N" || event.key === "p" || event.key === "P") {
      var which = event.key.toLowerCase() === "n" ? "next" : "previous";
      var link = document.querySelector("[data-shortcut=" + which + "]");
      if (link) {
        event.preventDefault();
        link.click();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", startTimer);
  document.addEventListener("htmx:afterSettle", startTimer);
})();
