// Stepwise's one script: a module, so it runs only in browsers GOV.UK Frontend supports.
// The CSP forbids inline scripts, so the classes GOV.UK's page template sets inline
// are set here instead, before the components start. The import is relative to this
// file, so it follows STATIC_URL.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
