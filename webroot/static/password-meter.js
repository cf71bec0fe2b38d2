// Strength meter of the new-password page: a rough guide while typing (length, kinds of
// characters, repeats and runs). The server decides with nbvcxz and the breached-password list;
// the password never leaves the page before the form is sent.
(function () {
  'use strict';
  var box = document.getElementById('password-strength');
  var input = document.getElementById('password');
  if (!box || !input) { return; }
  var meter = document.getElementById('password-meter');
  var text = document.getElementById('password-meter-text');
  var levels = (box.getAttribute('data-levels') || '').split('|');
  var min = parseInt(box.getAttribute('data-min'), 10) || 12;

  function bits(pw) {
    var pool = 0;
    if (/[a-z]/.test(pw)) { pool += 26; }
    if (/[A-Z]/.test(pw)) { pool += 26; }
    if (/[0-9]/.test(pw)) { pool += 10; }
    if (/[^a-zA-Z0-9]/.test(pw)) { pool += 33; }
    var distinct = 0, seen = {}, runs = 0;
    for (var i = 0; i < pw.length; i++) {
      if (!seen[pw[i]]) { seen[pw[i]] = true; distinct++; }
      if (i > 0 && Math.abs(pw.charCodeAt(i) - pw.charCodeAt(i - 1)) <= 1) { runs++; }
    }
    // Repeated characters and runs such as "abcd" or "1111" add little.
    var effective = Math.max(0, Math.min(pw.length, distinct * 2) - runs / 2);
    return effective * Math.log(Math.max(pool, 1)) / Math.LN2;
  }

  function score(pw) {
    if (pw.length === 0) { return 0; }
    var b = bits(pw);
    var s = b < 28 ? 0 : b < 36 ? 1 : b < 60 ? 2 : b < 80 ? 3 : 4;
    return pw.length < min ? Math.min(s, 1) : s;
  }

  function update() {
    var s = score(input.value);
    meter.value = s;
    text.textContent = input.value.length === 0 ? '' : (levels[s] || '');
  }
  input.addEventListener('input', update);
  update();
}());
