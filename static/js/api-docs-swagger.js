/* Swagger UI on /api/docs/ (templates/drf_spectacular/swagger_ui.html).
   drf-spectacular 0.30's drf_spectacular/swagger_ui.js (BSD-3-Clause), which it
   renders into an inline <script>; moved here for the Content-Security-Policy,
   with the view's values read from the data- attributes of #swagger-ui instead
   of template variables. Keep in step with that file when drf-spectacular is
   upgraded. */
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  const data = root.dataset;
  const swaggerSettings = JSON.parse(data.settings || "{}");
  const schemaAuthNames = JSON.parse(data.schemaAuthNames || "[]");
  const csrfHeaderName = data.csrfHeaderName;
  const csrfToken = data.csrfToken;
  let schemaAuthFailed = false;
  const plugins = [];
  let ui;

  const reloadSchemaOnAuthChange = () => {
    return {
      statePlugins: {
        auth: {
          wrapActions: {
            authorizeOauth2: (ori) => (...args) => {
              schemaAuthFailed = false;
              setTimeout(() => ui.specActions.download());
              return ori(...args);
            },
            authorize: (ori) => (...args) => {
              schemaAuthFailed = false;
              setTimeout(() => ui.specActions.download());
              return ori(...args);
            },
            logout: (ori) => (...args) => {
              schemaAuthFailed = false;
              setTimeout(() => ui.specActions.download());
              return ori(...args);
            },
          },
        },
      },
    };
  };

  if (schemaAuthNames.length > 0) {
    plugins.push(reloadSchemaOnAuthChange);
  }

  const uiInitialized = () => ui !== undefined;

  const isSchemaUrl = (url) => {
    if (!uiInitialized()) {
      return false;
    }
    return url === new URL(ui.getConfigs().url, document.baseURI).href;
  };

  const responseInterceptor = (response) => {
    if (!response.ok && isSchemaUrl(response.url)) {
      console.warn(
        "schema request received '" + response.status +
          "'. disabling credentials for schema till logout."
      );
      if (!schemaAuthFailed) {
        // only retry once to prevent endless loop.
        schemaAuthFailed = true;
        setTimeout(() => ui.specActions.download());
      }
    }
    return response;
  };

  const injectAuthCredentials = (request) => {
    let authorized;
    if (uiInitialized()) {
      const state = ui.getState().get("auth").get("authorized");
      if (state !== undefined && Object.keys(state.toJS()).length !== 0) {
        authorized = state.toJS();
      }
    } else if (![undefined, "{}"].includes(localStorage.authorized)) {
      authorized = JSON.parse(localStorage.authorized);
    }
    if (authorized === undefined) {
      return;
    }
    for (const authName of schemaAuthNames) {
      const authDef = authorized[authName];
      if (authDef === undefined || authDef.schema === undefined) {
        continue;
      }
      if (authDef.schema.type === "http" && authDef.schema.scheme === "bearer") {
        request.headers["Authorization"] = "Bearer " + authDef.value;
        return;
      } else if (authDef.schema.type === "http" && authDef.schema.scheme === "basic") {
        request.headers["Authorization"] =
          "Basic " + btoa(authDef.value.username + ":" + authDef.value.password);
        return;
      } else if (authDef.schema.type === "apiKey" && authDef.schema.in === "header") {
        request.headers[authDef.schema.name] = authDef.value;
        return;
      } else if (authDef.schema.type === "oauth2" && authDef.token.token_type === "Bearer") {
        request.headers["Authorization"] = `Bearer ${authDef.token.access_token}`;
        return;
      }
    }
  };

  const requestInterceptor = (request) => {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      try {
        injectAuthCredentials(request);
      } catch (e) {
        console.error("schema auth injection failed with error: ", e);
      }
    }
    // selectively omit adding headers to mitigate CORS issues.
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[csrfHeaderName] = csrfToken;
    }
    return request;
  };

  ui = SwaggerUIBundle({
    url: data.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins,
    layout: "BaseLayout",
    requestInterceptor,
    responseInterceptor,
    ...swaggerSettings,
  });

  if (data.oauth2Config) {
    ui.initOAuth(JSON.parse(data.oauth2Config));
  }
  window.ui = ui;
})();
