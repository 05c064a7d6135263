# The poller table of bench/run.sh, from its results ("poll contestant
# metric value" lines): events per CPU second and CPU ns per connection
# of an echo server's epoll loop, per contestant.
# Variables: contestants (space-separated), baseline, connections.

function cell(who, metric) {
  return (who SUBSEP metric) in value ? value[who, metric] : ""
}

function row(label, measure, metric, base,    i, v, b, line) {
  line = sprintf("%-22s %-17s", label, measure)
  for (i = 1; i <= ncols; i++) {
    v = cell(col[i], metric)
    b = base == "" ? "" : cell(base, metric)
    if (v == "")
      v = "n/a"
    else if (base == "")
      v = sprintf("%.0f", v)
    else
      v = b == "" || b == 0 ? "n/a" : sprintf("%.2f", v / b)
    line = line sprintf(" %11s", v)
  }
  print line
}

$1 == "poll" { value[$2, $3] = $4 }

END {
  ncols = split(contestants, col, " ")
  header = sprintf("%-22s %-17s", "poller", "")
  for (i = 1; i <= ncols; i++)
    header = header sprintf(" %11s", col[i])
  print header
  print ""
  row("echo server loop", "events/s", "eps", "")
  row("(" connections " connections,", "ns/connection", "ns", "")
  row("a message each way)", "time vs C", "ns", "C")
  row("", "time vs " baseline, "ns", baseline)
  print ""
  print "poller: an echo server's epoll loop, in server CPU time; only llsock's and"
  print "raw C run it.  Ratios > 1 are slower."
}
