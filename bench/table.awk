# Turns bench/run.sh's results ("op contestant metric value" lines) into
# one table: a block of rows per operation, a column per contestant.
# Variables: contestants, ops (space-separated), baseline (a contestant).

function cell(op, who, metric) {
  return (op SUBSEP who SUBSEP metric) in value ? value[op, who, metric] : ""
}

function ratio(op, who, metric, base,    v, b) {
  v = cell(op, who, metric)
  b = cell(op, base, metric)
  return v == "" || b == "" || b == 0 ? "n/a" : sprintf("%.2f", v / b)
}

function row(label, measure, op, metric, base,    i, v, line) {
  line = sprintf("%-21s %-18s", label, measure)
  for (i = 1; i <= ncols; i++) {
    if (base != "")
      v = ratio(op, col[i], metric, base)
    else {
      v = cell(op, col[i], metric)
      v = v == "" ? "n/a" : sprintf("%.0f", v)
    }
    line = line sprintf(" %10s", v)
  }
  print line
}

{ value[$1, $2, $3] = $4 }

END {
  name["sendrecv"] = "send+recv"
  detail["sendrecv"] = "(unix dgram)"
  name["udp"] = "sendto+recvfrom"
  detail["udp"] = "(udp loopback)"
  name["getter"] = "getter"
  detail["getter"] = "(TCP_NODELAY)"
  name["eagain"] = "recv, no data"
  detail["eagain"] = "(EAGAIN)"

  ncols = split(contestants, col, " ")
  nops = split(ops, op, " ")
  header = sprintf("%-21s %-18s", "operation", "measure")
  for (i = 1; i <= ncols; i++)
    header = header sprintf(" %10s", col[i])
  print header
  for (j = 1; j <= nops; j++) {
    o = op[j]
    print ""
    row(name[o], "instr/op", o, "instr", "")
    row(detail[o], "instr vs C", o, "instr", "C")
    row("", "instr vs " baseline, o, "instr", baseline)
    row("", "ns/op", o, "ns", "")
    row("", "time vs C", o, "ns", "C")
    row("", "time vs " baseline, o, "ns", baseline)
  }
  print ""
  print "instr/op: user-space instructions per op (callgrind, difference of two run lengths)."
  print "ns/op: process CPU time per op, median of the timed runs.  Ratios > 1 are slower."
  print "An op is one send and one receive (one call for getter and EAGAIN)."
  print "luaposix runs under lua5.3 (Debian 12 has no Lua 5.4 build); it has no getsockopt."
}
