// Stepwise's one script: a module, so it runs only in browsers GOV.UK Frontend supports.
// The CSP forbids inline scripts, so the classes GOV.UK's page template sets inline
// are set here instead, before the components start. The import is relative to this
// file, so it follows STATIC_URL.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A radio that reveals more questions when chosen (GOV.UK's "conditional reveal"), marked
// data-sw-controls="the revealed element's id". GOV.UK Frontend's own version sets
// aria-expanded on the radio, which ARIA does not allow there (axe-core: a critical
// aria-allowed-attr); this one says which element the radio controls, and shows it.
function syncReveals() {
  for (const input of document.querySelectorAll("input[type=radio][data-sw-controls]")) {
    const revealed = document.getElementById(input.dataset.swControls);
    if (revealed) revealed.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  }
}
for (const input of document.querySelectorAll("input[type=radio][data-sw-controls]")) {
  input.setAttribute("aria-controls", input.dataset.swControls);
}
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=radio]")) syncReveals();
});
syncReveals();
