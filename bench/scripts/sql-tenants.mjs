// SQL over the PostgreSQL protocol for many projects, as Grafana's PostgreSQL data source would
// send it (node-postgres, not our code): each project connects with its own user, checks the
// connection, and runs a per-minute count, its ERRORs of the last 15 minutes and its last 20 rows.
// Every answer is checked against the rows `gen` produced; the figures are each statement's time.
//
//   node sql-tenants.mjs gen <projects> <rows> <prefix> <now_ms>   → OTLP/JSON batches, one a line
//   node sql-tenants.mjs query <projects> <rows> <prefix> <now_ms> <pg port> <passes>
import pg from 'pg';

const [mode, projectsArg, rowsArg, prefix, nowArg, portArg, passesArg] = process.argv.slice(2);
const projects = Number(projectsArg);
const rows = Number(rowsArg);
const now = Number(nowArg);
const name = (p) => `${prefix}-${String(p).padStart(4, '0')}`;

// Row i of a project: 30 s apart back from `now`; every 5th an ERROR; two services.
const at = (i) => now - i * 30_000;
const isError = (i) => i % 5 === 0;

if (mode === 'gen') {
  for (let p = 1; p <= projects; p++) {
    const records = [];
    for (let i = 0; i < rows; i++) {
      records.push({
        timeUnixNano: `${BigInt(at(i)) * 1_000_000n}`,
        severityText: isError(i) ? 'ERROR' : 'INFO',
        body: { stringValue: `record ${i} of ${name(p)}` },
      });
    }
    const batch = (service, keep) => ({
      resource: {
        attributes: [
          { key: 'project_id', value: { stringValue: name(p) } },
          { key: 'service.name', value: { stringValue: service } },
        ],
      },
      scopeLogs: [{ scope: { name: 'bench' }, logRecords: records.filter((_, i) => keep(i)) }],
    });
    const resourceLogs = [batch('checkout', (i) => i % 2 === 0), batch('payments', (i) => i % 2 === 1)];
    process.stdout.write(JSON.stringify({ resourceLogs }) + '\n');
  }
  process.exit(0);
}

const iso = (ms) => new Date(ms).toISOString();
const hourFrom = now - 3_600_000 + 1;
const last15 = now - 15 * 60_000;
const expected = { minutes: new Map(), errors: 0 };
for (let i = 0; i < rows; i++) {
  if (at(i) >= hourFrom && at(i) <= now) {
    const minute = Math.floor(at(i) / 60_000) * 60;
    expected.minutes.set(minute, (expected.minutes.get(minute) || 0) + 1);
  }
  if (at(i) >= last15 && isError(i)) expected.errors++;
}
const statements = {
  'select 1': 'SELECT 1',
  'count per minute, 1 h': `SELECT floor(extract(epoch from timestamp)/60)*60 AS "time", count(*) AS n FROM otel_logs_and_spans WHERE timestamp BETWEEN '${iso(hourFrom)}' AND '${iso(now)}' GROUP BY 1 ORDER BY 1`,
  'ERRORs, last 15 min': `SELECT timestamp, service_name, body FROM otel_logs_and_spans WHERE timestamp >= '${iso(last15)}' AND severity_text = 'ERROR' ORDER BY timestamp DESC`,
  'last 20 rows': 'SELECT * FROM otel_logs_and_spans ORDER BY timestamp DESC LIMIT 20',
};

function check(label, project, result) {
  const fail = (what) => {
    throw new Error(`${project}, ${label}: ${what}`);
  };
  if (label === 'select 1') {
    if (result.rows.length !== 1) fail(`${result.rows.length} rows`);
  } else if (label === 'count per minute, 1 h') {
    if (result.rows.length !== expected.minutes.size) fail(`${result.rows.length} minutes, expected ${expected.minutes.size}`);
    for (const r of result.rows) {
      if (Number(r.n) !== expected.minutes.get(Number(r.time))) fail(`minute ${r.time}: ${r.n}`);
    }
  } else if (label === 'ERRORs, last 15 min') {
    if (result.rows.length !== expected.errors) fail(`${result.rows.length} rows, expected ${expected.errors}`);
    if (result.rows.some((r) => !r.body.endsWith(` of ${project}`))) fail('a row of another project');
  } else if (result.rows.length !== Math.min(20, rows) || result.rows.some((r) => r.project_id !== project)) {
    fail(`${result.rows.length} rows`);
  }
}

const times = new Map();
const record = (label, pass, ms) => {
  const key = `${pass}\t${label}`;
  if (!times.has(key)) times.set(key, []);
  times.get(key).push(ms);
};
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const passes = Number(passesArg);
const started = Date.now();
for (let pass = 1; pass <= passes; pass++) {
  for (let p = 1; p <= projects; p++) {
    const project = name(p);
    let t0 = process.hrtime.bigint();
    const client = new pg.Client({ host: '127.0.0.1', port: Number(portArg), user: project, password: 'any', database: 'lakestream' });
    await client.connect();
    record('connect', pass, ms(t0));
    for (const [label, sql] of Object.entries(statements)) {
      t0 = process.hrtime.bigint();
      const result = await client.query(sql);
      record(label, pass, ms(t0));
      check(label, project, result);
    }
    await client.end();
  }
}
const pct = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))].toFixed(1);
console.log(`${projects} projects x ${passes} passes, every answer as produced; ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log('pass\tstatement\tp50 ms\tp90\tp99\tmax');
for (const [key, xs] of times) {
  xs.sort((a, b) => a - b);
  console.log(`${key}\t${pct(xs, 0.5)}\t${pct(xs, 0.9)}\t${pct(xs, 0.99)}\t${xs[xs.length - 1].toFixed(1)}`);
}
