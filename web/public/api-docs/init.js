// The API reference at /api/docs: Swagger UI (bundled from swagger-ui-dist at build time, no CDN)
// on the gateway's own document. "Authorize" takes an access token (POST /api/auth/login answers
// one) and keeps it across reloads; when this browser is signed in to the storefront or back
// office, that session's token is offered already. A file, not an inline script, so the page can
// keep a Content-Security-Policy without 'unsafe-inline' scripts.
(function () {
  var ui = window.SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    // off: operation ids hold "_", which its deep links read as escaped spaces (and warn about)
    deepLinking: false,
    persistAuthorization: true,
    displayRequestDuration: true,
    filter: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    validatorUrl: null,
    onComplete: function () {
      try {
        var session = JSON.parse(window.localStorage.getItem("bazaar.session") || "null");
        var persisted = window.localStorage.getItem("authorized");
        if (session && session.accessToken && session.expiresAt > Date.now() && !persisted) {
          ui.preauthorizeApiKey("bearer", session.accessToken);
        }
      } catch (ignored) {
        /* no storage (private mode): authorize by hand */
      }
    },
  });
  window.ui = ui;
})();
