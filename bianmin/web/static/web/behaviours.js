// Small behaviours declared by data attributes instead of inline handlers (the Content-Security-Policy allows no
// inline script): [data-print] prints the page, select[data-autosubmit] submits its form on change,
// select[data-navigate] goes to the chosen value (plus data-suffix), [data-back] goes back.
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  if (target.closest("[data-print]")) {
    window.print();
  } else if (target.closest("[data-back]")) {
    event.preventDefault();
    history.back();
  }
});
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement)) return;
  if (select.hasAttribute("data-autosubmit") && select.form) {
    select.form.submit();
  } else if (select.hasAttribute("data-navigate")) {
    location.href = select.value + (select.dataset.suffix || "");
  }
});

// [data-menu-toggle]: on a phone the navigation folds behind a 菜单 button. The button is a link to the menu (so
// CSS :target opens it without this file); here it toggles the menu in place and says whether it is open.
document.addEventListener("click", (event) => {
  const toggle = event.target instanceof Element ? event.target.closest("[data-menu-toggle]") : null;
  if (!toggle) return;
  const menu = document.getElementById(toggle.getAttribute("aria-controls") || "");
  if (!menu) return;
  event.preventDefault();
  const open = !menu.classList.contains("open");
  menu.classList.toggle("open", open);
  toggle.setAttribute("aria-expanded", String(open));
});
document.addEventListener("keydown", (event) => {
  // A link acting as a button answers the space bar as a button does.
  const target = event.target;
  if (event.key === " " && target instanceof Element && target.matches("a[role=button]")) {
    event.preventDefault();
    target.click();
  }
});

// [data-care-switch]: the 长辈版 switch. Remembered in a cookie the server reads (web/care.py) to render the class
// itself, so a page never flashes the standard look; here it flips in place without a round trip.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-care-switch")) return;
  event.preventDefault();
  const on = !document.documentElement.classList.contains("care");
  document.documentElement.classList.toggle("care", on);
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = on
    ? `bm_care=1; path=/; max-age=31536000; samesite=lax${secure}`
    : `bm_care=; path=/; max-age=0; samesite=lax${secure}`;
  const button = form.querySelector("button");
  if (button) button.setAttribute("aria-pressed", String(on));
  const field = form.elements.namedItem("care");
  if (field instanceof HTMLInputElement) field.value = on ? "0" : "1";
});

// Bulk lists: a box [data-select-all="FORM"] ticks or clears every row's box of that bulk form (name="ids",
// form="FORM"), and shows itself ticked, empty or in between as the rows are ticked. Elements [data-js-only] are
// hidden in the page and shown here: without this file the rows are still ticked one by one.
function bulkBoxes(form) {
  return Array.from(document.querySelectorAll("input[type=checkbox][name=ids]")).filter(
    (box) => box.getAttribute("form") === form,
  );
}
function showScriptedControls(root) {
  root.querySelectorAll("[data-js-only][hidden]").forEach((el) => el.removeAttribute("hidden"));
}
showScriptedControls(document);
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.target instanceof Element) showScriptedControls(event.target);
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
  if (box.dataset.selectAll) {
    bulkBoxes(box.dataset.selectAll).forEach((row) => {
      row.checked = box.checked;
    });
    box.indeterminate = false;
  } else if (box.name === "ids" && box.getAttribute("form")) {
    const form = box.getAttribute("form");
    const rows = bulkBoxes(form);
    const ticked = rows.filter((row) => row.checked).length;
    document.querySelectorAll("input[data-select-all]").forEach((all) => {
      if (all.dataset.selectAll !== form) return;
      all.checked = ticked > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    });
  }
});

// A form that came back with errors: the first field in error takes the focus when the page loads, so a screen
// reader reads its label and its message (the field names the message by aria-describedby) and the keyboard is
// where the fix is. Not after an htmx swap: that would take the focus from whoever is typing.
function focusFirstError() {
  const active = document.activeElement;
  if (active && active !== document.body && active.matches("input, textarea, select")) return;
  const field = document.querySelector("[aria-invalid=true]");
  if (field instanceof HTMLElement) {
    field.focus();
    field.scrollIntoView({ block: "center" });
  }
}
focusFirstError();
