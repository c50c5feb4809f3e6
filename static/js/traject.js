// Small enhancements on top of pages that work without JavaScript.
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    target.setAttribute("role", "alert");
  }
});

// Contribute ------------------------------------------------------------------
// When htmx replaces the page's content after a contributor saved, or closes
// the inline form, the element that had the focus is gone: give the focus to
// the confirmation, or back to the button that opens the form.
document.addEventListener("htmx:load", (event) => {
  const element = event.detail.elt;
  if (!(element instanceof HTMLElement) || element === document.body) {
    return;
  }
  let focus = null;
  if (element.id === "content") {
    focus = element.querySelector(".messages");
  } else if (element.id === "contribute") {
    focus = element.querySelector(".contribute-bar .button");
  }
  if (focus) {
    if (!focus.matches("a, button")) {
      focus.setAttribute("tabindex", "-1");
    }
    focus.focus();
  }
});

// When an inline form is refused for want of a session (htmx then receives
// the login page) or by the server, keep the form and its input in place and
// show the notice the form carries for it.
function refuseContribution(event) {
  const target = event.detail.target;
  const container = target && target.closest("#contribute-form");
  const notice = container && container.querySelector(".contribute-refused");
  if (!notice) {
    return false;
  }
  notice.hidden = false;
  notice.focus();
  return true;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const answered = event.detail.xhr.responseURL;
  if (answered && new URL(answered).pathname.startsWith("/login/")) {
    if (refuseContribution(event)) {
      event.detail.shouldSwap = false;
    }
  }
});
document.addEventListener("htmx:responseError", refuseContribution);

// Linked sections ---------------------------------------------------------------
// "Show all" and the pages of a linked section replace the list that holds
// the link just followed: give the focus to the new list, so that keyboard
// and screen reader users carry on where they were.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || !target.id || !target.id.endsWith("-items")) {
    return;
  }
  const swapped = document.getElementById(target.id);
  if (swapped && swapped.classList.contains("linked-items")) {
    swapped.focus();
  }
});
