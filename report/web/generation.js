'use strict';
// The report of a generation folder (`mode: generate`, summary.json schema monet.generate/1):
// its figures, the decode step time against the context, the scheduled parts, and links to
// the reports of the prefill and of the longest-context decode step (prefill/, decode/).

function renderGeneration(data, app) {
  const s = data.summary;
  const g = s.generation || {};
  const p = s.power || {};
  const cards = [];
  const ttft = card('card-ttft', 'time to first token', fmt.seconds(g.ttft_s),
                    s.prompt_tokens + '-token prompt, batch ' + s.batch);
  ttft.setAttribute('data-value', String(g.ttft_s));
  cards.push(ttft);
  cards.push(card('card-tpot', 'time per output token', fmt.seconds(g.tpot_s),
                  fmt.plain(g.decode_tokens_per_s) + ' tokens/s over ' +
                  (s.output_tokens - 1) + ' decode steps'));
  cards.push(card('card-energy-token', 'energy per token', fmt.byUnit(g.energy_per_token_j, 'J'),
                  'a decode step\'s dynamic energy at the chip'));
  if (p.average_w !== undefined)
    cards.push(card('card-power', 'average power', fmt.byUnit(p.average_w, 'W'),
                    'supply energy ' + fmt.byUnit(p.supply_energy_j, 'J') + ' over ' +
                    fmt.seconds(g.total_s) + (p.static_described ? '' : ' (dynamic only)'),
                    p.over_budget ? 'bad' : ''));
  cards.push(card('card-weights', 'weights', fmt.bytes(g.weight_bytes),
                  'a decode step streams them once: ' + fmt.seconds(g.weight_roofline_s)));
  cards.push(card('card-kv', 'KV cache', fmt.bytes(g.kv_cache_bytes), 'at the last position'));
  cards.push(card('card-memory', 'peak memory', fmt.bytes(g.peak_memory_bytes),
                  g.capacity_violation_bytes > 0 ? 'over DRAM by ' + fmt.bytes(g.capacity_violation_bytes)
                                                 : 'largest of any scheduled graph',
                  g.capacity_violation_bytes > 0 ? 'bad' : ''));
  app.appendChild(el('div', {class: 'cards'}, cards));

  const parts = s.parts || [];
  const steps = parts.filter((q) => q.past > 0);
  if (steps.length) {
    const max = Math.max(...steps.map((q) => q.latency_s));
    const scale = fmt.axisScale('s', max);
    app.appendChild(section('Decode steps', 'decode', chartBox('chart-decode', 320,
      'each scheduled decode step: its time against the positions already in the KV cache; the ' +
      'steps between them are interpolated; the dashed line is the weight roofline')));
    later(() => drawChart('chart-decode', {
      legend: {top: 0},
      grid: {left: 8, right: 24, top: 40, bottom: 40, containLabel: true},
      tooltip: {trigger: 'axis', valueFormatter: (v) => fmt.seconds(v / scale.factor)},
      xAxis: {type: 'value', name: 'positions in the cache', nameLocation: 'middle', nameGap: 28,
              min: 'dataMin', max: 'dataMax'},
      yAxis: valueAxis('step time', scale, {min: 0}, true),
      series: [
        {name: 'decode step', type: 'line', symbolSize: 6,
         data: steps.map((q) => [q.past, q.latency_s * scale.factor])},
        {name: 'weight roofline', type: 'line', symbol: 'none', lineStyle: {type: 'dashed'},
         data: [[steps[0].past, g.weight_roofline_s * scale.factor],
                [steps[steps.length - 1].past, g.weight_roofline_s * scale.factor]]}],
    }));
  }
  const columns = [{key: 'name', label: 'part'}, {key: 'tokens', label: 'tokens', numeric: true},
                   {key: 'past', label: 'cached positions', numeric: true},
                   {key: 'latency_s', label: 'time', unit: 's', numeric: true},
                   {key: 'energy_pj', label: 'energy', unit: 'pJ', numeric: true},
                   {key: 'dram_read_bytes', label: 'DRAM read', unit: 'B', numeric: true},
                   {key: 'macs', label: 'MACs', numeric: true}];
  const rows = parts.map((q) => columns.map((c) => q[c.key]));
  app.appendChild(section('Scheduled parts', 'parts',
                          dataTable(columns, rows, {id: 'parts-table', noun: 'parts'})));
  const links = data.part_links || {};
  const items = ['prefill', 'decode'].filter((k) => links[k])
    .map((k) => el('li', {}, el('a', {href: links[k]}, k === 'prefill' ? 'the prefill' :
                                  'the longest-context decode step')));
  if (items.length)
    app.appendChild(section('Run reports', 'runs', el('ul', {}, items)));
}
