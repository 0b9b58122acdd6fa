(function () {
  "use strict";
  function tick() {
    var now = new Date();
    var text = String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
    document.querySelectorAll("[data-clock]").forEach(function (n) { n.textContent = text; });
  }
  tick();
  setInterval(tick, 10000);
})();
