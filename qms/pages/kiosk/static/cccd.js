/* The QR code on a chip-based citizen ID card (CCCD), read by a keyboard-wedge scanner.

   Format: CCCD number|old CMND|full name|date of birth DDMMYYYY|sex|address|issue date DDMMYYYY.
   Only the date of birth is used, and only to say whether the citizen has reached an age;
   nothing read from the card leaves this file: no storage, no request, no log. */
(function () {
  "use strict";

  function validDate(text) {
    if (!/^\d{8}$/.test(text)) return null;
    var d = +text.slice(0, 2), m = +text.slice(2, 4), y = +text.slice(4, 8);
    if (y < 1900 || m < 1 || m > 12 || d < 1) return null;
    var days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return d <= days ? {y: y, m: m, d: d} : null;
  }

  /* Returns the birth date {y, m, d}, or null when the text is not a CCCD code. */
  function birthDate(text) {
    var fields = String(text || "").trim().split("|");
    if (fields.length < 7 || !/^\d{12}$/.test(fields[0])) return null;
    return validDate(fields[3]);
  }

  /* Full years from birth to today ({y, m, d} each). */
  function age(birth, today) {
    var years = today.y - birth.y;
    if (today.m < birth.m || (today.m === birth.m && today.d < birth.d)) years -= 1;
    return years;
  }

  /* "elderly" | "young" | "invalid" (a future birth date is not a card either). */
  function classify(text, today, threshold) {
    var birth = birthDate(text);
    if (!birth) return "invalid";
    var years = age(birth, today);
    if (years < 0) return "invalid";
    return years >= threshold ? "elderly" : "young";
  }

  window.QmsCccd = {classify: classify};
})();
