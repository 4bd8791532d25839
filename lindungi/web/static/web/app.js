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
