# The wall-clock table of bench/run.sh, from its results ("op contestant
# metric value" lines): per op, the median nanoseconds per op and the
# rate against raw C's (C's time over the contestant's: 1.00 is as fast
# as C, 0.95 is 5% slower).  burstmm, the batched echo, is compared
# with raw C's unbatched one, burst.
# Variables: contestants, ops (space-separated).

function cell(op, who) {
  return (op SUBSEP who) in ns ? ns[op, who] : ""
}

function line_start(label, measure) {
  return sprintf("%-22s %-17s", label, measure)
}

function print_row(label, measure, o, base_op,    i, who, v, b, line) {
  line = line_start(label, measure)
  for (i = 1; i <= ncols; i++) {
    who = col[i]
    v = cell(o, who)
    b = cell(base_op, "C")
    if ((o SUBSEP who) in unsupported)
      v = "no API"
    else if (v == "")
      v = "n/a"
    else if (base_op == "")
      v = sprintf("%.0f", v)
    else
      v = b == "" ? "n/a" : sprintf("%.2f", b / v)
    line = line sprintf(" %11s", v)
  }
  print line
}

$3 == "ns" { ns[$1, $2] = $4 }
$3 == "unsupported" { unsupported[$1, $2] = 1 }

END {
  label["stream"] = "TCP stream, 1 GiB";   detail["stream"] = "64 KiB reads"
  unit["stream"] = "ns/64 KiB"
  label["pingpong"] = "UDP ping-pong";      detail["pingpong"] = "64-byte echo"
  unit["pingpong"] = "ns/round trip"
  label["churn"] = "TCP churn";             detail["churn"] = "accept+close"
  unit["churn"] = "ns/connection"
  label["burst"] = "UDP echo, bursts";      detail["burst"] = "of 32, one a call"
  unit["burst"] = "ns/datagram"
  label["burstmm"] = "UDP echo, bursts";    detail["burstmm"] = "of 32, 32 a call"
  unit["burstmm"] = "ns/datagram"
  base["burstmm"] = "burst"

  ncols = split(contestants, col, " ")
  nops = split(ops, op, " ")
  header = line_start("wall clock", "")
  for (i = 1; i <= ncols; i++)
    header = header sprintf(" %11s", col[i])
  print header
  for (j = 1; j <= nops; j++) {
    o = op[j]
    print ""
    print_row(label[o], unit[o], o, "")
    print_row(detail[o], o in base ? "rate vs C " base[o] : "rate vs C", o,
              o in base ? base[o] : o)
  }
  print ""
  print "Wall-clock ns per op, median of the rounds, timed by the peer (one C program"
  print "for every contestant) that drives the traffic while the contestant serves."
  print "rate vs C: raw C's time over the contestant's (1.00: as fast as C).  burstmm"
  print "is compared with raw C's unbatched echo of the same bursts."
}
