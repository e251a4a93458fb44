// Live progress of a running job: the server's events update the progress line, and
// the page is loaded again when the job has ended (it then shows the result).
(function () {
  "use strict";
  function follow() {
    var job = document.getElementById("job");
    if (!job || job.dataset.running !== "yes" || !window.EventSource) {
      return;
    }
    var line = document.getElementById("progress");
    var source = new EventSource("/jobb/" + job.dataset.job + "/handelser");
    source.onmessage = function (event) {
      var said = JSON.parse(event.data);
      if (said.kind === "end") {
        source.close();
        window.location.reload();
        return;
      }
      if (line && said.text) {
        line.textContent = said.text;
      }
    };
    source.onerror = function () {
      source.close();
      window.setTimeout(function () { window.location.reload(); }, 2000);
    };
  }
  document.addEventListener("DOMContentLoaded", follow);
})();
