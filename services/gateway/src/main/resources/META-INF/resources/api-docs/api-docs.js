// The viewer of the merged API description (GET /api/openapi). Requests made from "Try it out" go through the
// gateway with the browser's session (same origin), as the web UI's do.
window.addEventListener('load', function () {
    window.ui = SwaggerUIBundle({
        url: '/api/openapi',
        dom_id: '#swagger-ui',
        deepLinking: true,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        plugins: [SwaggerUIBundle.plugins.DownloadUrl],
        layout: 'StandaloneLayout',
        validatorUrl: null
    });
});
