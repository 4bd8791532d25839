// Starts the vendored Swagger UI for /api/v1/docs. Kept out of the page so the Content-Security-Policy
// needs no inline script. A signed-in browser session sends its CSRF token with every call.
(function () {
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.getAttribute("data-csrf-token");
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  if (csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
