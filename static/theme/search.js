// Site search without a server: fetches this language's index (made by
// internal/search) the first time the search box is used, and matches the
// query the same way search.Search does in Go (search_test checks both agree).
(function () {
  "use strict";
  var CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
  var WORD = /[\p{L}\p{N}\p{M}]/u;
  var MAX_WORD = 24, MAX_SHOWN = 20;

  // terms: CJK runs as character pairs, other text as lower-cased words.
  function terms(s) {
    var out = [], run = [], cjk = false;
    function flush() {
      if (cjk && run.length == 1) out.push(run[0]);
      else if (cjk) for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      else if (run.length > 1) out.push(run.slice(0, MAX_WORD).join(""));
      run = [];
    }
    for (var c of s.normalize("NFKC").toLowerCase()) {
      if (CJK.test(c)) { if (!cjk) flush(); cjk = true; run.push(c); }
      else if (WORD.test(c)) { if (cjk) flush(); cjk = false; run.push(c); }
      else { flush(); cjk = false; }
    }
    flush();
    return out;
  }

  // matches: a word finds the words it begins, a lone CJK character every pair holding it.
  function matches(k, q) {
    if (!CJK.test(q)) return k.startsWith(q);
    return Array.from(q).length == 1 ? k.includes(q) : k == q;
  }

  // read checks an index's version and turns each posting's differences
  // into the document indexes they add up to, in place.
  function read(ix) {
    if (ix.v !== 2) throw new Error("search index version " + ix.v + ", want 2");
    [ix.title, ix.body].forEach(function (section) {
      Object.keys(section).forEach(function (k) {
        var ps = section[k];
        for (var i = 1; i < ps.length; i++) ps[i] += ps[i - 1];
      });
    });
    return ix;
  }

  // find returns [docIndex, score] pairs of a read index, best first: every term must match;
  // per term a title hit scores 10, a body hit 1, an exact term 1 more.
  function find(ix, query) {
    if (!ix.keys) ix.keys = Object.keys(ix.title).concat(Object.keys(ix.body).filter(function (k) { return !(k in ix.title); }));
    var total = null, seen = {};
    terms(query).forEach(function (q) {
      if (seen[q]) return;
      seen[q] = 1;
      var score = new Map();
      ix.keys.forEach(function (k) {
        if (!matches(k, q)) return;
        var bonus = k == q ? 1 : 0;
        (ix.title[k] || []).forEach(function (d) { score.set(d, Math.max(score.get(d) || 0, 10 + bonus)); });
        (ix.body[k] || []).forEach(function (d) { score.set(d, Math.max(score.get(d) || 0, 1 + bonus)); });
      });
      if (!total) { total = score; return; }
      total.forEach(function (s, d) { if (score.has(d)) total.set(d, s + score.get(d)); else total.delete(d); });
    });
    return total ? Array.from(total).filter(function (e) { return e[0] < ix.docs.length; })
      .sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }) : [];
  }

  if (typeof document == "undefined") { if (typeof module == "object") module.exports = { terms: terms, read: read, find: find }; return; }

  var indexes = {};
  function load(url) {
    if (!indexes[url]) indexes[url] = fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    }).then(read).catch(function (err) { delete indexes[url]; throw err; }); // try again next time
    return indexes[url];
  }

  function setup(form) {
    var input = form.querySelector("input"), list = form.querySelector("[aria-live]");
    if (!input || !form.dataset.index) return;
    if (!list) { list = document.createElement("ul"); list.setAttribute("aria-live", "polite"); form.appendChild(list); }
    var shown = "";
    function show() {
      var q = input.value;
      if (!terms(q).length) { list.replaceChildren(); shown = ""; return Promise.resolve(); }
      return load(form.dataset.index).then(function (ix) {
        if (input.value != q || q == shown) return;
        shown = q;
        var items = find(ix, q).slice(0, MAX_SHOWN).map(function (hit) {
          var doc = ix.docs[hit[0]], li = document.createElement("li"), a = document.createElement("a");
          if (!/^(\/|https?:)/.test(doc[0])) return null;
          a.href = doc[0];
          a.textContent = doc[1];
          li.appendChild(a);
          return li;
        }).filter(Boolean);
        if (!items.length) {
          var li = document.createElement("li");
          li.className = "search-none";
          li.textContent = form.dataset.noresults || "—";
          items.push(li);
        }
        list.replaceChildren.apply(list, items);
      }, function (err) { console.error("search:", err); });
    }
    input.addEventListener("input", show);
    input.addEventListener("focus", function () { load(form.dataset.index).catch(function () {}); });
    input.addEventListener("keydown", function (e) {
      if (e.key == "Escape") { input.value = ""; show(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      show().then(function () {
        var first = list.querySelector("a");
        if (first) first.focus();
      });
    });
    form.hidden = false;
    if (input.value) show();
  }

  function init() { document.querySelectorAll('form.search[role="search"]').forEach(setup); }
  if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
