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
