// Render the API's OpenAPI document with the vendored Swagger UI (no CDN).
(function () {
  var target = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: target.dataset.specUrl,
    domNode: target,
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null, // no badge fetched from swagger.io: the page works offline
  });
})();
