// Autocomplete for the search box: suggestions from /api/search as links.
// Without JavaScript the form still submits to the results page.
(function () {
  var form = document.querySelector("form.search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var lang = form.querySelector("input[name=lang]");
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
  function show(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = new URL(r.href, form.action).href;
      a.textContent = r.label;
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
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(function () {
      var id = ++latest;
      var url = new URL("api/search", form.action);
      url.searchParams.set("q", q);
      url.searchParams.set("limit", "8");
      if (lang) url.searchParams.set("lang", lang.value);
      fetch(url).then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (id === latest) show(data.results); })
        .catch(close);
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
})();
