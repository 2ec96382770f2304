/* Kiosk timers. A thank-you screen returns to the faces for the next person after a
   few seconds, with a button to stop the countdown (WCAG 2.2.1: a time limit the user
   can turn off); an idle faces page reloads now and then so that its CSRF token never
   expires. Without JavaScript a <noscript> meta refresh does the same, minus the
   button. A page the browser brings back from its back/forward cache (Back on a
   shared tablet) is loaded afresh, so it shows the server's answer for the next
   person, never the previous one's screen. A file, not an inline script: the CSP
   forbids those. */
(function () {
  "use strict";
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  var holder = document.querySelector("[data-reset-url]");
  if (!holder) { return; }
  var url = holder.getAttribute("data-reset-url");
  var left = parseInt(holder.getAttribute("data-reset-seconds"), 10) || 10;
  var shown = document.getElementById("countdown");
  var stay = document.getElementById("stay");
  var timer = window.setInterval(function () {
    left -= 1;
    if (shown) { shown.textContent = String(Math.max(left, 0)); }
    if (left <= 0) {
      window.clearInterval(timer);
      window.location.replace(url);
    }
  }, 1000);
  if (stay) {
    stay.hidden = false;
    stay.addEventListener("click", function () {
      window.clearInterval(timer);
      stay.hidden = true;
      var note = document.getElementById("countdown-note");
      if (note) { note.hidden = true; }
    });
  }
}());
