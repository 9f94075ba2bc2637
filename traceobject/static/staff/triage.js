/*
 * Keyboard shortcuts for the analyst workspace (/staff/triage/).
 *
 * Only an enhancement: every action here is a plain link or form on the page, which works without
 * JavaScript and with Tab. The keys only move a visible focus and press those same links and buttons,
 * so nothing can happen by keyboard that the server would not accept from a click. Loaded from our own
 * origin with `defer`; no inline handler anywhere (the Content-Security-Policy forbids them).
 *
 *   j / k      next / previous row (inbox) or cluster (object queue)
 *   x          tick or untick the row's checkbox
 *   Enter, o   open the tip
 *   r n d f    relevant, not relevant, duplicate, needs follow-up: on the ticked rows (or the current
 *              row when none is ticked), or on the current cluster
 *   /          go to the filters
 *   ?          show or hide the help; Esc closes it
 */
(function () {
  "use strict";

  var STATUS_KEYS = { r: "relevant", n: "not_relevant", d: "duplicate", f: "needs_follow_up" };
  var TEXT_INPUTS = /^(text|search|email|url|tel|number|password|date|datetime-local|month|week|time)$/;

  var list = document.querySelector("[data-triage-list]");
  var help = document.getElementById("triage-keys");
  var hint = document.querySelector("[data-keys-hint]");
  var current = null;
  var returnFocus = null;

  if (hint) {
    hint.hidden = false;
  }

  function items() {
    return list ? Array.prototype.slice.call(list.querySelectorAll("[data-triage-item]")) : [];
  }

  function itemOf(element) {
    return element && element.closest ? element.closest("[data-triage-item]") : null;
  }

  function setCurrent(item, focus) {
    if (current) {
      current.classList.remove("is-current");
    }
    current = item;
    if (!item) {
      return;
    }
    item.classList.add("is-current");
    if (focus) {
      if (!item.hasAttribute("tabindex")) {
        item.setAttribute("tabindex", "-1");
      }
      item.focus();
    }
  }

  // The item the keys act on: the one holding the focus (reached with Tab too), else the last chosen.
  function target() {
    return itemOf(document.activeElement) || current;
  }

  function move(step) {
    var all = items();
    if (!all.length) {
      return;
    }
    var index = all.indexOf(target());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    setCurrent(all[next], true);
  }

  function checkbox(item) {
    return item ? item.querySelector('input[type="checkbox"][name="tips"]') : null;
  }

  function toggle() {
    var box = checkbox(target());
    if (box) {
      box.checked = !box.checked;
    }
  }

  function open() {
    var item = target();
    var link = item ? item.querySelector("a[data-triage-open]") : null;
    if (link) {
      window.location.assign(link.href);
    }
  }

  function submit(form) {
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function setStatus(status) {
    var item = target();
    var bulk = document.getElementById("triage-bulk");
    if (bulk) {
      var action = bulk.querySelector('select[name="action"]');
      // The option must exist (it is in the "Set the status" group): setting a value the select
      // lacks leaves it empty, and the submit would only meet the browser's "select an item".
      if (!action || !action.querySelector('option[value="status:' + status + '"]')) {
        return;
      }
      if (!bulk.querySelector('input[name="tips"]:checked')) {
        var box = checkbox(item);
        if (!box) {
          return;
        }
        box.checked = true;
      }
      action.value = "status:" + status;
      submit(bulk);
      return;
    }
    var button = item ? item.querySelector('button[name="status"][value="' + status + '"]') : null;
    if (button) {
      button.click();
    }
  }

  function focusFilters() {
    var form = document.getElementById("triage-filters");
    var first = form ? form.querySelector("select, input:not([type=hidden]), button") : null;
    if (first) {
      first.focus();
    }
  }

  function showHelp(show) {
    if (!help) {
      return;
    }
    if (show) {
      returnFocus = document.activeElement;
      help.hidden = false;
      help.focus();
    } else {
      help.hidden = true;
      if (returnFocus && returnFocus.focus) {
        returnFocus.focus();
      }
      returnFocus = null;
    }
  }

  function typing(element) {
    if (!element || !element.tagName) {
      return false;
    }
    var tag = element.tagName.toLowerCase();
    if (tag === "input") {
      return TEXT_INPUTS.test((element.getAttribute("type") || "text").toLowerCase());
    }
    return tag === "textarea" || tag === "select" || element.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var key = event.key;
    if (key === "Escape" && help && !help.hidden) {
      event.preventDefault();
      showHelp(false);
      return;
    }
    if (typing(event.target)) {
      return;
    }
    if (key === "Enter") {
      // Only on a row or cluster itself: on a link or a button, Enter keeps its own meaning.
      if (event.target && event.target.hasAttribute && event.target.hasAttribute("data-triage-item")) {
        event.preventDefault();
        open();
      }
      return;
    }
    var handled = true;
    if (key === "j") {
      move(1);
    } else if (key === "k") {
      move(-1);
    } else if (key === "x") {
      toggle();
    } else if (key === "o") {
      open();
    } else if (key === "/") {
      focusFilters();
    } else if (key === "?") {
      showHelp(!help || help.hidden);
    } else if (Object.prototype.hasOwnProperty.call(STATUS_KEYS, key)) {
      setStatus(STATUS_KEYS[key]);
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  if (help) {
    var close = help.querySelector("[data-keys-close]");
    if (close) {
      close.addEventListener("click", function () {
        showHelp(false);
      });
    }
  }

  if (list) {
    // Tab or a click into a row makes it the current one, so that the keys then act on it.
    list.addEventListener("focusin", function (event) {
      var item = itemOf(event.target);
      if (item && item !== current) {
        setCurrent(item, false);
      }
    });
    // Back from a one-click verdict, the queue's address ends in #cluster-N: carry on from there.
    if (window.location.hash) {
      var anchored = document.getElementById(window.location.hash.slice(1));
      if (anchored && anchored.hasAttribute("data-triage-item")) {
        setCurrent(anchored, true);
      }
    }
  }

  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      items().forEach(function (item) {
        var box = checkbox(item);
        if (box) {
          box.checked = all.checked;
        }
      });
    });
  }
})();
