'use strict';
// Reads the data the report writer embedded, builds the page for its kind, then draws the
// charts. window.monetReport.ready turns true once every chart has rendered.

window.monetReport = {ready: false, charts};

(function main() {
  const data = JSON.parse(document.getElementById('monet-data').textContent);
  const app = document.getElementById('app');
  app.textContent = '';
  app.appendChild(el('header', {},
    el('h1', {}, data.title),
    el('p', {class: 'meta'}, 'monet-sim ' + data.kind + ' report of ', el('code', {}, data.source))));
  for (const note of data.notes || []) app.appendChild(el('p', {class: 'notice'}, note));
  const render = {run: renderRun, search: renderSearch, comparison: renderComparison,
                  generation: renderGeneration, episode: renderEpisode}[data.kind];
  if (!render) throw new Error('unknown report kind ' + data.kind);
  render(data, app);
  pendingDraws.forEach((draw) => draw());
  const done = () => charts.every((c) => c.finished);
  const check = () => {
    if (done()) window.monetReport.ready = true;
    else setTimeout(check, 20);
  };
  check();
})();
