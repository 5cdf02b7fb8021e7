// Remember the reader's language choice, so that the language entry page at /
// sends them to it on their next visit.
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-lang]");
  if (!a) return;
  try { localStorage.setItem("kakehashi-lang", a.getAttribute("data-lang")); } catch (err) {}
});
