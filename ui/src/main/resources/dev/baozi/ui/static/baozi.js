// Baozi: progressive enhancement only; every page works without this file.
// A run's log follows the run live (server-sent events); when the run reaches a new stage the
// page reloads once, so its plan and decision forms show.
(function () {
  'use strict';
  function follow(log) {
    var url = log.getAttribute('data-stream');
    if (!url || !window.EventSource) { return; }
    var after = log.getAttribute('data-after') || '0';
    var source = new EventSource(url + '?after=' + encodeURIComponent(after));
    var state = document.getElementById('log-state');
    source.addEventListener('line', function (event) {
      var line = JSON.parse(event.data);
      if (document.querySelector('#log [data-seq="' + line.seq + '"]')) { return; }
      var span = document.createElement('span');
      span.className = 'line';
      span.setAttribute('data-seq', String(line.seq));
      var step = document.createElement('span');
      step.className = 'step';
      step.textContent = line.step;
      span.appendChild(step);
      span.appendChild(document.createTextNode(' ' + line.line + '\n'));
      var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.appendChild(span);
      if (atBottom) { log.scrollTop = log.scrollHeight; }
    });
    source.addEventListener('end', function () {
      source.close();
      if (state) { state.textContent = 'The run moved on; loading its new state…'; }
      window.location.reload();
    });
    source.onerror = function () {
      if (state) { state.textContent = 'Lost the live log; it resumes on its own when the server answers again.'; }
    };
  }
  document.addEventListener('DOMContentLoaded', function () {
    var log = document.getElementById('log');
    if (log) { follow(log); }
  });
})();
