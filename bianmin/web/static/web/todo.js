// To-do badges on the staff menu: the counts come from /staff/todo/counts/ after the page has loaded, so the menu
// never slows a page down. Each menu entry of a kind of to-do item gets its count, each menu group the sum of its
// entries, the "工作台" link the total. Without this file the menu works the same, without numbers.
(function () {
  "use strict";

  function badge(count, label) {
    var span = document.createElement("span");
    span.className = "badge red todo-count";
    span.textContent = count > 99 ? "99+" : String(count);
    span.setAttribute("aria-label", label.replace("%s", String(count)));
    return span;
  }

  function show(nav, data) {
    var label = nav.getAttribute("data-todo-label") || "%s 项待办";
    nav.querySelectorAll(".todo-count").forEach(function (old) { old.remove(); });
    var total = nav.querySelector("[data-todo-total]");
    if (total && data.total) total.appendChild(badge(data.total, label));
    nav.querySelectorAll("details.menu").forEach(function (group) {
      var sum = 0;
      group.querySelectorAll(".menu-items a").forEach(function (link) {
        var count = data.links[link.getAttribute("href")];
        if (count) {
          link.appendChild(badge(count, label));
          sum += count;
        }
      });
      if (sum) group.querySelector("summary").appendChild(badge(sum, label));
    });
  }

  function load() {
    var nav = document.querySelector("nav[data-todo-counts]");
    if (!nav || !window.fetch) return;
    fetch(nav.getAttribute("data-todo-counts"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) show(nav, data); })
      .catch(function () { /* the badges are a convenience; the menu works without them */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
