// Search as the reader types, from the static index in /search-index/
// (written by generator/search.py; its docstring describes the files).
// The header field shows the first few results under it; /search/ shows them
// all, with a section filter and relevance or newest-first order. The index
// already holds the nouns Korean hides inside words (generator/korean.py), so
// a query needs no analysis here: each query word is matched as the start of
// indexed words, and a word that finds nothing is tried once more without a
// particle ("협의체는" -> "협의체"). Nothing loads until the reader types.
(function () {
  "use strict";
  var PAGE_SIZE = 10;
  var PREVIEW_SIZE = 5;
  var DELAY_MS = 120;
  var EXCERPT_CHARS = 150;
  var PARTICLES = ["에서는", "에게서", "으로는", "으로써", "이라는", "에서", "에게", "으로", "까지",
    "부터", "처럼", "보다", "라는", "이나", "과", "와", "은", "는", "이", "가", "을", "를", "의",
    "에", "도", "만", "로"];

  var base = (document.body && document.body.getAttribute("data-base")) || "/";
  var folder = base + "search-index/";
  var meta = null;
  var files = {};

  function loadMeta() {
    if (!meta) {
      meta = fetch(folder + "meta.json", { cache: "no-cache" }).then(function (response) {
        if (!response.ok) throw new Error("search index: " + response.status);
        return response.json();
      });
      meta.catch(function () { meta = null; });  // try again on the next query
    }
    return meta;
  }

  // One file of the index, fetched once per version; a missing file is null.
  function load(info, path) {
    var url = folder + path + "?v=" + info.version;
    if (!(url in files)) {
      files[url] = fetch(url).then(function (response) {
        return response.ok ? response.json() : null;
      }).catch(function () { return null; });
    }
    return files[url];
  }

  // The same splitting as generator/search.py words(): letters and digits, lower-cased.
  function terms(text) {
    var normal = text.normalize("NFC").toLowerCase().replace(/(\d),(?=\d)/g, "$1");
    return normal.match(/[\p{L}\p{N}]+/gu) || [];
  }

  function words(query) {
    return query.trim().split(/\s+/).filter(Boolean);
  }

  function shardKey(info, term) {
    return Array.from(term).slice(0, info.keyLength).join("");
  }

  function keyName(key) {
    return Array.from(key).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function bucket(info, key) {
    return Array.from(key).reduce(function (sum, c) { return sum + c.codePointAt(0); }, 0)
      % info.buckets;
  }

  // Articles holding a term that starts with `word`: id -> {count, title}.
  function lookup(info, word) {
    var key = shardKey(info, word);
    var paths = [];
    if (info.base > 0) paths.push("base/" + keyName(key) + ".json");
    if (info.count > info.base) paths.push("recent/" + bucket(info, key) + ".json");
    var whole = Array.from(word).length <= info.keyLength - 1;  // a key of its own
    return Promise.all(paths.map(function (path) { return load(info, path); }))
      .then(function (shards) {
        var hits = new Map();
        shards.forEach(function (shard) {
          if (!shard) return;
          Object.keys(shard).forEach(function (term) {
            if (whole ? term === word : term.indexOf(word) === 0) addPostings(info, hits, shard[term]);
          });
        });
        return hits;
      });
  }

  function addPostings(info, hits, flat) {
    var id = 0;
    for (var i = 0; i < flat.length; i += 2) {
      id += flat[i];
      var weight = flat[i + 1];
      var hit = hits.get(id) || { count: 0, title: false };
      hit.count += weight % info.titleMark;
      hit.title = hit.title || weight >= info.titleMark;
      hits.set(id, hit);
    }
  }

  function score(info, perWord, id) {
    return perWord.reduce(function (sum, hits) {
      var hit = hits.get(id);
      var rarity = Math.log(1 + info.count / hits.size);
      return sum + rarity * (1 + Math.log(hit.count || 1)) * (hit.title ? 3 : 1);
    }, 0);
  }

  // The section index (in meta.sections) of each id, loaded block by block.
  function sectionsOf(info, ids) {
    var blocks = Array.from(new Set(ids.map(function (id) { return Math.floor(id / info.block); })));
    return Promise.all(blocks.map(function (n) { return load(info, "sections/" + n + ".json"); }))
      .then(function (loaded) {
        var byBlock = new Map(blocks.map(function (n, i) { return [n, loaded[i] || []]; }));
        return function (id) { return byBlock.get(Math.floor(id / info.block))[id % info.block]; };
      });
  }

  function result(info, id, rank) {
    var path = "doc/" + Math.floor(id / info.perFolder) + "/" + id + ".json";
    return {
      id: id,
      score: rank,
      data: function () {
        return load(info, path).then(function (doc) {
          doc = doc || { url: "#", title: "", section: "", date: "", text: "" };
          return { url: doc.url, content: doc.text,
            meta: { title: doc.title, section: doc.section, date: doc.date } };
        });
      }
    };
  }

  // Standalone pages that asked to be found (pages.json, written by
  // generator/outputs/pagesearch.py), fetched once: they come before the articles.
  var pagesList = null;
  function pagesHolding(wanted) {
    if (!pagesList) {
      pagesList = fetch(folder + "pages.json", { cache: "no-cache" }).then(function (response) {
        return response.ok ? response.json() : [];
      }).catch(function () { return []; });
    }
    return pagesList.then(function (pages) {
      return pages.filter(function (page) {
        return wanted.every(function (w) {
          return page.terms.some(function (t) { return t.startsWith(w); });
        });
      }).map(function (page) {
        var data = { url: page.url, content: page.text, meta: { title: page.title } };
        return { id: -1, score: 0, data: function () { return Promise.resolve(data); } };
      });
    });
  }

  // {results}: articles holding every query word, best or newest first.
  function search(query, options) {
    options = options || {};
    var wanted = Array.from(new Set(terms(query)));
    if (!wanted.length) return Promise.resolve({ results: [] });
    return loadMeta().then(function (info) {
      return Promise.all(wanted.map(function (w) { return lookup(info, w); }))
        .then(function (perWord) {
          var ids = Array.from(perWord[0].keys()).filter(function (id) {
            return perWord.every(function (hits) { return hits.has(id); });
          });
          var section = info.sections.findIndex(function (s) { return s.slug === options.section; });
          var kept = options.section
            ? sectionsOf(info, ids).then(function (sectionOf) {
              return ids.filter(function (id) { return sectionOf(id) === section; });
            })
            : Promise.resolve(ids);
          return kept.then(function (found) {
            var ranked = found.map(function (id) { return [id, score(info, perWord, id)]; });
            ranked.sort(options.sort === "newest"
              ? function (a, b) { return b[0] - a[0]; }
              : function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
            var articles = ranked.map(function (r) { return result(info, r[0], r[1]); });
            if (options.section) return { results: articles };
            return pagesHolding(wanted).then(function (pages) {
              return { results: pages.concat(articles) };
            });
          });
        });
    });
  }

  // "협의체는" -> "협의체"; leaves at least two syllables and non-Hangul words alone.
  function stripParticle(word) {
    if (!/^[\uac00-\ud7a3]+$/.test(word)) return word;
    for (var i = 0; i < PARTICLES.length; i++) {
      var p = PARTICLES[i];
      if (word.length - p.length >= 2 && word.slice(-p.length) === p) {
        return word.slice(0, -p.length);
      }
    }
    return word;
  }

  // Resolves to {results, words}: the results and the words to highlight.
  function find(query, choice) {
    choice = choice || {};
    var options = { section: choice.section, sort: choice.sort };
    return search(query, options).then(function (found) {
      var bare = words(query).map(stripParticle).join(" ");
      if (found.results.length || bare === words(query).join(" ")) {
        return { results: found.results, words: words(query) };
      }
      return search(bare, options).then(function (second) {
        return { results: second.results, words: words(bare) };
      });
    });
  }

  function matcher(terms) {
    var parts = terms.map(function (term) {
      return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/(\d)(?=\d)/g, "$1,?");
    }).filter(Boolean);
    return parts.length ? new RegExp(parts.join("|"), "gi") : null;
  }

  // The shown text of a result: deck and body, the headline being shown apart.
  function shownText(data) {
    return (data.content || "").trim();
  }

  // A window of the text around the first match, as DOM nodes with <mark>s.
  function excerpt(text, terms) {
    var pattern = matcher(terms);
    var first = -1;
    if (pattern) {
      pattern.lastIndex = 0;
      var hit = pattern.exec(text);
      if (hit) first = hit.index;
    }
    var start = first > 40 ? text.lastIndexOf(" ", first - 40) + 1 : 0;
    var end = Math.min(text.length, start + EXCERPT_CHARS);
    var piece = text.slice(start, end);
    var nodes = [];
    if (start > 0) nodes.push(document.createTextNode("… "));
    var at = 0;
    if (pattern) {
      pattern.lastIndex = 0;
      var m;
      while ((m = pattern.exec(piece)) && m[0]) {
        nodes.push(document.createTextNode(piece.slice(at, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        nodes.push(mark);
        at = m.index + m[0].length;
      }
    }
    nodes.push(document.createTextNode(piece.slice(at) + (end < text.length ? " …" : "")));
    return nodes;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function resultItem(data, terms, level) {
    var item = element("li", "search-result");
    var heading = element(level);
    heading.className = "search-result-title";
    var link = element("a", null, data.meta.title);
    link.href = data.url;  // the index holds it with the site's base path
    heading.appendChild(link);
    var text = element("p", "search-result-excerpt");
    excerpt(shownText(data), terms).forEach(function (n) { text.appendChild(n); });
    if (!data.meta.date) {  // a standalone page: no section, no date
      item.append(heading, text);
      return item;
    }
    var meta = element("p", "search-result-meta");
    meta.appendChild(element("span", "search-result-section", data.meta.section));
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(element("time", null, data.meta.date));
    item.append(heading, meta, text);
    return item;
  }

  // Runs the latest query only: an older answer arriving late is dropped.
  function latestOnly(run) {
    var ticket = 0;
    var timer = null;
    return function () {
      var args = arguments;
      var mine = ++ticket;
      clearTimeout(timer);
      timer = setTimeout(function () {
        run.apply(null, [function () { return mine === ticket; }].concat([].slice.call(args)));
      }, DELAY_MS);
    };
  }

  function labels() {
    var form = document.querySelector("form[data-search-none]");
    var get = function (name) { return form ? form.getAttribute("data-search-" + name) : ""; };
    return { none: get("none"), prompt: get("prompt"), all: get("all") };
  }

  function showPreview(form, input) {
    var box = form.parentNode.querySelector(".search-preview");
    if (!box) {
      var style = element("link");
      style.rel = "stylesheet";
      style.href = form.getAttribute("data-search-css");  // fingerprinted name
      document.head.appendChild(style);
      box = element("div", "search-preview");
      box.setAttribute("aria-live", "polite");
      form.insertAdjacentElement("afterend", box);
    }
    var text = labels();
    var update = latestOnly(function (current, query) {
      if (!words(query).length) { box.replaceChildren(); return; }
      find(query).then(function (found) {
        if (!current()) return;
        return Promise.all(found.results.slice(0, PREVIEW_SIZE).map(function (r) { return r.data(); }))
          .then(function (all) {
            if (!current()) return;
            var list = element("ol", "search-results");
            all.forEach(function (data) { list.appendChild(resultItem(data, found.words, "h3")); });
            var more = element("a", "search-all", text.all);
            more.href = form.action + "?q=" + encodeURIComponent(query);
            box.replaceChildren(all.length ? list : element("p", "search-status", text.none), more);
          });
      });
    });
    whenComposed(input, function () { update(input.value); });
  }

  // Calls `changed` on each input, except while an IME is composing a syllable (Korean
  // "ㄱ", "겨", "경" are steps of one letter): then once the syllable is done.
  function whenComposed(target, changed) {
    target.addEventListener("input", function (event) {
      if (!event.isComposing) changed(event);
    });
    target.addEventListener("compositionend", changed);
  }

  function searchPage(form, headerInput) {
    var input = form.elements.q;
    var status = document.querySelector("[data-search-status]");
    var list = document.querySelector("[data-search-results]");
    var moreButton = document.querySelector("[data-search-more]");
    var text = labels();
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    setRadio(form, "section", params.get("section") || "");
    setRadio(form, "sort", params.get("sort") || "");
    var shown = null;

    function showMore(current) {
      var next = shown.results.slice(list.children.length, list.children.length + PAGE_SIZE);
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (all) {
        if (!current()) return;
        all.forEach(function (data) { list.appendChild(resultItem(data, shown.words, "h2")); });
        moreButton.hidden = list.children.length >= shown.results.length;
      });
    }

    var update = latestOnly(function (current) {
      var query = input.value;
      var choice = { section: form.elements.section.value, sort: form.elements.sort.value };
      remember(query, choice);
      if (!words(query).length) {
        list.replaceChildren();
        moreButton.hidden = true;
        status.textContent = text.prompt;
        return;
      }
      find(query, choice).then(function (found) {
        if (!current()) return;
        shown = found;
        list.replaceChildren();
        return showMore(current).then(function () {
          if (!current()) return;
          status.textContent = found.results.length
            ? status.getAttribute("data-count").replace("{n}", found.results.length)
            : text.none;
        });
      });
    });

    status.setAttribute("data-count", status.getAttribute("data-count-text") || "{n}");
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    whenComposed(form, function (event) {
      if (event.target === input && headerInput) headerInput.value = input.value;
      update();
    });
    form.addEventListener("change", function () { update(); });
    if (headerInput) {
      whenComposed(headerInput, function () {
        input.value = headerInput.value;
        update();
      });
    }
    moreButton.addEventListener("click", function () { showMore(function () { return true; }); });
    update();
  }

  function setRadio(form, name, value) {
    var radios = form.querySelectorAll('input[name="' + name + '"]');
    radios.forEach(function (radio) { radio.checked = radio.value === value; });
  }

  function remember(query, choice) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (choice.section) params.set("section", choice.section);
    if (choice.sort) params.set("sort", choice.sort);
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function start() {
    var headerForm = document.querySelector("form[data-search-none]");
    var headerInput = headerForm && headerForm.elements.q;
    var page = document.querySelector("form[data-search-page]");
    if (page) {
      searchPage(page, headerInput);
    } else if (headerInput) {
      headerInput.setAttribute("autocomplete", "off");
      showPreview(headerForm, headerInput);
    }
  }

  window.newsgenSearch = { find: find, search: search, stripParticle: stripParticle };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
