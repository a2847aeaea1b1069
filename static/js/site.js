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
    // A refused field the server marked (autofocus) takes the focus where the
    // browser left it alone (a page opened at a fragment, phones), without
    // scrolling away from the card the fragment opened.
    var marked = document.querySelector("[autofocus][aria-invalid=true]");
    if (marked) {
      // After load: the browser's own scroll to the fragment comes first.
      window.addEventListener("load", function () {
        if (document.activeElement !== marked) {
          marked.focus({ preventScroll: true });
        }
      });
    }
    // Conditional form fields (data-when='[{"field": "x", "values": [...]}]',
    // applications.form_conditions): shown while one rule holds, without a
    // reload. The server decides again on every save; this only follows
    // the choices on the page.
    var conditional = document.querySelectorAll("[data-when]");
    function currentValue(form, name) {
      var inputs = form.querySelectorAll("[name='" + name + "']");
      for (var k = 0; k < inputs.length; k++) {
        var input = inputs[k];
        if (input.type === "checkbox") {
          return input.checked;
        }
        if (input.type === "radio") {
          if (input.checked) {
            return input.value;
          }
          continue;
        }
        return input.value;
      }
      return null;
    }
    function refreshConditions() {
      for (var c = 0; c < conditional.length; c++) {
        var box = conditional[c];
        var rules;
        try {
          rules = JSON.parse(box.getAttribute("data-when"));
        } catch (e) {
          continue;
        }
        var form = box.closest("form");
        if (!form || !rules || !rules.length) {
          continue;
        }
        var shown = rules.some(function (rule) {
          var value = currentValue(form, rule.field);
          return rule.values.some(function (v) {
            return v === value || String(v) === String(value);
          });
        });
        box.hidden = !shown;
      }
    }
    if (conditional.length) {
      document.addEventListener("change", refreshConditions);
      refreshConditions();
    }
    // Repeated groups (applications.forms.GroupWidget): "add a row" copies
    // the last row with its inputs emptied and renumbered.
    var groups = document.querySelectorAll("[data-row-group]");
    for (var g = 0; g < groups.length; g++) {
      (function (group) {
        var add = group.querySelector("[data-add-row]");
        if (!add) {
          return;
        }
        add.hidden = false;
        add.addEventListener("click", function () {
          var rows = group.querySelectorAll("[data-row]");
          var last = rows[rows.length - 1];
          var index = rows.length;
          var copy = last.cloneNode(true);
          copy.setAttribute("data-row", String(index));
          var name = group.getAttribute("data-row-group");
          var pattern = new RegExp("^(" + name + "-)\\d+(-)");
          var idPattern = /-\d+-/;
          var fields = copy.querySelectorAll("input, select, textarea, label");
          for (var f = 0; f < fields.length; f++) {
            var el = fields[f];
            if (el.name) {
              el.name = el.name.replace(pattern, "$1" + index + "$2");
            }
            if (el.id) {
              el.id = el.id.replace(idPattern, "-" + index + "-");
            }
            if (el.htmlFor) {
              el.htmlFor = el.htmlFor.replace(idPattern, "-" + index + "-");
            }
            if (el.type === "checkbox") {
              el.checked = false;
            } else if (el.tagName !== "LABEL") {
              el.value = "";
            }
          }
          var legend = copy.querySelector("legend");
          if (legend) {
            legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
          }
          last.parentNode.insertBefore(copy, last.nextSibling);
          var first = copy.querySelector("input, select, textarea");
          if (first) {
            first.focus();
          }
        });
      })(groups[g]);
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
