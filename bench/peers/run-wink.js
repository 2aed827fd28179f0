'use strict';
// wink-nlp with wink-eng-lite-web-model over a folder: sentences, tokens and
// its entities (DATE, TIME, DURATION, CARDINAL, ORDINAL, MONEY, PERCENT, ...),
// each with code-point offsets.  The lite model has no person, place or
// organisation entities, so this is the closest it comes to our pipeline.
// The numbers are its CARDINAL, ORDINAL, MONEY and PERCENT entities.
const { run, cpIndex } = require('./common');

const NUMERIC = new Set(['CARDINAL', 'ORDINAL', 'MONEY', 'PERCENT']);

function load() {
  const winkNLP = require('wink-nlp');
  const model = require('wink-eng-lite-web-model');
  const nlp = winkNLP(model);
  return { nlp, its: nlp.its };
}

function analyse({ nlp, its }, text) {
  const doc = nlp.readDoc(text);
  // UTF-16 start of every token, found in order in the text.
  const values = doc.tokens().out(its.value);
  const starts = new Int32Array(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const k = text.indexOf(values[i], at);
    starts[i] = k < 0 ? at : k;
    at = k < 0 ? at : k + values[i].length;
  }
  const cp = cpIndex(text);
  const tokEnd = (i) => starts[i] + values[i].length;
  const sentences = doc.sentences().out(its.span).map(([s, e]) => ({ start: cp[starts[s]], end: cp[tokEnd(e)] }));
  const spans = doc.entities().out(its.span);
  const details = doc.entities().out(its.detail);
  const entities = [], numbers = [];
  for (let i = 0; i < spans.length; i++) {
    const s = starts[spans[i][0]], e = tokEnd(spans[i][1]);
    const span = { start: cp[s], end: cp[e], text: text.slice(s, e), label: details[i].type };
    entities.push(span);
    if (NUMERIC.has(details[i].type)) numbers.push(span);
  }
  return { sentences, tokens: values.length, entities, numbers };
}

run('wink-nlp', load, analyse);
