/* Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html): drf-spectacular's
   inline init, moved here for the Content-Security-Policy. The nonce lets the
   <style> elements Redoc's styled-components create pass style-src. */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settings = container.dataset.settings ? JSON.parse(container.dataset.settings) : {};
  if (container.dataset.nonce) {
    settings.nonce = container.dataset.nonce;
  }
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
