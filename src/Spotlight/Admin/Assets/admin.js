// Spotlight admin console: the only script. Refreshes the dashboard's counters from a JSON endpoint, and runs the
// browser's passkey (WebAuthn) ceremonies, which cannot work without script; every other page works without it.
(function () {
  "use strict";
  var live = document.querySelector("[data-live-source]");
  if (!live || !window.fetch) { return; }
  var source = live.getAttribute("data-live-source");
  var interval = Math.max(1000, parseInt(live.getAttribute("data-live-interval"), 10) || 15000);
  function refresh() {
    if (document.hidden) { return; }
    fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (tiles) {
        if (!tiles) { return; }
        Object.keys(tiles).forEach(function (key) {
          document.querySelectorAll('[data-tile="' + key + '"]').forEach(function (element) {
            if (element.textContent !== tiles[key]) { element.textContent = tiles[key]; }
          });
        });
      })
      .catch(function () { /* the next round tries again */ });
  }
  setInterval(refresh, interval);
})();

// Passkeys: a form marked data-passkey-register or data-passkey-signin first asks its page for options (POST to the
// form's data-begin handler, with the form's antiforgery token), lets the browser create or use the credential, then
// submits the form with the ceremony id and the credential as JSON. The server checks everything.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-passkey-register], form[data-passkey-signin]");
  if (forms.length === 0) { return; }
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) { return; }
  document.querySelectorAll("[data-passkey-unsupported]").forEach(function (element) { element.hidden = true; });

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }
  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  // The server's JSON may carry nulls for absent members; WebAuthn's dictionaries want them left out.
  function withoutNulls(value) {
    if (Array.isArray(value)) { return value.map(withoutNulls); }
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) { if (value[key] !== null) { copy[key] = withoutNulls(value[key]); } });
      return copy;
    }
    return value;
  }
  function descriptors(list) {
    return (list || []).map(function (d) { var c = Object.assign({}, d); c.id = toBytes(d.id); return c; });
  }
  function creationOptions(json) {
    var o = withoutNulls(json);
    o.challenge = toBytes(o.challenge);
    o.user = Object.assign({}, o.user, { id: toBytes(o.user.id) });
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return o;
  }
  function requestOptions(json) {
    var o = withoutNulls(json);
    o.challenge = toBytes(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return o;
  }
  function credentialJson(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) { response.userHandle = toBase64url(r.userHandle); }
    }
    return JSON.stringify({
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type, response: response,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
    });
  }

  forms.forEach(function (form) {
    var registering = form.hasAttribute("data-passkey-register");
    var status = form.querySelector("[data-passkey-status]");
    var button = form.querySelector("button[type=submit]");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (status) { status.textContent = ""; }
      button.disabled = true;
      fetch(form.getAttribute("data-begin"), { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) { throw new Error(body.detail || "The server refused to start."); }
            return body;
          });
        })
        .then(function (begun) {
          var ask = registering
            ? navigator.credentials.create({ publicKey: creationOptions(begun.options) })
            : navigator.credentials.get({ publicKey: requestOptions(begun.options) });
          return ask.then(function (credential) {
            if (!credential) { throw new Error("No passkey was chosen."); }
            form.querySelector("input[name=ceremonyId]").value = begun.ceremonyId;
            form.querySelector("input[name=credential]").value = credentialJson(credential);
            form.submit();
          });
        })
        .catch(function (error) {
          button.disabled = false;
          if (status) {
            status.textContent = error && error.name === "NotAllowedError"
              ? "The passkey prompt was cancelled or timed out. Try again."
              : "The passkey could not be used: " + (error && error.message ? error.message : "unknown error") + ".";
          }
        });
    });
  });
})();
