// J1.6: the waiting page moves on by itself once the confirmation link is opened, in any browser
// and through any gateway process. Server-sent events give the news at once; a status check every
// few seconds covers networks or proxies that cut event streams. The refresh button works without
// this script. (A file, not inline: the CSP forbids inline scripts.)
(function () {
  'use strict';
  var box = document.getElementById('waiting');
  if (!box) {
    return;
  }
  var done = false;
  function go(next) {
    if (done) {
      return;
    }
    done = true;
    window.location.assign(next && next.charAt(0) === '/' && next.charAt(1) !== '/' ? next : '/sekisho/onboarding');
  }
  function poll() {
    if (done) {
      return;
    }
    fetch(box.getAttribute('data-status'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s && s.confirmed) { go(s.next); } })
      .catch(function () { /* offline for a moment: the next check retries */ });
  }
  if (window.EventSource) {
    var events = new EventSource(box.getAttribute('data-events'));
    events.addEventListener('confirmed', function (e) {
      events.close();
      var data = {};
      try { data = JSON.parse(e.data); } catch (ignored) { /* go to the default */ }
      go(data.next);
    });
  }
  window.setInterval(poll, 4000);
})();
