// OTP pages: copy the TOTP key, print the recovery codes. No inline scripts (CSP).
(function () {
  'use strict';
  var copy = document.getElementById('copy-key');
  if (copy) {
    copy.addEventListener('click', function () {
      var text = copy.getAttribute('data-copy');
      var done = function () { copy.textContent = copy.getAttribute('data-done'); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(document.getElementById('totp-key'));
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { document.execCommand('copy'); done(); } catch (e) { /* the key stays selected for manual copy */ }
      }
    });
  }
  var print = document.getElementById('recovery-print');
  if (print) {
    print.addEventListener('click', function () { window.print(); });
  }
})();
