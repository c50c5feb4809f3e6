// Small enhancements on top of pages that work without JavaScript.
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    target.setAttribute("role", "alert");
  }
});
