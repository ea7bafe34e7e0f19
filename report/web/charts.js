'use strict';
// Chart helpers over Apache ECharts (report/vendor). Every chart is registered in
// window.monetReport.charts so the page (and the browser test) can tell when all have drawn.

const charts = [];
const pendingDraws = [];

// Charts are drawn once the page is in the document (main.js runs these).
function later(draw) {
  pendingDraws.push(draw);
}

function chartBox(id, height, caption) {
  const box = el('div', {class: 'chart', id: id, style: 'height:' + height + 'px'});
  return caption ? el('figure', {class: 'chart-figure'}, box, el('figcaption', {}, caption))
                 : box;
}

// Creates the chart once its box is in the document.
function drawChart(id, option) {
  const box = document.getElementById(id);
  const chart = echarts.init(box, null, {renderer: 'canvas'});
  const entry = {id, chart, finished: false};
  chart.on('finished', () => { entry.finished = true; });
  chart.setOption(Object.assign({animation: false}, option));
  charts.push(entry);
  return chart;
}

window.addEventListener('resize', () => charts.forEach((c) => c.chart.resize()));

// Tick labels: plain up to a million, then three significant digits with an exponent.
function tickLabel(v) {
  return Math.abs(v) >= 1e6 ? v.toExponential(2) : String(Number(v.toPrecision(10)));
}

// A value axis named with its quantity and unit; a vertical one carries its name on top.
function valueAxis(name, scale, extra, vertical) {
  const title = name + (scale.label ? ' (' + scale.label + ')' : '');
  const placing = vertical ? {nameLocation: 'end', nameGap: 12, nameTextStyle: {align: 'left'}}
                           : {nameLocation: 'middle', nameGap: 30};
  return Object.assign({type: 'value', name: title, axisLabel: {formatter: tickLabel}}, placing,
                       extra || {});
}

// Horizontal bars of (label, value) pairs in `unit`, largest first; `extra` (optional) gives
// tooltip lines per bar.
function barChart(id, title, pairs, unit, extra) {
  const max = Math.max(...pairs.map((p) => Math.abs(p[1])), 0);
  const scale = fmt.axisScale(unit, max);
  const sorted = pairs.map((p, i) => [p[0], p[1], i]).sort((a, b) => a[1] - b[1]);
  drawChart(id, {
    title: {text: title, left: 'center', textStyle: {fontSize: 14}},
    grid: {left: 8, right: 48, top: 36, bottom: 40, containLabel: true},
    tooltip: {trigger: 'item', formatter: (p) => {
      const s = sorted[p.dataIndex];
      return '<b>' + esc(s[0]) + '</b><br>' + esc(fmt.byUnit(s[1], unit)) +
             (extra ? '<br>' + extra(s[2]).map(esc).join('<br>') : '');
    }},
    xAxis: valueAxis(title, scale),
    yAxis: {type: 'category', data: sorted.map((s) => s[0]), axisLabel: {width: 220, overflow: 'truncate'}},
    series: [{type: 'bar', data: sorted.map((s) => s[1] * scale.factor),
              label: {show: true, position: 'right', formatter: (p) => fmt.byUnit(sorted[p.dataIndex][1], unit)}}],
  });
}

function section(title, id, ...children) {
  return el('section', {id: id}, el('h2', {}, title), ...children);
}

function card(id, label, value, detail, tone) {
  return el('div', {class: 'card' + (tone ? ' ' + tone : ''), id: id},
            el('div', {class: 'label'}, label), el('div', {class: 'value'}, value),
            detail ? el('div', {class: 'detail'}, detail) : null);
}
