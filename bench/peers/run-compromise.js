'use strict';
// compromise over a folder: people(), places(), organizations() as PER, LOC
// and ORG entities, and numbers(), money(), percentages() as numbers with
// their values, each with code-point offsets.  compromise has no notion of a
// source or attribution, so this is the closest it comes to our pipeline.
const { run, cpIndex, trimSpan } = require('./common');

function load() {
  return { nlp: require('compromise') };
}

function spans(view, text, cp, label, withValue) {
  const out = [];
  for (const m of view.json({ offset: true, terms: false })) {
    const [s, e] = trimSpan(text, m.offset.start, m.offset.start + m.offset.length);
    if (s >= e) continue;
    const span = { start: cp[s], end: cp[e], text: text.slice(s, e), label };
    const v = m.number || m.money;
    if (withValue && v && typeof v.num === 'number') span.value = v.num;
    out.push(span);
  }
  return out;
}

// Keep the longest of overlapping spans (money and percentages are also numbers).
function longest(list) {
  list.sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start));
  const out = [];
  for (const x of list) {
    const last = out[out.length - 1];
    if (last && x.start < last.end) continue;
    out.push(x);
  }
  return out;
}

function analyse({ nlp }, text) {
  const doc = nlp(text);
  const cp = cpIndex(text);
  const entities = [].concat(
    spans(doc.people(), text, cp, 'PER'),
    spans(doc.places(), text, cp, 'LOC'),
    spans(doc.organizations(), text, cp, 'ORG'));
  entities.sort((a, b) => a.start - b.start);
  const numbers = longest([].concat(
    spans(doc.money(), text, cp, 'money', true),
    spans(doc.percentages(), text, cp, 'percent', true),
    spans(doc.numbers(), text, cp, 'number', true)));
  return { sentences: doc.sentences().length, entities, numbers };
}

run('compromise', load, analyse);
