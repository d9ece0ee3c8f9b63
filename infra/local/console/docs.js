// The API document (/openapi.json, generated from the handlers' zod schemas) in Swagger UI.
// "Try it out" works against the local stack: Authorize with a token from POST /_local/token.
'use strict';
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#api',
  deepLinking: true,
  docExpansion: 'list',
  filter: true,
  tryItOutEnabled: false,
  persistAuthorization: true,
});
