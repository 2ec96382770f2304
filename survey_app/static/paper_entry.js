// Paper entry by keyboard: on a 1–5 question, the keys 1–5 (0 or K: "not used") choose
// the answer and move to the next question, so a whole form is typed without the mouse.
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

  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.ctrlKey || event.altKey || event.metaKey || input.type !== "radio") return;
    const group = input.closest("fieldset.scale");
    if (!group) return;
    let value = null;
    if (/^[1-5]$/.test(event.key)) value = event.key;
    else if (event.key === "0" || event.key.toLowerCase() === "k") value = "not_used";
    if (value === null) return;
    const choice = group.querySelector(`input[type=radio][value="${value}"]`);
    if (!choice) return;
    event.preventDefault();
    choice.checked = true;
    next(choice);
  });
})();
