/* Checks a rendered page from inside the browser.  browser.test appends
 * this script, after a <script type="text/plain" id="tp-expect"> holding
 * the page's lines of expect.txt, to a copy of the page; the results are
 * written into the DOM as TP-OK / TP-FAIL lines and read back from
 * chromium --dump-dom. */
(function () {
  var out = [], fails = 0;
  function check(ok, msg) {
    out.push((ok ? 'TP-OK: ' : 'TP-FAIL: ') + msg);
    if (!ok) fails++;
  }
  function unescape(s) {
    return s.replace(/\\u([0-9a-fA-F]{4})/g, function (m, h) {
      return String.fromCharCode(parseInt(h, 16));
    });
  }
  /* The text of a mark: its first fragment (with the id) and the others. */
  function markText(id) {
    var el = document.getElementById(id), t;
    if (!el) return null;
    t = el.textContent;
    document.querySelectorAll('[data-part="' + id + '"]').forEach(function (p) {
      t += p.textContent;
    });
    return t;
  }
  function columnValues(i) {
    var rows = document.querySelector('#docs').tBodies[0].rows, v = [];
    for (var k = 0; k < rows.length; k++) v.push(+rows[k].cells[i].textContent);
    return v;
  }
  function sorted(v, dir) {
    for (var k = 1; k < v.length; k++)
      if (dir * (v[k] - v[k - 1]) < 0) return false;
    return true;
  }
  var lines = document.getElementById('tp-expect').textContent.split('\n');
  lines.forEach(function (line) {
    var m = /^\S+ (\S+) (\S+) ?(.*)$/.exec(line.replace(/\r$/, '')), el, t, want, arg;
    if (!m) return;
    arg = m[2];
    want = unescape(m[3]);
    switch (m[1]) {
    case 'mark': {          /* mark ID.CLASS TEXT: marked at this text */
      var id = arg.split('.')[0], cls = arg.split('.')[1];
      el = document.getElementById(id);
      t = markText(id);
      check(t === want, 'mark ' + arg + ': "' + t + '" is "' + want + '"');
      if (el && cls) check(el.classList.contains(cls), 'mark ' + id + ' has class ' + cls);
      if (el) check(el.closest('main') !== null, 'mark ' + id + ' is in the text');
      break;
    }
    case 'title':           /* title ID WORDS: its hover text says so */
      el = document.getElementById(arg);
      check(el && el.title.indexOf(want) >= 0,
            'title of ' + arg + ' "' + (el && el.title) + '" holds "' + want + '"');
      break;
    case 'inside':          /* inside ID OUTER: nested in the other mark */
      el = document.getElementById(arg);
      check(el && el.parentElement.closest('#' + want) !== null, arg + ' is inside ' + want);
      break;
    case 'link':            /* link ID: the panel links to the mark */
      check(document.querySelector('aside a[href="#' + arg + '"]') !== null &&
            document.getElementById(arg) !== null, 'the panel links to #' + arg);
      break;
    case 'isolated':        /* isolated ID: bidi kept to itself */
      el = document.getElementById(arg) || document.querySelector(arg);
      check(el && (el.closest('bdi') !== null || el.closest('[dir=auto]') !== null),
            arg + ' is bidi-isolated');
      break;
    case 'count':           /* count N SELECTOR */
      t = document.querySelectorAll(want).length;
      check(t === +arg, 'count of "' + want + '": ' + t + ' is ' + arg);
      break;
    case 'contains': {      /* contains SELECTOR | TEXT */
      var parts = (arg + ' ' + want).split(' | ');
      el = document.querySelector(parts[0]);
      check(el && el.textContent.indexOf(parts[1]) >= 0,
            parts[0] + ' holds "' + parts[1] + '"');
      break;
    }
    case 'sort': {          /* sort COLUMN ROWS: a click sorts, another reverses */
      var th = document.querySelector('#docs thead').rows[0].cells[+arg], dir;
      th.click();
      dir = th.getAttribute('aria-sort') === 'ascending' ? 1 : -1;
      check(th.hasAttribute('aria-sort') && sorted(columnValues(+arg), dir),
            'column ' + arg + ' sorts ' + th.getAttribute('aria-sort'));
      th.click();
      check(th.getAttribute('aria-sort') === (dir > 0 ? 'descending' : 'ascending') &&
            sorted(columnValues(+arg), -dir), 'column ' + arg + ' sorts the other way');
      check(document.querySelector('#docs').tBodies[0].rows.length === +want,
            'sorting keeps ' + want + ' rows');
      break;
    }
    default:
      check(false, 'unknown check: ' + line);
    }
  });
  out.push('TP-RESULT: ' + (out.length - fails) + ' passed, ' + fails + ' failed');
  var pre = document.createElement('pre');
  pre.id = 'tp-result';
  pre.textContent = '\n' + out.join('\n') + '\n';
  document.body.appendChild(pre);
})();
