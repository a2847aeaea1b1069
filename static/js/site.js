/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  // Forms marked in the templates (no inline on*="" handlers: the
  // Content-Security-Policy forbids them). Delegated, so every form counts.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    // data-confirm="question": the user confirms before the form is sent.
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // data-submit-once["=label"]: a second click (a double tap on a slow
    // network) sends nothing; with a label the button says it is sending.
    if (form.hasAttribute("data-submit-once")) {
      var button = form.querySelector("button[type=submit]") || form.querySelector("button");
      if (!button) {
        return;
      }
      if (button.dataset.sent) {
        event.preventDefault();
        return;
      }
      button.dataset.sent = "1";
      var label = form.getAttribute("data-submit-once");
      if (label) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = label;
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Phone menu: the nav is visible without JS; with JS it folds behind a button.
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        nav.classList.toggle("is-open", !open);
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && nav.classList.contains("is-open")) {
          toggle.setAttribute("aria-expanded", "false");
          nav.classList.remove("is-open");
          toggle.focus();
        }
      });
    }
    // Print buttons (hidden without JS: the browser's own print still works).
    var printButtons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < printButtons.length; i++) {
      printButtons[i].hidden = false;
      printButtons[i].addEventListener("click", function () {
        window.print();
      });
    }
  });
})();
