// Paper entry by keyboard. On a question with choices, the key N picks the N-th answer
// (on a 1–5 scale that is the score itself; 0 or K picks "not used") and the cursor moves
// to the next question, so a whole paper form is typed without the mouse. The numbering
// is the one the import template uses for choices.
"use strict";
(function () {
  const form = document.getElementById("paper-entry");
  if (!form) return;

  function focusable(element) {
    return !element.disabled && element.type !== "hidden" && element.tabIndex !== -1 &&
      ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(element.tagName);
  }

  function next(after) {
    const elements = Array.from(form.elements);
    for (let i = elements.indexOf(after) + 1; i < elements.length; i += 1) {
      const element = elements[i];
      if (!focusable(element) || (element.type === "radio" && element.name === after.name)) continue;
      if (element.type === "radio") {
        const checked = form.querySelector(`input[type=radio][name="${element.name}"]:checked`);
        (checked || element).focus();
      } else {
        element.focus();
      }
      return;
    }
  }

  // After "save and next" the facility and date are kept: start on the first question.
  if (form.hasAttribute("data-focus-first-question")) {
    const first = form.querySelector(".item input, .item textarea");
    if (first) first.focus();
  }

  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.ctrlKey || event.altKey || event.metaKey || input.type !== "radio") return;
    const options = Array.from(
      form.querySelectorAll(`input[type=radio][name="${input.name}"]`));
    let choice = null;
    if (/^[1-9]$/.test(event.key)) {
      choice = options.filter((option) => option.value !== "not_used")[Number(event.key) - 1];
    } else if (event.key === "0" || event.key.toLowerCase() === "k") {
      choice = options.find((option) => option.value === "not_used");
    }
    if (!choice) return;
    event.preventDefault();
    choice.checked = true;
    next(choice);
  });
})();
