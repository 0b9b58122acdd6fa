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
