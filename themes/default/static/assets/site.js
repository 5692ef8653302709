// Fill the shared boxes (date, weather, 최신기사, section boxes) from the one page
// that every build rewrites, so article pages never change when news arrives.
(function () {
  "use strict";
  var slots = document.querySelectorAll("[data-shared]:empty, [data-shared] > p:only-child");
  if (!slots.length || !window.fetch || !window.DOMParser) return;
  var base = document.body.getAttribute("data-base") || "/";
  fetch(base + "recent/", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.text() : ""; })
    .then(function (html) {
      if (!html) return;
      var doc = new DOMParser().parseFromString(html, "text/html");
      document.querySelectorAll("[data-shared]").forEach(function (slot) {
        var name = slot.getAttribute("data-shared");
        var source = doc.querySelector('[data-shared="' + name + '"]');
        if (source && source.children.length) slot.replaceChildren.apply(slot,
          Array.prototype.map.call(source.childNodes, function (n) { return document.importNode(n, true); }));
      });
    })
    .catch(function () { /* the plain link stays */ });
})();
