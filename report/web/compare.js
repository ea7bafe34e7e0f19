'use strict';
// The report of a comparison (compare.json, schema monet.compare/1, report/README.md): one bar
// chart per metric and a table of every entry, linked to its run.

function renderComparison(data, app) {
  const doc = data.compare;
  const metrics = doc.metrics.map((m) => ({name: m.name, label: m.label || m.name,
                                           unit: m.unit !== undefined ? m.unit : fmt.unitOfName(m.name),
                                           better: m.better || null}));
  const entries = doc.entries;
  const links = data.run_links || [];
  app.appendChild(el('div', {class: 'cards'},
    card('card-entries', 'entries', String(entries.length), entries.map((e) => e.name).join(', ')),
    card('card-metrics', 'metrics', String(metrics.length), metrics.map((m) => m.label).join(', '))));
  if (doc.description) app.appendChild(el('p', {class: 'note'}, String(doc.description)));
  const boxes = [];
  metrics.forEach((m, k) => {
    const vals = entries.map((e) => (typeof e.values[m.name] === 'number' ? e.values[m.name] : null));
    if (vals.every((v) => v === null)) {
      app.appendChild(el('p', {class: 'notice'}, m.label + ': no entry has a value (no chart)'));
      return;
    }
    const id = 'chart-metric-' + k;
    boxes.push(chartBox(id, Math.max(200, 60 + 34 * entries.length)));
    const present = vals.filter((v) => v !== null);
    const best = m.better === 'lower' ? Math.min(...present) : m.better === 'higher' ? Math.max(...present) : null;
    const scale = fmt.axisScale(m.unit, Math.max(...present.map(Math.abs), 0));
    later(() => drawChart(id, {
      title: {text: m.label + (m.better ? ' (' + m.better + ' is better)' : ''), left: 'center',
              textStyle: {fontSize: 14}},
      tooltip: {trigger: 'item', formatter: (p) => '<b>' + esc(entries[p.dataIndex].name) + '</b><br>' +
                esc(fmt.byUnit(vals[p.dataIndex], m.unit))},
      grid: {left: 8, right: 64, top: 36, bottom: 40, containLabel: true},
      xAxis: valueAxis(m.label, scale),
      yAxis: {type: 'category', data: entries.map((e) => e.name), inverse: true},
      series: [{type: 'bar', data: vals.map((v) => ({
        value: v === null ? null : v * scale.factor,
        itemStyle: v !== null && v === best ? {color: '#55a868'} : undefined})),
                label: {show: true, position: 'right',
                        formatter: (p) => fmt.byUnit(vals[p.dataIndex], m.unit)}}],
    }));
  });
  app.appendChild(section('Metrics', 'metrics', el('div', {class: 'grid2'}, boxes)));
  const columns = [{key: 'name', label: 'entry', link: (r) => links[r]}]
    .concat(metrics.map((m) => ({key: m.name, label: m.label, unit: m.unit, numeric: true})));
  const rows = entries.map((e) => [e.name].concat(metrics.map((m) =>
    (typeof e.values[m.name] === 'number' ? e.values[m.name] : null))));
  app.appendChild(section('Entries', 'entries', dataTable(columns, rows, {id: 'compare-table', noun: 'entries'})));
}
