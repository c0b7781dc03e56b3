// Small progressive enhancements; pages work without them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autocomplete]").forEach(function (el) {
    new TomSelect(el, { maxOptions: 500, allowEmptyOption: true, closeAfterSelect: true });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
});
