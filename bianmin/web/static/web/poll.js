// Polling regions (htmx `hx-trigger="every …"`) refresh their data only while nobody is editing a form inside them:
// a poll is skipped while a field of the region has focus or holds input not yet submitted, and the next poll tries
// again. A response that arrives after editing began is not swapped in either. Every page loads this file (base.html).
(function () {
  "use strict";

  function isPoll(elt) {
    var trigger = (elt && elt.getAttribute && (elt.getAttribute("hx-trigger") || elt.getAttribute("data-hx-trigger"))) || "";
    return /(^|,)\s*every\s/.test(trigger);
  }

  function changed(field) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  function editing(region) {
    if (!region || !region.querySelectorAll) return false;
    var active = document.activeElement;
    if (active && active !== region && region.contains(active) && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(active.tagName)) {
      return true;
    }
    return Array.prototype.some.call(region.querySelectorAll("input, textarea, select"), changed);
  }

  function hold(event) {
    var elt = event.detail.elt;
    if (!isPoll(elt)) return;
    var busy = editing(elt) || editing(event.detail.target);
    if (busy) {
      elt.setAttribute("data-poll-paused", "");
      if (event.type === "htmx:beforeSwap") event.detail.shouldSwap = false;
      else event.preventDefault();
    } else {
      elt.removeAttribute("data-poll-paused");
    }
  }

  document.addEventListener("htmx:beforeRequest", hold);
  document.addEventListener("htmx:beforeSwap", hold);
})();
