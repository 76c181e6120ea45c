// Render the API's OpenAPI document with the vendored Swagger UI (no CDN).
(function () {
  var target = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: target.dataset.specUrl,
    domNode: target,
    deepLinking: true,
    persistAuthorization: false,
  });
})();
