// First-inquiry desk: show only the fields the chosen result needs, fill what is already known, and keep
// every choice one keystroke away. Without this script every field is simply shown.
(function () {
  "use strict";

  function checked(form, name) {
    var el = form.querySelector('input[name="' + name + '"]:checked');
    return el ? el.value : "";
  }

  function sync(form) {
    var result = checked(form, "result");
    var channel = checked(form, "channel");
    var contact = checked(form, "referral_contact");
    form.querySelectorAll("[data-show-result]").forEach(function (el) {
      el.hidden = el.dataset.showResult.split(" ").indexOf(result) < 0 && !el.querySelector(".errorlist");
    });
    form.querySelectorAll("[data-show-phone]").forEach(function (el) {
      var wanted = channel === "phone" && el.dataset.showPhone.split(" ").indexOf(result) >= 0;
      el.hidden = !wanted && !el.querySelector(".errorlist");
    });
    form.querySelectorAll("[data-show-contact]").forEach(function (el) {
      var wanted = result === "referred" && channel !== "phone" && contact === el.dataset.showContact;
      el.hidden = !wanted && !el.querySelector(".errorlist");
    });
    form.querySelectorAll("[data-label-for]").forEach(function (el) {
      el.hidden = el.dataset.labelFor !== result;
    });
    form.querySelectorAll("[data-label-default]").forEach(function (el) {
      el.hidden = result === "outside_remit";
    });
  }

  function windowPhones() {
    var node = document.getElementById("window-phones");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function fillOrgFromRecent(form) {
    var name = form.querySelector('input[name="visitor_name"]');
    var org = form.querySelector('input[name="visitor_org"]');
    if (!name || !org || org.value) { return; }
    document.querySelectorAll("#recent-visitors option").forEach(function (opt) {
      if (opt.value === name.value && opt.dataset.org && !org.value) { org.value = opt.dataset.org; }
    });
  }

  function choose(form, name, index) {
    var radios = form.querySelectorAll('input[name="' + name + '"]');
    if (radios[index]) { radios[index].checked = true; radios[index].focus(); sync(form); }
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.desk-form");
    if (!form) { return; }
    if (event.target.name === "visitor_name") { fillOrgFromRecent(form); }
    if (event.target.name === "referred_window") {
      var phone = form.querySelector('input[name="phone_given"]');
      var known = windowPhones()[event.target.value];
      if (phone && !phone.value && known) { phone.value = known; }
    }
    sync(form);
  });

  document.addEventListener("keydown", function (event) {
    var form = document.querySelector("form.desk-form");
    if (!form) { return; }
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      var n = parseInt(event.key, 10);
      if (n === 1 || n === 2) { choose(form, "channel", n - 1); event.preventDefault(); }
      else if (n >= 3 && n <= 6) { choose(form, "result", n - 3); event.preventDefault(); }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form.contains(event.target)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function syncAll() { document.querySelectorAll("form.desk-form").forEach(sync); }
  document.addEventListener("DOMContentLoaded", syncAll);
  document.addEventListener("htmx:afterSettle", syncAll);
})();
