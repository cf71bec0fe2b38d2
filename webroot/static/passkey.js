/*
 * Passkey ceremonies for the set-up, sign-in and management pages. No dependencies, no inline
 * code (the CSP forbids it): the page hands over its endpoints, CSRF token and messages in the
 * data- attributes of #passkey. The server speaks JSON with base64url for binary fields; the
 * browser's navigator.credentials API wants ArrayBuffers: this file converts both ways.
 */
(function () {
  'use strict';

  function toBuffer(base64url) {
    var base64 = String(base64url).replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) { base64 += '='; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var out = { type: d.type || 'public-key', id: toBuffer(d.id) };
      if (d.transports) { out.transports = d.transports; }
      return out;
    });
  }

  /** JSON creation options -> PublicKeyCredentialCreationOptions */
  function creationOptions(json) {
    var o = JSON.parse(JSON.stringify(json));
    o.challenge = toBuffer(json.challenge);
    o.user.id = toBuffer(json.user.id);
    if (o.excludeCredentials) { o.excludeCredentials = descriptors(json.excludeCredentials); }
    return o;
  }

  /** JSON request options -> PublicKeyCredentialRequestOptions */
  function requestOptions(json) {
    var o = JSON.parse(JSON.stringify(json));
    o.challenge = toBuffer(json.challenge);
    if (o.allowCredentials) { o.allowCredentials = descriptors(json.allowCredentials); }
    return o;
  }

  /** PublicKeyCredential -> the JSON the server (vertx-auth-webauthn4j) reads */
  function credentialToJson(credential) {
    var r = credential.response;
    var response = {
      clientDataJSON: toBase64url(r.clientDataJSON),
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
    };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      if (typeof r.getTransports === 'function') { response.transports = r.getTransports(); }
    }
    if (r.authenticatorData) {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) { response.userHandle = toBase64url(r.userHandle); }
    }
    return { id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type, response: response };
  }

  function postJson(url, csrf, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        return { ok: res.ok, status: res.status, body: json };
      });
    });
  }

  function supported() {
    return typeof window.PublicKeyCredential === 'function' && !!(navigator.credentials && navigator.credentials.create);
  }

  /** Exposed for the pages' own use and for tests driving a ceremony step by step. */
  window.SekishoPasskey = {
    toBuffer: toBuffer, toBase64url: toBase64url, creationOptions: creationOptions,
    requestOptions: requestOptions, credentialToJson: credentialToJson, postJson: postJson
  };

  var root = document.getElementById('passkey');
  if (!root) { return; }
  var data = root.dataset;
  var start = document.getElementById('passkey-start');
  var status = document.getElementById('passkey-status');
  var message = document.getElementById('passkey-message');

  function show(el, text) {
    el.textContent = text || '';
    el.hidden = !text;
  }

  function fail(text) {
    show(status, '');
    show(message, text);
    start.disabled = false;
    start.focus();
  }

  /** Errors from navigator.credentials: the member cancelled, timed out, or the device refused. */
  function browserError(err) {
    var name = err && err.name;
    if (name === 'NotAllowedError' || name === 'AbortError') { return data.msgCancelled; }
    if (name === 'InvalidStateError') { return data.msgDuplicate; }
    if (name === 'SecurityError') { return data.msgSecurity; }
    if (name === 'NotSupportedError') { return data.msgUnsupported; }
    return data.msgFailed;
  }

  function serverError(result) {
    var error = result.body && result.body.error;
    if (error && error.code === 'not_recognised') { return data.msgNotRecognised; }
    return (error && error.message) || data.msgFailed;
  }

  function ceremony() {
    show(message, '');
    if (!supported()) { fail(data.msgUnsupported); return; }
    start.disabled = true;
    show(status, data.msgWorking);
    var register = data.mode === 'register';
    postJson(data.optionsUrl, data.csrf).then(function (options) {
      if (!options.ok) { fail(serverError(options)); return null; }
      var call = register
        ? navigator.credentials.create({ publicKey: creationOptions(options.body) })
        : navigator.credentials.get({ publicKey: requestOptions(options.body) });
      return call.then(function (credential) {
        return postJson(data.submitUrl, data.csrf, credentialToJson(credential)).then(function (result) {
          if (!result.ok) { fail(serverError(result)); return; }
          if (register) {
            named(result.body.defaultName);
          } else {
            window.location.assign(result.body.location || '/');
          }
        }, function () { fail(data.msgFailed); });
      }, function (err) { fail(browserError(err)); });
    }, function () { fail(data.msgFailed); });
  }

  /** After the OS dialog: the name step (the member types a name and presses 次へ). */
  function named(defaultName) {
    show(status, '');
    var step = document.getElementById('passkey-name-step');
    var createStep = document.getElementById('passkey-create-step');
    var input = document.getElementById('passkey-name');
    if (input && defaultName) { input.value = defaultName; }
    if (createStep) { createStep.hidden = true; }
    if (step) { step.hidden = false; }
    if (input) { input.focus(); input.select(); }
  }

  start.addEventListener('click', ceremony);
  if (!supported()) { fail(data.msgUnsupported); start.disabled = true; }
})();
