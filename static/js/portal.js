// The navigation is a <details> menu on a phone and always open on a wide screen.
// Everything works without JavaScript; this only saves a tap.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.querySelector("details.menu");
  if (!menu) return;
  const wide = window.matchMedia("(min-width: 860px)");
  const sync = () => { menu.open = wide.matches; };
  sync();
  wide.addEventListener("change", sync);
  document.addEventListener("click", (event) => {
    if (!wide.matches && menu.open && !menu.contains(event.target)) menu.open = false;
  });
});
// Signed out (no user in the header): the field tool's copies of task pages are dropped from this phone.
document.addEventListener("DOMContentLoaded", () => {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (worker && !document.querySelector("[data-testid=current-user]")) worker.postMessage({ type: "forget" });
});

// A form with data-confirm asks before it is sent: a leader's approval, submitting results for review.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// A table wider than the screen scrolls sideways in its wrapper: keyboard users reach it too (a named region).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".table-wrap").forEach((wrap) => {
    if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) return;
    const heading = wrap.closest("section") && wrap.closest("section").querySelector("h2");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
  });
});
