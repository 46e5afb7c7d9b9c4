// Autocomplete for the search box: suggestions as links, from /api/search
// where glossgraph serves the site, else (a static copy: /api/search answers
// 404 or a page) from the static search index, search-index.json and the
// shards in search-index/, which also fill the results page there. Without
// JavaScript the form still submits to the results page.
(function () {
  "use strict";

  // ---- Matching over shards: src/search's rules, as far as a shard allows ----

  // The matching form of a text, as src/search/normalize.rs makes it, with the
  // tables search-index.json hands over.
  function normalise(text, settings) {
    var lower = Array.from(text.normalize("NFKC")).map(function (c) { return c.toLowerCase(); });
    var out = "", space = true;
    for (var c of lower.join("").normalize("NFD")) {
      if (/\p{M}/u.test(c) || settings.dropped.indexOf(c) >= 0) continue;
      var fold = settings.folds[c];
      if (fold !== undefined) { out += fold; space = false; }
      else if (c === "." && !/[0-9]$/.test(out)) continue;
      else if (/[\p{Alphabetic}\p{N}]/u.test(c)) { out += c; space = false; }
      else if (!space) { out += " "; space = true; }
    }
    return out.replace(/ $/, "");
  }

  // The written-out spelling of a text's umlauts, normalised, or null.
  function variant(text, settings) {
    var changed = false;
    var out = Array.from(text).map(function (c) {
      var to = settings.written_out[c];
      if (to === undefined) return c;
      changed = true;
      return to;
    }).join("");
    return changed ? normalise(out, settings) : null;
  }

  // The shard file name of a key: src/server/search_index.rs's file_name.
  function fileName(key) {
    return Array.from(key).map(function (c) {
      return /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16) + "_";
    }).join("");
  }

  // Edits between a and b, a swap of neighbours counting as one (optimal
  // string alignment, as strsim's osa_distance).
  function distance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var d = [];
    for (var i = 0; i <= a.length; i++) d.push([i]);
    for (var j = 1; j <= b.length; j++) d[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length][b.length];
  }

  // Typos allowed in a word of n characters (src/search/index.rs's typo_budget).
  function budget(n) { return n <= 3 ? 0 : n <= 5 ? 1 : 2; }

  var EXACT = 0, EXACT_OTHER = 1, PREFIX = 2, WORDS = 3, INFIX = 4, FUZZY = 5;
  var BASE = [100, 92, 78, 66, 48, 36];

  // How a query word matches a label's word, or -1.
  function wordMatch(token, word) {
    if (word.startsWith(token)) return WORDS;
    var n = Array.from(token).length;
    if (n >= 3 && word.indexOf(token) >= 0) return INFIX;
    var allowed = budget(n);
    if (allowed === 0) return -1;
    var chars = Array.from(word);
    if (Math.abs(chars.length - n) <= allowed + 2 && distance(token, word) <= allowed) return FUZZY;
    // A word still being typed: its start, one edit away.
    for (var k = n - 1; k <= n + 1; k++) {
      if (k < chars.length && distance(token, chars.slice(0, k).join("")) <= 1) return FUZZY;
    }
    return -1;
  }

  // The best match of a label (its normalised forms) for a query, or -1.
  function labelMatch(forms, preferred, query, tokens) {
    var best = -1;
    forms.forEach(function (form) {
      var m;
      if (form === query || form === tokens.join(" ")) m = preferred ? EXACT : EXACT_OTHER;
      else if (form.startsWith(query)) m = PREFIX;
      else {
        var words = form.split(" ");
        m = WORDS;
        for (var t = 0; t < tokens.length && m >= 0; t++) {
          var w = -1;
          words.forEach(function (word) {
            var x = wordMatch(tokens[t], word);
            if (x >= 0 && (w < 0 || x < w)) w = x;
          });
          m = w < 0 ? -1 : Math.max(m, w);
        }
      }
      if (m >= 0 && (best < 0 || m < best)) best = m;
    });
    return best;
  }

  // The static index of the site whose root is `base`: files fetched once each.
  function StaticIndex(base) {
    this.base = base;
    this.files = {};
  }

  StaticIndex.prototype.fetch = function (path) {
    if (!(path in this.files)) {
      this.files[path] = fetch(new URL(path, this.base))
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return this.files[path];
  };

  StaticIndex.prototype.settings = function () {
    return this.fetch("search-index.json").then(function (s) {
      if (!s) throw new Error("no search-index.json");
      return s;
    });
  };

  // The shard that holds the words starting with `word`: the one-character
  // shard, then one character longer while a shard is split, one fetch a
  // keystroke as the word is typed. A missing shard means no such word: the
  // last shard found is used (its labels, and typos in them).
  StaticIndex.prototype.shard = function (word, settings) {
    var self = this, chars = Array.from(word), found = null;
    function step(depth) {
      var key = chars.slice(0, depth).join("");
      return self.fetch(settings.shards.replace("{name}", fileName(key))).then(function (shard) {
        if (!shard) return found;
        found = shard;
        if (shard.complete || depth >= chars.length || shard.next.indexOf(chars[depth]) < 0) return shard;
        return step(depth + 1);
      });
    }
    return step(1);
  };

  // Concepts for `text`, best first, shaped as /api/search's results.
  StaticIndex.prototype.search = function (text, lang, limit) {
    var self = this;
    return this.settings().then(function (settings) {
      var query = normalise(text, settings);
      if (!query) return [];
      var all = query.split(" ");
      var tokens = all.filter(function (t) { return settings.stopwords.indexOf(t) < 0; });
      if (!tokens.length) tokens = all;
      var languages = [lang].concat(settings.languages.filter(function (l) { return l !== lang; }));
      // Every word must match, so any complete shard of a query word holds
      // every label that can (the server starts from its rarest word too);
      // with none complete, what the shards of the words kept. The shards of
      // the words typed before are fetched already.
      var words = tokens.slice().sort(function (a, b) { return b.length - a.length; }).slice(0, 4);
      return Promise.all(words.map(function (w) { return self.shard(w, settings); })).then(function (shards) {
        shards = shards.filter(Boolean);
        var complete = shards.filter(function (s) { return s.complete; });
        var labels = [], seen = {};
        (complete.length ? [complete.sort(function (a, b) { return a.labels.length - b.labels.length; })[0]] : shards).forEach(function (shard) {
          shard.labels.forEach(function (l) {
            var concept = shard.concepts[l[0]];
            var id = concept[0] + "\n" + l[1] + "\n" + l[2] + "\n" + l[3];
            if (seen[id]) return;
            seen[id] = true;
            labels.push({ concept: concept, lang: l[1], kind: l[2], text: l[3] });
          });
        });
        return rank(labels, query, tokens, languages, settings, limit);
      });
    });
  };

  // The concepts of `labels` that match, scored as src/search/index.rs scores.
  function rank(labels, query, tokens, languages, settings, limit) {
    var length = Array.from(query).length;
    var best = new Map();
    var fuzzyOnly = true;
    var hits = [];
    labels.forEach(function (l) {
      // Deprecated concepts only when asked for, as the server's search: never here.
      if (l.concept[2]) return;
      var norm = normalise(l.text, settings);
      var forms = [norm], written = variant(l.text, settings);
      if (written) forms.push(written);
      var m = labelMatch(forms, l.kind === "p", query, tokens);
      if (m < 0) return;
      if (m < FUZZY) fuzzyOnly = false;
      var at = languages.findIndex(function (q) { return q === l.lang || l.lang.split("-")[0] === q; });
      var score = BASE[m] + (at === 0 ? 6 : at > 0 ? Math.max(4 - at, 1) : 0) + (l.kind === "p" ? 2 : 0)
        - Math.min(Math.max(Array.from(norm).length - length, 0) * 0.25, 10);
      hits.push({ label: l, match: m, score: Math.max(score, 0) });
    });
    // Typos only when nothing matches as typed, as the server does.
    hits.forEach(function (h) {
      if (h.match === FUZZY && !fuzzyOnly) return;
      var current = best.get(h.label.concept[0]);
      if (!current || h.score > current.score || (h.score === current.score && h.label.text < current.label.text)) {
        best.set(h.label.concept[0], h);
      }
    });
    return Array.from(best.values())
      .sort(function (a, b) {
        var x = a.label.text, y = b.label.text;
        return b.score - a.score || x.length - y.length || (x < y ? -1 : x > y ? 1 : 0) || (a.label.concept[0] < b.label.concept[0] ? -1 : 1);
      })
      .slice(0, limit)
      .map(function (h) {
        var concept = h.label.concept, names = concept[1];
        var shown = languages.find(function (l) { return l in names; }) || Object.keys(names)[0];
        var href = concept[0];
        // Links keep a reader's language other than the default, as the server's do.
        if (languages[0] !== settings.languages[0]) href += (href.indexOf("?") >= 0 ? "&" : "?") + "lang=" + languages[0];
        return {
          label: names[shown], labelLang: shown, href: href, deprecated: concept[2] === 1,
          matched: { text: h.label.text, lang: h.label.lang, kind: h.label.kind }
        };
      });
  }

  // For tests under Node: the matching without the page.
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { normalise: normalise, variant: variant, fileName: fileName, distance: distance, StaticIndex: StaticIndex };
  }
  if (typeof document === "undefined") return;

  // ---- Branches of the hierarchy (src/server/browse.rs) ----
  // A closed branch links to its page; opened here, it is filled from that
  // page in place, once. Without script the link is followed instead.
  if (window.fetch && window.DOMParser) {
    document.addEventListener("toggle", function (event) {
      var details = event.target;
      if (!details.open || !details.matches || !details.matches("details[data-branch]") || details.dataset.filled) return;
      details.dataset.filled = "1";
      details.setAttribute("aria-busy", "true");
      var href = details.getAttribute("data-branch");
      fetch(href).then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); }).then(function (html) {
        var list = new DOMParser().parseFromString(html, "text/html").querySelector("main ul.branches");
        if (!list) return;
        // Links in the fetched page are relative to it.
        var base = new URL(href, document.baseURI);
        list.querySelectorAll("a[href]").forEach(function (a) { a.setAttribute("href", new URL(a.getAttribute("href"), base).href); });
        list.querySelectorAll("details[data-branch]").forEach(function (d) { d.setAttribute("data-branch", new URL(d.getAttribute("data-branch"), base).href); });
        var link = details.querySelector(":scope > p");
        // Someone who tabbed onto the fallback link while the branch loaded
        // keeps their place: focus moves to the branch's first link.
        var focused = link && link.contains(document.activeElement);
        if (link) link.replaceWith(list); else details.appendChild(list);
        var first = list.querySelector("a[href]");
        if (focused && first) first.focus();
      }).catch(function () { delete details.dataset.filled; }).then(function () { details.removeAttribute("aria-busy"); });
    }, true);
  }

  // ---- The search box ----

  var form = document.querySelector("form.search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var lang = form.querySelector("input[name=lang]");
  var pageLang = lang ? lang.value : document.documentElement.lang;
  var index = new StaticIndex(form.action);
  // Whether /api/search answers here: unknown until asked.
  var api = null;
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", form.getAttribute("data-suggestions") || "Suggestions");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  var timer = null, latest = 0;
  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); }

  // A link to a found concept, named in the reader's language where it can be.
  function link(r) {
    var a = document.createElement("a");
    a.href = new URL(r.href, form.action).href;
    a.textContent = r.label;
    if (r.labelLang && r.labelLang !== document.documentElement.lang) a.lang = r.labelLang;
    return a;
  }

  function show(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = link(r);
      if (r.matched.text !== r.label) {
        var small = document.createElement("small");
        small.textContent = " (" + r.matched.text + ")";
        // A label in another language than the page's says so.
        if (r.matched.lang && r.matched.lang !== document.documentElement.lang) small.lang = r.matched.lang;
        a.appendChild(small);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  // Suggestions from /api/search, or from the static index where it does not
  // answer JSON (a static host's 404, or its page for every address).
  function suggestions(q) {
    if (api === false) return index.search(q, pageLang, 8);
    var url = new URL("api/search", form.action);
    url.searchParams.set("q", q);
    url.searchParams.set("limit", "8");
    if (lang) url.searchParams.set("lang", lang.value);
    return fetch(url).then(function (r) {
      var json = /json/.test(r.headers.get("content-type") || "");
      if (api === null && !(r.ok && json)) {
        api = false;
        return index.search(q, pageLang, 8);
      }
      api = true;
      return r.ok ? r.json().then(function (data) { return data.results; }) : [];
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(function () {
      var id = ++latest;
      suggestions(q).then(function (results) { if (id === latest) show(results); }).catch(close);
    }, 120);
  });
  form.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "Escape") { close(); input.focus(); }
    else if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
    else if (e.key === "ArrowUp" && at >= 0) { e.preventDefault(); (at === 0 ? input : links[at - 1]).focus(); }
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });

  // ---- A query page of a static copy ----
  // The server fills the form with the values in the address; a static host
  // sends the page of the default values whatever the address asks for.
  var notice = document.getElementById("static-values");
  var query = document.querySelector("form.query");
  if (notice && query) {
    var params = new URLSearchParams(location.search);
    var other = Array.prototype.some.call(query.querySelectorAll("input[name]:not([type=hidden])"), function (field) {
      var given = params.getAll(field.name).filter(function (v) { return v !== ""; }).pop();
      return given !== undefined && given !== field.value;
    });
    if (other) notice.hidden = false;
  }

  // ---- The results page of a static copy ----
  // The server fills the page for ?q=; a static host sends the page without
  // results (its empty list, below), and the index fills it.
  var results = document.getElementById("search-results");
  var asked = new URLSearchParams(location.search).get("q");
  if (!results || !asked || !asked.trim()) return;
  asked = asked.trim();
  input.value = asked;
  var status = document.getElementById("search-status");
  index.search(asked, pageLang, 50).then(function (found) {
    var forms = [status.getAttribute("data-zero"), status.getAttribute("data-one"), status.getAttribute("data-many")];
    status.textContent = forms[Math.min(found.length, 2)].replace("{n}", found.length).replace("{q}", asked);
    status.setAttribute("role", "status");
    found.forEach(function (r) {
      var li = document.createElement("li");
      li.appendChild(link(r));
      if (r.matched.kind !== "p" || r.matched.text !== r.label) {
        var matched = document.createElement("span");
        matched.className = "matched";
        var text = document.createElement("span");
        text.textContent = r.matched.text;
        if (r.matched.lang && r.matched.lang !== document.documentElement.lang) text.lang = r.matched.lang;
        matched.append("(", text, ")");
        li.append(" ", matched);
      }
      results.appendChild(li);
    });
    results.hidden = false;
  }).catch(function () {
    status.textContent = status.getAttribute("data-failed");
  });
})();
