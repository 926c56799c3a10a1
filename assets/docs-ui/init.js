// Starts Swagger UI on /docs. A file of its own (not an inline script) so the page's
// Content-Security-Policy can say script-src 'self'. validatorUrl null: Swagger UI would otherwise
// load a badge from validator.swagger.io, a third party the CSP refuses anyway.
/* global window, SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", function () {
  SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#docs",
    validatorUrl: null,
    deepLinking: true,
  });
});
