// The kiosk's on-screen keypad (预约签到): keys type into the field last touched (the booking number at first).
// The fields ask the device for no keyboard of its own; a real keyboard still types into them as usual.
(() => {
  const form = document.querySelector("[data-keypad-form]");
  const pad = form && form.querySelector("[data-keypad]");
  if (!form || !pad) return;
  const fields = [...form.querySelectorAll("input[type=text], input:not([type])")];
  if (!fields.length) return;
  let target = fields.find((f) => f.getAttribute("aria-invalid") === "true") || fields[0];
  const mark = (field) => {
    target = field;
    fields.forEach((f) => f.classList.toggle("keypad-target", f === field));
  };
  fields.forEach((f) => {
    f.inputMode = "none";
    f.addEventListener("focus", () => mark(f));
  });
  mark(target);
  pad.addEventListener("click", (event) => {
    const key = event.target instanceof Element ? event.target.closest("button") : null;
    if (!key) return;
    const numeric = target.name === "phone_tail";
    if (key.hasAttribute("data-key-back")) {
      target.value = target.value.slice(0, -1);
    } else if (key.hasAttribute("data-key-clear")) {
      target.value = "";
    } else {
      const text = key.dataset.key || "";
      if (numeric && !/^\d+$/.test(text)) return;
      const max = target.maxLength > 0 ? target.maxLength : 64;
      target.value = (target.value + text).slice(0, max);
    }
    target.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
