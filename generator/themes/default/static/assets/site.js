// newsgen default theme. Small jobs, none needed to read the page:
// 1. fill the boxes that show site-wide recency (date, weather, 최신기사, section boxes,
//    the breaking-news banner)
//    from /recent/, the one page every build rewrites, so article pages never change
//    when news arrives (without JavaScript a plain link stays);
// 2. hide weather readings older than the site allows, rotate the rest one city at a time;
// 3. focus the search field when the search panel opens;
// 4. scroll the section tabs so the current section is in view;
// 5. hide a breaking-news banner that has expired since the page was built.
(function () {
  "use strict";
  var base = document.body.getAttribute("data-base") || "/";
  var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function fillShared() {
    var pending = document.querySelectorAll("[data-shared][data-pending]");
    if (!pending.length || !window.fetch || !window.DOMParser) return Promise.resolve();
    return fetch(base + "recent/", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        pending.forEach(function (slot) {
          var source = doc.querySelector('[data-shared="' + slot.getAttribute("data-shared") + '"]');
          if (!source) return;
          if (!source.children.length) {
            // nothing to show (no breaking-news banner): an empty slot is done; a stand-in stays
            if (!slot.children.length) slot.removeAttribute("data-pending");
            return;
          }
          slot.replaceChildren.apply(slot, Array.prototype.map.call(source.childNodes, function (node) {
            return document.importNode(node, true);
          }));
          slot.removeAttribute("data-pending");
        });
      })
      .catch(function () { /* the plain link stays */ });
  }

  // A breaking-news banner read after it expired (before the next build removed it).
  function hideExpiredBanner() {
    var banner = document.querySelector(".breaking[data-expires]");
    if (banner && Date.now() >= Date.parse(banner.getAttribute("data-expires"))) banner.hidden = true;
  }

  // The page may be read hours after it was built: weather must not outlive its age.
  function hideStaleWeather() {
    var weather = document.querySelector(".weather[data-observed]");
    if (!weather) return;
    var age = Date.now() - Date.parse(weather.getAttribute("data-observed"));
    if (!(age <= Number(weather.getAttribute("data-max-age")) * 1000)) weather.hidden = true;
  }

  function showCurrentSection() {
    var row = document.querySelector(".section-nav ul");
    var current = row && row.querySelector("[aria-current]");
    if (!current || row.scrollWidth <= row.clientWidth) return;
    var item = current.parentNode;
    row.scrollLeft = item.offsetLeft - (row.clientWidth - item.offsetWidth) / 2;
  }

  function rotateWeather() {
    var list = document.querySelector(".weather-list");
    if (!list || calm || list.children.length < 2) return;
    var paused = false;
    list.addEventListener("mouseenter", function () { paused = true; });
    list.addEventListener("mouseleave", function () { paused = false; });
    window.setInterval(function () {
      if (!paused && list.scrollHeight > list.clientHeight + 1) list.appendChild(list.firstElementChild);
    }, 3000);
  }

  function wireSearch() {
    var panel = document.querySelector("details.search");
    if (!panel) return;
    var label = panel.querySelector("summary .visually-hidden");
    var openText = label ? label.textContent : "";
    var field = panel.querySelector("input");
    // Open here rather than by default, so the field has focus as the click returns.
    panel.querySelector("summary").addEventListener("click", function (event) {
      event.preventDefault();
      panel.open = !panel.open;
      if (panel.open && field) field.focus();
    });
    panel.addEventListener("toggle", function () {
      if (label) label.textContent = panel.open ? panel.getAttribute("data-close-label") : openText;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.open) { panel.open = false; panel.querySelector("summary").focus(); }
    });
  }

  wireSearch();
  showCurrentSection();
  hideStaleWeather();
  hideExpiredBanner();
  fillShared().then(function () { hideStaleWeather(); hideExpiredBanner(); rotateWeather(); });
})();
