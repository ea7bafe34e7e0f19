'use strict';
// The report of one run folder: summary.json, schedule.trace.json, memory.csv, ops.csv (and
// power.csv when present). Sections and categories come from the documents: a pass, a transfer
// kind or a "bound by" value shows up because a slice or row carries it.

function get(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function runCards(s) {
  const cards = [];
  const latency = card('card-latency', 'latency', fmt.seconds(s.latency_s),
                       s.latency_cycles !== undefined ? fmt.count(s.latency_cycles) + ' cycles' : null);
  latency.setAttribute('data-value', String(s.latency_s));
  cards.push(latency);
  const e = s.energy_pj || {};
  if (e.total !== undefined) {
    const parts = Object.entries(e).filter(([k]) => k !== 'total')
      .map(([k, v]) => k.replace(/_/g, ' ') + ' ' + fmt.energyPj(v));
    cards.push(card('card-energy', 'energy', fmt.energyPj(e.total), parts.join(', ')));
  }
  const m = s.memory || {};
  if (m.peak_onchip_bytes !== undefined)
    cards.push(card('card-onchip', 'peak on-chip memory', fmt.bytes(m.peak_onchip_bytes),
                    'largest peak of any on-chip memory'));
  if (m.peak_dram_bytes !== undefined) {
    const over = m.capacity_violation_bytes > 0;
    cards.push(card('card-dram', 'peak DRAM', fmt.bytes(m.peak_dram_bytes),
                    'of ' + fmt.bytes(m.dram_capacity_bytes) +
                    (over ? ', over by ' + fmt.bytes(m.capacity_violation_bytes) : ''),
                    over ? 'bad' : ''));
  }
  if (m.peak_footprint_bytes !== undefined)
    cards.push(card('card-footprint', 'peak footprint', fmt.bytes(m.peak_footprint_bytes),
                    'every live byte, on chip or in DRAM'));
  const t = s.traffic || {};
  if (t.dram_read_bytes !== undefined)
    cards.push(card('card-traffic', 'DRAM traffic', fmt.bytes(t.dram_read_bytes + t.dram_write_bytes),
                    'read ' + fmt.bytes(t.dram_read_bytes) + ', write ' + fmt.bytes(t.dram_write_bytes) +
                    (t.link_bytes !== undefined ? '; links ' + fmt.bytes(t.link_bytes) : '')));
  const c = s.counts || {};
  if (c.macs !== undefined)
    cards.push(card('card-work', 'work', fmt.count(c.macs) + ' MACs',
                    [c.ops !== undefined ? c.ops + ' ops' : null, c.cns !== undefined ? c.cns + ' CNs' : null,
                     c.transfers !== undefined ? c.transfers + ' transfers' : null].filter(Boolean).join(', ')));
  if (s.plan)
    cards.push(card('card-plan', 'plan', String(s.plan.stacks),
                    [s.plan.stack_count !== undefined ? s.plan.stack_count + ' stacks' : null,
                     s.plan.tiles !== undefined ? 'tiles ' + s.plan.tiles : null].filter(Boolean).join(', ')));
  // Fields other documents add (correctness, power, generation) appear when present.
  if (s.feasible !== undefined)
    cards.push(card('card-feasible', 'feasible', s.feasible ? 'yes' : 'no', null, s.feasible ? 'good' : 'bad'));
  if (Array.isArray(s.fallbacks))
    cards.push(card('card-fallbacks', 'allocation fall-backs', String(s.fallbacks.length),
                    s.fallbacks.slice(0, 3).map((f) => typeof f === 'string' ? f : JSON.stringify(f)).join('; '),
                    s.fallbacks.length ? 'warn' : ''));
  if (s.power && typeof s.power === 'object')
    for (const [k, v] of Object.entries(s.power))
      if (typeof v === 'number') cards.push(card('card-power-' + k, k.replace(/_/g, ' '), fmt.byUnit(v, fmt.unitOfName(k))));
  return el('div', {class: 'cards'}, cards);
}

// Per-core Gantt (and the DRAM channel and links) from the trace.
function ganttSection(data) {
  const g = data.gantt;
  const latency = data.summary.latency_s;
  const n = g.track.length;
  const scale = fmt.axisScale('s', latency);
  const cats = [];
  const catIndex = new Map();
  const perCat = [];
  for (let i = 0; i < n; i++) {
    const c = g.cat[i] || '(none)';
    if (!catIndex.has(c)) { catIndex.set(c, cats.length); cats.push(c); perCat.push([]); }
    perCat[catIndex.get(c)].push([g.track[i], g.start_s[i] * scale.factor,
                                  (g.start_s[i] + g.dur_s[i]) * scale.factor, i]);
  }
  const argKeys = Object.keys(g.args);
  function tooltip(p) {
    const i = p.value[3];
    const lines = ['<b>' + esc(g.name[i]) + '</b>',
                   esc(g.tracks[g.track[i]].name) + ' · ' + esc(g.cat[i]),
                   'start ' + fmt.seconds(g.start_s[i]) + ', duration ' + fmt.seconds(g.dur_s[i])];
    for (const k of argKeys) {
      const v = g.args[k][i];
      if (v === null || v === undefined) continue;
      lines.push(esc(fmt.labelOfName(k)) + ': ' +
                 esc(typeof v === 'number' ? fmt.byUnit(v, fmt.unitOfName(k)) : String(v)));
    }
    return lines.join('<br>');
  }
  function renderItem(params, api) {
    const y = api.value(0);
    const a = api.coord([api.value(1), y]);
    const b = api.coord([api.value(2), y]);
    const h = api.size([0, 1])[1] * 0.7;
    const shape = echarts.graphic.clipRectByRect(
      {x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 0.5), height: h},
      {x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width,
       height: params.coordSys.height});
    return shape && {type: 'rect', transition: [], shape, style: api.style()};
  }
  const rows = g.tracks.length;
  const height = Math.max(260, 70 + 28 * rows);
  const box = chartBox('chart-gantt', height,
                       'Each bar is one computation node (a tile of an op) or one transfer; hover for ' +
                       'its details, drag the slider or scroll to zoom.');
  later(() => drawChart('chart-gantt', {
    tooltip: {trigger: 'item', formatter: tooltip, confine: true},
    legend: {data: cats, top: 0, type: 'scroll'},
    grid: {left: 8, right: 24, top: 36, bottom: 70, containLabel: true},
    xAxis: valueAxis('time', scale, {min: 0, max: latency * scale.factor}),
    yAxis: {type: 'category', data: g.tracks.map((t) => t.name), inverse: true},
    dataZoom: [{type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', bottom: 8},
               {type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter'}],
    series: cats.map((c, k) => ({name: c, type: 'custom', renderItem, encode: {x: [1, 2], y: 0},
                                 data: perCat[k], progressive: 5000})),
  }));
  return section('Schedule', 'schedule', box);
}

function memorySection(data) {
  const lines = data.memory;
  const latency = data.summary.latency_s;
  const tScale = fmt.axisScale('s', latency);
  const boxes = [];
  const draws = [];
  lines.forEach((m, k) => {
    const peak = Math.max(...m.used_bytes, 0);
    const cap = typeof m.capacity_bytes === 'number' ? m.capacity_bytes : null;
    // A capacity far above the peak would flatten the curve: then it is named, not drawn.
    const capInRange = cap !== null && cap <= 4 * Math.max(peak, 1);
    const top = capInRange ? Math.max(cap, peak) : peak;
    const bScale = fmt.axisScale('B', top);
    const points = m.time_s.map((t, i) => [t * tScale.factor, m.used_bytes[i] * bScale.factor]);
    points.unshift([0, 0]);
    if (points.length) points.push([latency * tScale.factor, points[points.length - 1][1]]);
    const id = 'chart-memory-' + k;
    const caption = m.name + ': peak ' + fmt.bytes(peak) +
                    (cap !== null ? ' of ' + fmt.bytes(cap) + (capInRange ? '' : ' (capacity far above, not drawn)') : '');
    boxes.push(chartBox(id, 200, caption));
    draws.push(() => drawChart(id, {
      title: {text: m.name, left: 'center', textStyle: {fontSize: 13}},
      tooltip: {trigger: 'axis', valueFormatter: (v) => fmt.plain(v) + ' ' + bScale.label},
      grid: {left: 8, right: 24, top: 40, bottom: 36, containLabel: true},
      xAxis: valueAxis('time', tScale, {min: 0, max: latency * tScale.factor}),
      yAxis: valueAxis('used', bScale, {max: top > 0 ? top * 1.08 * bScale.factor : null}, true),
      series: [{name: 'used', type: 'line', step: 'end', symbol: 'none', data: points,
                areaStyle: {opacity: 0.25}, lineStyle: {width: 1},
                markLine: capInRange ? {symbol: 'none', label: {position: 'insideEndTop',
                                                                formatter: 'capacity ' + fmt.bytes(cap)},
                                        lineStyle: {type: 'dashed', color: '#c44e52'},
                                        data: [{yAxis: cap * bScale.factor}]} : undefined}],
    }));
  });
  draws.forEach(later);
  return section('Memory over time', 'memory', el('div', {class: 'grid2'}, boxes));
}

function energySection(data) {
  const s = data.summary;
  const boxes = [];
  const draws = [];
  const categories = Object.entries(s.energy_pj || {}).filter(([k]) => k !== 'total');
  if (categories.length) {
    boxes.push(chartBox('chart-energy-category', 240));
    draws.push(() => barChart('chart-energy-category', 'energy by category',
                              categories.map(([k, v]) => [k.replace(/_/g, ' '), v]), 'pJ'));
  }
  const phases = Object.entries(s.phases || {}).filter(([, p]) => typeof p.energy_pj === 'number');
  if (phases.length) {
    boxes.push(chartBox('chart-energy-phase', 240));
    draws.push(() => barChart('chart-energy-phase', 'energy by phase',
                              phases.map(([k, p]) => [k, p.energy_pj]), 'pJ',
                              (i) => ['busy ' + fmt.seconds(phases[i][1].busy_s)]));
  }
  const ops = data.ops;
  if (ops) {
    const col = ops.columns.indexOf('energy_pj') >= 0 ? ops.columns.indexOf('energy_pj')
                                                       : ops.columns.indexOf('onchip_energy_pj');
    const name = ops.columns.indexOf('op');
    if (col >= 0 && name >= 0) {
      const top = ops.rows.map((r, i) => [r[name], r[col], i]).sort((a, b) => b[1] - a[1]).slice(0, 25);
      const shown = top.length < ops.rows.length ? ' (top ' + top.length + ' of ' + ops.rows.length + ')' : '';
      const detail = (i) => ops.columns.map((c, k) => [c, ops.rows[top[i][2]][k]])
        .filter(([c]) => c === 'pass' || c === 'core' || c === 'bound_by').map(([c, v]) => c + ': ' + v);
      boxes.push(chartBox('chart-energy-op', Math.max(260, 30 + 18 * top.length)));
      draws.push(() => barChart('chart-energy-op', 'energy by op' + shown,
                                top.map((t) => [t[0], t[1]]), 'pJ', detail));
    }
  }
  draws.forEach(later);
  return section('Energy', 'energy', el('div', {class: 'grid2'}, boxes));
}

function coresSection(s) {
  if (!Array.isArray(s.cores) || !s.cores.length) return null;
  const box = chartBox('chart-cores', Math.max(160, 40 + 30 * s.cores.length));
  later(() => drawChart('chart-cores', {
    title: {text: 'core utilisation (busy / latency)', left: 'center', textStyle: {fontSize: 14}},
    tooltip: {trigger: 'item', formatter: (p) => esc(s.cores[p.dataIndex].name) + ' (' +
              esc(s.cores[p.dataIndex].kind || '') + ')<br>busy ' + fmt.seconds(s.cores[p.dataIndex].busy_s) +
              ', ' + (100 * s.cores[p.dataIndex].utilization).toFixed(1) + ' %'},
    grid: {left: 8, right: 48, top: 36, bottom: 24, containLabel: true},
    xAxis: {type: 'value', min: 0, max: 100, axisLabel: {formatter: '{value} %'}},
    yAxis: {type: 'category', data: s.cores.map((c) => c.name), inverse: true},
    series: [{type: 'bar', data: s.cores.map((c) => 100 * c.utilization),
              label: {show: true, position: 'right', formatter: (p) => p.value.toFixed(1) + ' %'}}],
  }));
  return section('Cores', 'cores', box);
}

// power.csv (a later document): a time column and one numeric column per series, or a long
// form with a text column naming the series.
function powerSection(data) {
  const p = data.power;
  const t = p.columns.indexOf('time_s');
  if (t < 0) return section('Power', 'power', el('p', {class: 'note'}, 'power.csv has no time_s column: shown as a table'),
                            dataTable(csvColumns(p), p.rows, {noun: 'samples'}));
  const text = p.columns.findIndex((c, i) => !p.numeric[i]);
  const series = [];
  if (text >= 0) {
    const value = p.columns.findIndex((c, i) => p.numeric[i] && i !== t);
    const by = new Map();
    for (const r of p.rows) {
      if (!by.has(r[text])) by.set(r[text], []);
      by.get(r[text]).push([r[t], r[value]]);
    }
    for (const [name, pts] of by) series.push({name: String(name), pts, unit: fmt.unitOfName(p.columns[value])});
  } else {
    p.columns.forEach((c, i) => {
      if (i !== t && p.numeric[i]) series.push({name: c, pts: p.rows.map((r) => [r[t], r[i]]), unit: fmt.unitOfName(c)});
    });
  }
  const tScale = fmt.axisScale('s', Math.max(...p.rows.map((r) => r[t]), 0));
  const unit = series.length ? series[0].unit : '';
  const box = chartBox('chart-power', 320);
  later(() => drawChart('chart-power', {
    tooltip: {trigger: 'axis'},
    legend: {type: 'scroll', top: 0},
    grid: {left: 8, right: 24, top: 36, bottom: 40, containLabel: true},
    xAxis: valueAxis('time', tScale),
    yAxis: valueAxis('power', {factor: 1, label: unit}, {}, true),
    series: series.map((s) => ({name: s.name, type: 'line', step: 'end', symbol: 'none',
                                data: s.pts.map(([x, y]) => [x * tScale.factor, y])})),
  }));
  return section('Power', 'power', box);
}

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? prefix + '.' + k : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object'))
      v.forEach((x, i) => (x && typeof x === 'object' ? flatten(x, key + '[' + i + ']', out) : out.push([key + '[' + i + ']', x])));
    else out.push([key, v]);
  }
  return out;
}

function summaryFields(s) {
  const rows = flatten(s, '', []).map(([k, v]) => {
    const unit = fmt.unitOfName(k.replace(/\[\d+\]$/, ''));
    return [k, typeof v === 'number' ? fmt.byUnit(v, unit) : Array.isArray(v) ? v.join(', ') : String(v),
            typeof v === 'number' ? v : null];
  });
  const columns = [{key: 'field', label: 'field'}, {key: 'value', label: 'value'},
                   {key: 'raw', label: 'as written', numeric: true, format: (v) => String(v)}];
  return el('details', {class: 'fields'}, el('summary', {}, 'Every field of summary.json (' + rows.length + ')'),
            dataTable(columns, rows, {noun: 'fields'}));
}

function renderRun(data, app) {
  const s = data.summary;
  app.appendChild(runCards(s));
  if (data.gantt) app.appendChild(ganttSection(data));
  if (data.memory && data.memory.length) app.appendChild(memorySection(data));
  app.appendChild(energySection(data));
  const cores = coresSection(s);
  if (cores) app.appendChild(cores);
  if (data.power) app.appendChild(powerSection(data));
  if (data.ops) {
    const cols = csvColumns(data.ops);
    app.appendChild(section('Ops', 'ops', el('p', {class: 'note'},
      'One row per op: its tiles\' span, summed busy time and energy (with the DRAM and link transfers ' +
      'it caused), and what bounds most of its time. Click a header to sort.'),
      dataTable(cols, data.ops.rows, {id: 'ops-table', noun: 'ops'})));
  }
  app.appendChild(section('All fields', 'fields', summaryFields(s)));
}
