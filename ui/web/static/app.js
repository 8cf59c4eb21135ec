// Språkpool: the one script. The pages work without it; it only shows the free
// supervisors while the booking form is being filled in.
(function () {
  "use strict";
  var form = document.getElementById("book-form");
  var out = document.getElementById("free-preview");
  if (!form || !out) return;
  var timer = null;
  function ready() {
    return ["language", "date", "start", "end", "workplace_id"].every(function (n) {
      var el = form.elements[n];
      return el && el.value;
    });
  }
  function search() {
    if (!ready()) return;
    var params = new URLSearchParams(new FormData(form));
    params.delete("step");
    fetch("/book/free?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { out.innerHTML = html; })
      .catch(function () {});
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
})();
// The print view's button opens the browser's print dialog (the page prints
// the same from the browser's own menu).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
