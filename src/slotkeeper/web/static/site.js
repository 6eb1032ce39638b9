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

  // Ticking services shows the visit's summed length and price, keeps the order of the
  // ticks in a hidden field (the visit follows it) and lets only the first service take
  // another length. Without this script the visit follows the listed order.
  document.querySelectorAll("form[data-visit]").forEach(function (form) {
    var output = form.querySelector("[data-visit-total]");
    var orderField = form.querySelector("[data-visit-order]");
    var orderText = form.querySelector("[data-visit-order-text]");
    if (!output) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=service_id]"));
    var order = orderField && orderField.value ? orderField.value.split(",") : [];

    function box(id) {
      return boxes.filter(function (b) { return b.value === id; })[0];
    }
    function lengthSelect(id) {
      return form.querySelector("[data-length-for='" + id + "'] select");
    }
    function syncOrder() {
      order = order.filter(function (id) { var b = box(id); return b && b.checked; });
      boxes.forEach(function (b) {
        if (b.checked && order.indexOf(b.value) < 0) order.push(b.value);
      });
      if (orderField) orderField.value = order.join(",");
    }
    function syncLengths() {
      form.querySelectorAll("[data-length-for]").forEach(function (field) {
        var id = field.getAttribute("data-length-for");
        var select = field.querySelector("select");
        var note = field.querySelector("[data-length-note]");
        var later = order.indexOf(id) > 0;
        if (later) select.value = select.dataset.default;
        select.disabled = later;
        field.classList.toggle("is-disabled", later);
        if (note) {
          note.textContent = later
            ? "Takes its usual length: only the first service of a visit can take another."
            : "In a visit of several services, only the first one's length can change.";
        }
      });
    }
    function update() {
      syncOrder();
      syncLengths();
      if (!order.length) {
        output.textContent = "Tick one or more services.";
        if (orderText) orderText.textContent = "";
        return;
      }
      var minutes = 0;
      var minor = 0;
      var group = false;
      order.forEach(function (id, index) {
        var b = box(id);
        var select = index === 0 ? lengthSelect(id) : null;
        var option = select ? select.options[select.selectedIndex] : null;
        minutes += option ? Number(option.value) : Number(b.dataset.minutes);
        minor += option ? Number(option.dataset.minor) : Number(b.dataset.minor);
        group = group || b.hasAttribute("data-group");
      });
      var first = box(order[0]).dataset;
      var text = (order.length > 1 ? order.length + " services: " : "") +
        minutesText(minutes) + " · " + moneyText(minor, Number(first.places), first.currency);
      if (group && order.length > 1) text += " (a group session cannot be combined)";
      output.textContent = text;
      if (orderText) {
        orderText.textContent = order.length > 1
          ? order.map(function (id, index) {
            return (index ? "then: " : "First: ") + box(id).dataset.name;
          }).join(", ")
          : "";
      }
    }
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "service_id") {
        var at = order.indexOf(target.value);
        if (target.checked && at < 0) order.push(target.value);
        if (!target.checked && at >= 0) order.splice(at, 1);
      }
      update();
    });
    window.addEventListener("pageshow", update);
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
