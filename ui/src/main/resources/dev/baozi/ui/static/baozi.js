// Baozi: progressive enhancement only; every page works without this file.
// A run's log starts at its end and follows the run live (server-sent events), staying at the
// newest line unless the reader scrolled up; when the run reaches a new stage the page reloads
// once, so its plan and decision forms show. A one-time message (?done=) is dropped from the
// address, so reloading the page does not show it again. A migration's page that moves on its own
// fetches itself every few seconds and swaps in its status and steps (reloading once it waits for
// a decision, so the forms show), and counts a wait down to its end.
(function () {
  'use strict';
  function time(at) {
    if (typeof at === 'number') { at = new Date(at * 1000).toISOString(); }
    var m = /T(\d\d:\d\d:\d\d)/.exec(String(at || ''));
    return m ? m[1] : '';
  }
  function follow(log) {
    log.scrollTop = log.scrollHeight;
    var url = log.getAttribute('data-stream');
    if (!url || !window.EventSource) { return; }
    var hide = new RegExp(log.getAttribute('data-hide') || '$^');
    var after = log.getAttribute('data-after') || '0';
    var source = new EventSource(url + '?after=' + encodeURIComponent(after));
    var state = document.getElementById('log-state');
    source.addEventListener('line', function (event) {
      var line = JSON.parse(event.data);
      if (hide.test(String(line.line).trim()) || document.querySelector('#log [data-seq="' + line.seq + '"]')) { return; }
      var span = document.createElement('span');
      span.className = 'line';
      span.setAttribute('data-seq', String(line.seq));
      [['at', time(line.at)], ['step', line.step]].forEach(function (part) {
        var s = document.createElement('span');
        s.className = part[0];
        s.textContent = part[1];
        span.appendChild(s);
        span.appendChild(document.createTextNode(' '));
      });
      span.appendChild(document.createTextNode(line.line + '\n'));
      var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.appendChild(span);
      if (atBottom) { log.scrollTop = log.scrollHeight; }
    });
    source.addEventListener('end', function () {
      source.close();
      if (state) { state.textContent = 'The run moved on; loading its new state…'; }
      window.location.replace(window.location.pathname);
    });
    source.onerror = function () {
      if (state) { state.textContent = 'Lost the live log; it resumes on its own when the server answers again.'; }
    };
  }
  function left(ms) {
    var s = Math.max(0, Math.floor(ms / 1000)), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d ? d + ' d ' + h + ' h' : h ? h + ' h ' + m + ' min' : m ? m + ' min ' + s % 60 + ' s' : s + ' s';
  }
  function countdown(p) {
    var until = Date.parse(p.getAttribute('data-until')), out = document.getElementById('countdown-left');
    var timer = setInterval(function () {
      var ms = until - Date.now();
      out.textContent = left(ms);
      if (ms <= 0) { clearInterval(timer); }
    }, 1000);
  }
  function followMigration(live) {
    var state = live.getAttribute('data-state');
    function poll() {
      fetch(window.location.pathname, {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        var next = page.getElementById('migration-live');
        if (!next) { return; }
        if (next.getAttribute('data-state') !== state) { window.location.replace(window.location.pathname); return; }
        var steps = page.getElementById('timeline'), here = document.getElementById('timeline');
        if (steps && here && steps.innerHTML !== here.innerHTML) { here.innerHTML = steps.innerHTML; }
        setTimeout(poll, 3000);
      }).catch(function () { setTimeout(poll, 10000); });
    }
    setTimeout(poll, 3000);
  }
  document.addEventListener('DOMContentLoaded', function () {
    var c = document.getElementById('countdown');
    if (c) { countdown(c); }
    var live = document.getElementById('migration-live');
    if (live && live.getAttribute('data-live') === 'true' && window.fetch && window.DOMParser) { followMigration(live); }
    if (window.history.replaceState && /[?&]done=/.test(window.location.search)) {
      window.history.replaceState(null, '', window.location.pathname);
    }
    var log = document.getElementById('log');
    if (log) { follow(log); }
  });
})();
