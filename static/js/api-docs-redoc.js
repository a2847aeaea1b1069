/* Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html): drf-spectacular's
   inline init, moved here for the Content-Security-Policy. The nonce lets the
   <style> elements Redoc's styled-components create pass style-src. */
(function () {
  "use strict";
  // Redoc's sidebar draws Redocly's logo from cdn.redoc.ly: the page loads
  // nothing from outside the site (img-src), so that image gets no src
  // (api-docs-redoc.css hides it) instead of a refused request. React sets
  // it as a property, before the element is in the document; setAttribute
  // is covered too.
  var CDN = "https://cdn.redoc.ly/";
  var external = function (value) {
    return String(value).indexOf(CDN) === 0;
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      if (external(value)) {
        this.dataset.externalSrc = value;
        return;
      }
      src.set.call(this, value);
    }
  });
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && name === "src" && external(value)) {
      this.dataset.externalSrc = value;
      return;
    }
    return setAttribute.call(this, name, value);
  };
  var container = document.getElementById("redoc-container");
  var settings = container.dataset.settings ? JSON.parse(container.dataset.settings) : {};
  if (container.dataset.nonce) {
    settings.nonce = container.dataset.nonce;
  }
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
