// "In" buttons of printable documents: [data-print] prints the page (no inline handlers: CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { event.preventDefault(); window.print(); }
});
