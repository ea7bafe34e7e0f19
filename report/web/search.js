'use strict';
// The report of a search folder: pareto.json (objectives with their units, members with their
// plans and replayable experiment files), history.csv and search.json.

function objectivesOf(pareto) {
  return pareto.objectives.map((name, i) => ({
    name,
    label: (pareto.objective_labels && pareto.objective_labels[i]) || name,
    unit: (pareto.objective_units && pareto.objective_units[i]) || fmt.unitOfName(name),
  }));
}

// Indices of the points not dominated in (x, y), sorted by x.
function front2d(points) {
  const idx = points.map((_, i) => i).sort((a, b) => points[a][0] - points[b][0] || points[a][1] - points[b][1]);
  const out = [];
  let best = Infinity;
  for (const i of idx) if (points[i][1] < best) { out.push(i); best = points[i][1]; }
  return out;
}

function searchCards(data) {
  const p = data.pareto;
  const members = p.members;
  const feasible = members.filter((m) => !(m.violation > 0)).length;
  const cards = [
    card('card-members', 'front', members.length + ' members', feasible + ' feasible'),
    card('card-evaluations', 'evaluations', fmt.count(p.evaluations),
         p.generations !== undefined ? p.generations + ' generations, population ' + p.population : null),
    card('card-hypervolume', 'hypervolume', fmt.plain(p.hypervolume), 'of the feasible front (objective units multiplied)'),
    card('card-problem', 'problem', String(p.problem), 'seed ' + p.seed),
  ];
  if (p.exact)
    cards.push(card('card-exact', 'exact front', (100 * p.exact.ratio).toFixed(2) + ' %',
                    'of the exact hypervolume (' + p.exact.front_size + ' points)'));
  if (data.run)
    cards.push(card('card-run', 'run', fmt.seconds(data.run.seconds),
                    fmt.count(data.run.evaluations_per_second) + ' eval/s; stopped by ' + data.run.stop_reason));
  return el('div', {class: 'cards'}, cards);
}

function paretoSection(data) {
  const p = data.pareto;
  const obj = objectivesOf(p);
  const members = p.members;
  const links = data.experiment_links || [];
  const values = members.map((m) => obj.map((o) => m.objectives[o.name]));
  const pairs = [];
  if (obj.length === 1) pairs.push([-1, 0]);
  for (let i = 0; i < obj.length; i++) for (let j = i + 1; j < obj.length; j++) pairs.push([i, j]);
  const boxes = [];
  pairs.forEach(([i, j], k) => {
    const id = 'chart-pareto-' + k;
    boxes.push(chartBox(id, 360));
    later(() => paretoChart(id, i, j));
  });

  function tooltip(m) {
    const member = members[m];
    const lines = ['<b>member ' + m + '</b>'];
    obj.forEach((o, k) => lines.push(esc(o.label) + ': ' + esc(fmt.byUnit(values[m][k], o.unit))));
    if (member.violation > 0) lines.push('infeasible: over capacity by ' + esc(fmt.bytes(member.violation)));
    lines.push('<span class="plan">' + esc(member.plan) + '</span>');
    if (links[m]) lines.push('<i>click to open ' + esc(links[m]) + '</i>');
    return lines.join('<br>');
  }

  function paretoChart(id, i, j) {
    const xs = i < 0 ? {label: 'member', unit: ''} : obj[i];
    const ys = obj[j];
    const at = (m) => [i < 0 ? m : values[m][i], values[m][j]];
    const xScale = fmt.axisScale(xs.unit, Math.max(...members.map((_, m) => Math.abs(at(m)[0])), 0));
    const yScale = fmt.axisScale(ys.unit, Math.max(...members.map((_, m) => Math.abs(at(m)[1])), 0));
    const point = (m) => [at(m)[0] * xScale.factor, at(m)[1] * yScale.factor, m];
    const groups = [['feasible', (m) => !(members[m].violation > 0)],
                    ['infeasible', (m) => members[m].violation > 0]]
      .map(([name, test]) => [name, members.map((_, m) => m).filter(test)])
      .filter(([, ms]) => ms.length);
    const feasible = members.map((_, m) => m).filter((m) => !(members[m].violation > 0));
    const series = groups.map(([name, ms]) => ({
      name, type: 'scatter', symbolSize: 9, data: ms.map(point), cursor: 'pointer',
      itemStyle: name === 'infeasible' ? {color: '#c44e52'} : undefined,
    }));
    if (i >= 0 && feasible.length > 1) {
      const f = front2d(feasible.map(at)).map((k) => feasible[k]);
      series.push({name: 'non-dominated in this pair', type: 'line', step: 'end', symbol: 'none',
                   data: f.map(point), lineStyle: {width: 1, type: 'dashed'}, silent: true});
    }
    const chart = drawChart(id, {
      title: {text: ys.label + ' vs ' + xs.label, left: 'center', textStyle: {fontSize: 14}},
      legend: {bottom: 0, data: series.map((s) => s.name)},
      tooltip: {trigger: 'item', confine: true, formatter: (q) => tooltip(q.value[2])},
      grid: {left: 12, right: 32, top: 56, bottom: 56, containLabel: true},
      xAxis: valueAxis(xs.label, xScale, {scale: true}),
      yAxis: valueAxis(ys.label, yScale, {scale: true}, true),
      series,
    });
    chart.on('click', (q) => {
      const m = q.value && q.value[2];
      if (m !== undefined && links[m]) window.open(hrefOf(links[m]), '_blank');
    });
  }

  const note = el('p', {class: 'note'},
                  'Every member of the front; hover a point for its plan, click it to open its replayable ' +
                  'experiment file (monet-sim run FILE). Plan notation: see `monet-sim search --help`.');
  return section('Pareto front', 'pareto', note, el('div', {class: 'grid2'}, boxes));
}

