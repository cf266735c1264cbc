/* gimark console: keeps a print job's progress bar current. Vendored, no framework: polls the
   job's status (JSON) every 1.5 s, moves the <progress>, and shows the download link when the
   file is ready. Without script the page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";
  var box = document.getElementById("print-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var outcome = document.getElementById("job-outcome");
  var words = document.getElementById("job-counted").innerHTML;

  function show(template, status) {
    outcome.innerHTML = document.getElementById(template).innerHTML;
    var link = document.getElementById("job-download");
    if (link && status.download) {
      link.setAttribute("href", status.download);
      if (status.filename) { link.textContent += " " + status.filename; }
      link.focus();
    }
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { window.setTimeout(poll, 5000); return; }
      var status = JSON.parse(request.responseText);
      if (status.total) {
        bar.max = status.total;
        bar.value = status.done;
        count.textContent = words.replace("{done}", status.done.toLocaleString())
          .replace("{total}", status.total.toLocaleString());
      }
      if (status.ready) { bar.max = 1; bar.value = 1; show("job-ready", status); return; }
      if (status.failed || status.expired) { show("job-failed", status); return; }
      window.setTimeout(poll, 1500);
    };
    request.onerror = function () { window.setTimeout(poll, 5000); };
    request.send();
  }

  window.setTimeout(poll, 500);
})();
