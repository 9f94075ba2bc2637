/* Proof of work for the tip form (tips.antiabuse.pow). Our own script, from our own origin, no inline code.
 *
 * The form carries a signed challenge whose first part is the difficulty N. We look for a nonce such that
 * SHA-256(challenge + ":" + nonce) starts with N zero bits, starting as soon as the page loads so that the
 * work is usually done before the tipster has finished writing, and put it in the hidden field pow_nonce.
 * Without this script (JavaScript off, or no crypto.subtle outside a secure context) the tip is still
 * accepted, only marked unverified. Nothing here leaves the page except the nonce.
 */
(function () {
  "use strict";

  var BATCH = 128; // digests in flight at once: crypto.subtle is asynchronous, so batches keep it busy
  var SUBMIT_WAIT_MS = 15000; // after this, send anyway (the tip is then unverified)

  function leadingZeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      if (b === 0) { bits += 8; continue; }
      while ((b & 0x80) === 0) { bits += 1; b <<= 1; }
      break;
    }
    return bits;
  }

  function solve(subtle, challenge, bits) {
    var encoder = new TextEncoder();
    var prefix = challenge + ":";
    var next = 0;
    function batch() {
      var nonces = [];
      var digests = [];
      for (var i = 0; i < BATCH; i++) {
        var nonce = String(next++);
        nonces.push(nonce);
        digests.push(subtle.digest("SHA-256", encoder.encode(prefix + nonce)));
      }
      return Promise.all(digests).then(function (results) {
        for (var j = 0; j < results.length; j++) {
          if (leadingZeroBits(new Uint8Array(results[j])) >= bits) { return nonces[j]; }
        }
        return batch();
      });
    }
    return batch();
  }

  if (typeof module !== "undefined" && module.exports) {
    // For measuring the solve time under Node (docs/benchmarks.md); browsers never take this branch.
    module.exports = { solve: solve, leadingZeroBits: leadingZeroBits };
    return;
  }

  function start(form) {
    var challengeField = form.querySelector("input[name=pow_challenge]");
    var nonceField = form.querySelector("input[name=pow_nonce]");
    var status = form.querySelector("[data-pow-status]");
    var subtle = window.crypto && window.crypto.subtle;
    if (!challengeField || !nonceField || !challengeField.value || !subtle || !window.TextEncoder) { return; }
    var bits = parseInt(challengeField.value.split(".")[0], 10);
    if (!(bits >= 0 && bits <= 32)) { return; }
    var done = false;
    var waiting = false;
    var sent = false;
    var work = solve(subtle, challengeField.value, bits).then(function (nonce) {
      nonceField.value = nonce;
      done = true;
      form.setAttribute("data-pow", "done");
    }, function () { done = true; });

    function send() {
      if (sent) { return; }
      sent = true;
      form.submit();
    }

    form.addEventListener("submit", function (event) {
      if (done) { return; }
      event.preventDefault();
      if (waiting) { return; }
      waiting = true;
      if (status) { status.textContent = status.getAttribute("data-pow-wait") || "…"; }
      work.then(send, send);
      window.setTimeout(send, SUBMIT_WAIT_MS);
    });
  }

  function init() {
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].querySelector("input[name=pow_challenge]")) { start(forms[i]); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
