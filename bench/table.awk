# Turns bench/run.sh's results ("op contestant metric value" lines) into
# one table: a block of rows per operation, a column per contestant.
# Variables: contestants, ops (space-separated), baseline (a contestant),
# connections (the poller row's).

function cell(op, who, metric) {
  return (op SUBSEP who SUBSEP metric) in value ? value[op, who, metric] : ""
}

# What a row shows when who cannot be measured at op, or "" when it can.
function missing(op, who) {
  return cell(op, who, "unsupported") != "" ? "no API" : ""
}

function quotient(v, b) {
  return v == "" || b == "" || b == 0 ? "n/a" : sprintf("%.2f", v / b)
}

function ratio(op, who, metric, base) {
  return quotient(cell(op, who, metric), cell(op, base, metric))
}

function row(label, measure, op, metric, base,    i, v, line) {
  line = sprintf("%-21s %-18s", label, measure)
  for (i = 1; i <= ncols; i++) {
    v = missing(op, col[i])
    if (v == "" && base != "")
      v = ratio(op, col[i], metric, base)
    else if (v == "") {
      v = cell(op, col[i], metric)
      v = v == "" ? "n/a" : sprintf("%.0f", v)
    }
    line = line sprintf(" %10s", v)
  }
  print line
}

# Each contestant's op divided by its own base_op: batched by unbatched.
function across(label, measure, op, base_op, metric,    i, v, line) {
  line = sprintf("%-21s %-18s", label, measure)
  for (i = 1; i <= ncols; i++) {
    v = missing(op, col[i])
    if (v == "")
      v = quotient(cell(op, col[i], metric), cell(base_op, col[i], metric))
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
  name["batch"] = "sendmmsg+recvmmsg"
  detail["batch"] = "(udp loopback,"
  more["batch"] = "32 a call)"
  # the batch op is the udp op, batched: its rows repeat udp's beside it
  unbatched["batch"] = "udp"
  name["poll"] = "poller"
  detail["poll"] = "(" connections " connections,"
  more["poll"] = "a message each way)"

  ncols = split(contestants, col, " ")
  nops = split(ops, op, " ")
  header = sprintf("%-21s %-18s", "operation", "measure")
  for (i = 1; i <= ncols; i++)
    header = header sprintf(" %10s", col[i])
  print header
  for (j = 1; j <= nops; j++) {
    o = op[j]
    print ""
    if (o == "poll") {
      row(name[o], "events/s", o, "eps", "")
      row(detail[o], "ns/connection", o, "ns", "")
      row(more[o], "time vs C", o, "ns", "C")
      row("", "time vs " baseline, o, "ns", baseline)
      continue
    }
    if (o in unbatched) {
      u = unbatched[o]
      row(name[o], "instr/dgram", o, "instr", "")
      row(detail[o], "unbatched instr", u, "instr", "")
      across(more[o], "batched/unbatched", o, u, "instr")
      row("", "instr vs C", o, "instr", "C")
      row("", "instr vs " baseline, o, "instr", baseline)
      row("", "ns/dgram", o, "ns", "")
      row("", "unbatched ns", u, "ns", "")
      across("", "batched/unbatched", o, u, "ns")
      row("", "time vs C", o, "ns", "C")
      row("", "time vs " baseline, o, "ns", baseline)
      continue
    }
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
  print "sendmmsg+recvmmsg: per datagram, sent and received 32 to a call; its unbatched"
  print "rows are sendto+recvfrom's.  no API: the library has no such call."
  print "luaposix runs under lua5.3 (Debian 12 has no Lua 5.4 build); it has no getsockopt."
  if (index(" " ops " ", " poll "))
    print "poller: an echo server's epoll loop, in server CPU time; only llsock's and raw C run it."
}
