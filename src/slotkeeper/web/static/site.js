/* Slotkeeper pages: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  function detectedZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  var zone = detectedZone();

  // Forms that lead to times carry the visitor's time zone.
  document.querySelectorAll("input[data-detect-tz]").forEach(function (input) {
    if (zone) input.value = zone;
  });

  // A page showing times in a zone nobody chose (e.g. a manage link opened from an email)
  // switches once to the browser's zone; the zone select changes it back.
  if (zone && document.body.dataset.zoneUnchosen) {
    var url = new URL(window.location.href);
    if (!url.searchParams.has("tz")) {
      url.searchParams.set("tz", zone);
      window.location.replace(url.toString());
    }
  }

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });

  function minutesText(minutes) {
    var h = Math.floor(minutes / 60);
    var m = minutes % 60;
    if (!h) return m + " min";
    return m ? h + " h " + m + " min" : h + " h";
  }

  function moneyText(minor, places, currency) {
    var text = String(minor);
    if (places > 0) {
      while (text.length <= places) text = "0" + text;
      text = text.slice(0, -places) + "." + text.slice(-places);
    }
    return text + " " + currency;
  }

  // Ticking services shows the visit's summed length and price.
  document.querySelectorAll("form[data-visit]").forEach(function (form) {
    var output = form.querySelector("[data-visit-total]");
    if (!output) return;
    function update() {
      var ticked = form.querySelectorAll("input[name=service_id]:checked");
      if (!ticked.length) {
        output.textContent = "Tick one or more services.";
        return;
      }
      var minutes = 0;
      var minor = 0;
      var group = false;
      ticked.forEach(function (box) {
        minutes += Number(box.dataset.minutes);
        minor += Number(box.dataset.minor);
        group = group || box.hasAttribute("data-group");
      });
      var first = ticked[0].dataset;
      var text = (ticked.length > 1 ? ticked.length + " services: " : "") +
        minutesText(minutes) + " · " + moneyText(minor, Number(first.places), first.currency);
      if (group && ticked.length > 1) text += " (a group session cannot be combined)";
      output.textContent = text;
    }
    form.addEventListener("change", update);
    update();
  });

  // A form is sent once: a second click while the first is on its way does nothing.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
    });
  });

  document.querySelectorAll("[data-back]").forEach(function (link) {
    if (window.history.length < 2) return;
    link.hidden = false;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.history.back();
    });
  });
})();
