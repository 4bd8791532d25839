// Confirmation before destructive actions: <form data-confirm="..."> asks before submitting.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
}, true);

// <select data-autosubmit> submits its form on change (no inline handlers: the CSP forbids them).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) { field.form.submit(); }
});

// The main menu collapses behind a button on narrow screens (see .site-menu in app.css).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest(".menu-toggle");
  if (!button) { return; }
  var open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  document.getElementById(button.getAttribute("aria-controls")).classList.toggle("open", open);
});
document.addEventListener("keydown", function (event) {
  var button = document.querySelector(".menu-toggle[aria-expanded='true']");
  if (event.key === "Escape" && button) { button.click(); button.focus(); }
});

// Registration: once 16 digits of NIK are typed, ask the server what the NIK says and fill sex,
// birth date and regency where the officer has not typed anything (or where we filled them before);
// a value the officer chose that differs is pointed out, never overwritten.
(function () {
  var box = document.querySelector("[data-nik-facts]");
  if (!box) { return; }
  var form = box.closest("form"), nik = box.querySelector("input[name=nik]"), out = document.getElementById("nik-facts");
  var fields = { sex: form.elements.sex, birth_date: form.elements.birth_date, regency_code: form.elements.regency_code };
  Object.keys(fields).forEach(function (name) {
    var field = fields[name];
    if (field) { field.addEventListener("input", function (e) { if (e.isTrusted) { delete field.dataset.auto; } }); }
  });
  function shown(field) {
    if (field.tagName === "SELECT") { return field.selectedIndex > 0 ? field.options[field.selectedIndex].text : ""; }
    return field.value;
  }
  function has(field, value) {
    if (field.tagName !== "SELECT") { return true; }
    return Array.prototype.some.call(field.options, function (o) { return o.value === value; });
  }
  var last = "";
  function check() {
    var value = nik.value.trim();
    if (value === last) { return; }
    last = value;
    if (!/^\d{16}$/.test(value)) { out.textContent = ""; return; }
    var body = new FormData();  // posted: a NIK never goes into an address
    body.append("nik", value);
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken ? form.elements.csrfmiddlewaretoken.value : "");
    fetch(box.dataset.nikFacts, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (facts) {
        if (nik.value.trim() !== value) { return; }
        if (facts.errors.length) { out.textContent = facts.errors.join(" "); out.className = "nik-facts field-error"; return; }
        var parts = [], differs = false;
        Object.keys(fields).forEach(function (name) {
          var field = fields[name], want = facts[name];
          if (!field || !want) { return; }
          if ((field.value === "" || field.dataset.auto) && has(field, want)) {
            if (field.value !== want) {
              field.value = want;
              field.dispatchEvent(new Event("change", { bubbles: true }));  // village list, duplicate check
            }
            field.dataset.auto = "1";
          } else if (field.value !== want) { differs = true; }
          parts.push(field.value === want ? shown(field) : want);
        });
        out.className = "nik-facts";
        out.textContent = out.dataset.prefix + " " + parts.join(" · ") + (differs ? " (" + out.dataset.differs + ")" : "");
      })
      .catch(function () { out.textContent = ""; });
  }
  nik.addEventListener("input", check);
  check();
})();

// A form that comes back with errors puts the keyboard on its error summary.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});

// <button data-print> prints the page (no inline handlers: the CSP forbids them).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});

// The SIP2MI list narrows to the permits of the chosen job order (<select data-narrow-by="job_order">,
// options with data-job-order); one permit left is chosen for the officer, and a permit chosen
// first fills in its job order. Without JavaScript every permit stays listed.
document.querySelectorAll("select[data-narrow-by]").forEach(function (select) {
  var by = select.form && select.form.elements[select.getAttribute("data-narrow-by")];
  if (!by) { return; }
  function narrow() {
    var chosen = by.value, kept = [];
    Array.prototype.forEach.call(select.options, function (option) {
      var owner = option.getAttribute("data-job-order");
      if (!owner) { return; }
      var keep = !chosen || owner === chosen;
      option.hidden = !keep;
      option.disabled = !keep;
      if (keep) { kept.push(option); }
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !Array.prototype.some.call(group.children, function (option) { return !option.hidden; });
    });
    var current = select.options[select.selectedIndex];
    if (current && current.disabled) { select.value = ""; }
    if (chosen && kept.length === 1) { select.value = kept[0].value; }
  }
  by.addEventListener("change", narrow);
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex], owner = option && option.getAttribute("data-job-order");
    if (owner && !by.value) { by.value = owner; narrow(); }
  });
  narrow();
});