function historySection(data) {
  const h = data.history;
  const ev = h.columns.indexOf('evaluations'), hv = h.columns.indexOf('hypervolume');
  if (ev < 0 || hv < 0) return null;
  const box = chartBox('chart-history', 260);
  later(() => drawChart('chart-history', {
    title: {text: 'hypervolume of the feasible front', left: 'center', textStyle: {fontSize: 14}},
    tooltip: {trigger: 'axis'},
    grid: {left: 12, right: 24, top: 56, bottom: 40, containLabel: true},
    xAxis: valueAxis('evaluations', {factor: 1, label: ''}),
    yAxis: valueAxis('hypervolume', {factor: 1, label: ''}, {scale: true}, true),
    series: [{type: 'line', symbol: 'circle', symbolSize: 4, data: h.rows.map((r) => [r[ev], r[hv]])}],
  }));
  return section('Progress', 'history', box);
}

function membersTable(data) {
  const p = data.pareto;
  const obj = objectivesOf(p);
  const links = data.experiment_links || [];
  const columns = [{key: 'index', label: '#', numeric: true, format: (v) => String(v)}]
    .concat(obj.map((o) => ({key: o.name, label: o.label, unit: o.unit, numeric: true})))
    .concat([{key: 'violation', label: 'over capacity', unit: 'B', numeric: true},
             {key: 'plan', label: 'plan', choices: false},
             {key: 'experiment', label: 'experiment file', link: (r) => links[r]}]);
  const rows = p.members.map((m, i) => [i].concat(obj.map((o) => m.objectives[o.name]))
    .concat([m.violation || 0, m.plan, m.experiment || null]));
  return section('Members', 'members', dataTable(columns, rows, {id: 'members-table', noun: 'members'}));
}

function renderSearch(data, app) {
  app.appendChild(searchCards(data));
  app.appendChild(paretoSection(data));
  if (data.history) {
    const h = historySection(data);
    if (h) app.appendChild(h);
  }
  app.appendChild(membersTable(data));
}
