// newsgen default theme: a live page (실시간) shows new entries without a reload.
// It fetches the page's live.json every data-live-poll seconds (30 by default) while
// the tab is visible, puts entries it does not show yet at the top, and stops when the
// coverage has ended. Without JavaScript the page shows the entries of its last build.
(function () {
  "use strict";
  var section = document.querySelector("section.live[data-live]");
  if (!section || !window.fetch) return;
  var list = section.querySelector(".live-entries");
  var seconds = Number(section.getAttribute("data-live-poll")) || 30;
  var timer = null;

  function shown(id) { return document.getElementById(id) !== null; }

  function insert(entries) {
    // entries come newest first: insert the oldest new one first, each at the top
    for (var i = entries.length - 1; i >= 0; i--) {
      var entry = entries[i];
      if (!entry || !entry.id || shown(entry.id)) continue;
      var holder = document.createElement("ol");
      holder.innerHTML = entry.html;
      var item = holder.firstElementChild;
      if (!item) continue;
      item.classList.add("live-new");
      list.insertBefore(item, list.firstElementChild);
    }
  }

  function end() {
    window.clearInterval(timer);
    section.removeAttribute("data-live");
    var badge = section.querySelector(".live-badge");
    if (badge) badge.remove();
    var note = document.createElement("p");
    note.className = "live-ended";
    note.textContent = section.getAttribute("data-live-ended") || "";
    section.insertBefore(note, list);
  }

  function poll() {
    if (document.hidden) return;
    fetch(section.getAttribute("data-live"), { cache: "no-cache", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        insert(data.entries || []);
        if (data.open === false) end();
      })
      .catch(function () { /* try again at the next tick */ });
  }

  timer = window.setInterval(poll, seconds * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
