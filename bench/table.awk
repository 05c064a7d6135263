# The instruction-count table of bench/run.sh, from its results ("op
# contestant metric value" lines): a block of rows per operation, a
# column per contestant.  Each op is shown as floor + overhead: the
# floor is the same loop calling a trivial function instead (floor1,
# floor2: one and two calls an op), so the overhead is what the library
# adds to the language's own cost of calling it.
# Variables: contestants, ops (space-separated), baseline (a contestant).

function cell(op, who, metric) {
  return (op SUBSEP who SUBSEP metric) in value ? value[op, who, metric] : ""
}

# What a cell shows when who cannot be measured at op, or "".
function missing(op, who) {
  if (cell(op, who, "unsupported") != "")
    return "no API"
  return cell(op, who, "instr") == "" ? "n/a" : ""
}

# The floor of one op of o for who: its calls times a call's floor.
function floor_of(o, who,    f) {
  if (o == "floor1" || o == "floor2")
    return 0
  f = cell(calls[o] == 1 ? "floor1" : "floor2", who, "instr")
  if (f == "")
    return ""
  return calls[o] < 1 ? f * calls[o] / 2 : f
}

function overhead(o, who,    f) {
  f = floor_of(o, who)
  return f == "" ? "" : cell(o, who, "instr") - f
}

function line_start(label, measure) {
  return sprintf("%-22s %-17s", label, measure)
}

function print_row(label, measure, o, kind,    i, who, v, f, b, line) {
  line = line_start(label, measure)
  for (i = 1; i <= ncols; i++) {
    who = col[i]
    v = missing(o, who)
    if (v == "" && kind == "instr")
      v = sprintf("%.0f", cell(o, who, "instr"))
    else if (v == "" && kind == "split") {
      f = floor_of(o, who)
      v = f == "" ? "n/a" : sprintf("%.0f+%.0f", f, overhead(o, who))
    } else if (v == "" && kind == "ratio") {
      b = overhead(o, baseline)
      f = overhead(o, who)
      v = b == "" || f == "" || b <= 0 ? "n/a" : sprintf("%.2f", f / b)
    }
    line = line sprintf(" %11s", v)
  }
  print line
}

{ value[$1, $2, $3] = $4 }

END {
  label["floor1"] = "floor, one call";  detail["floor1"] = "rawequal(fd, x)"
  label["floor2"] = "floor, two calls"; detail["floor2"] = "the same, twice"
  label["getter"] = "getter";           detail["getter"] = "opt.rcvbuf(fd)"
  label["udp"] = "sendto 1 B +";        detail["udp"] = "recvfrom(fd, 64)"
  label["udpreuse"] = "the same, recvfrom"
  detail["udpreuse"] = "filling one addr"
  label["msg"] = "sendmsg 1 B +";       detail["msg"] = "recvmsg(fd)"
  label["msgreuse"] = "the same, recvmsg"
  detail["msgreuse"] = "filling one table"
  label["batch"] = "sendmmsg+recvmmsg";  detail["batch"] = "32 a call, per dgram"
  label["eagain"] = "recv, no data";    detail["eagain"] = "(EAGAIN)"
  calls["getter"] = calls["eagain"] = 1
  calls["udp"] = calls["udpreuse"] = calls["msg"] = calls["msgreuse"] = 2
  calls["batch"] = 2 / 32 # one sendmmsg and one recvmmsg for 32 datagrams

  ncols = split(contestants, col, " ")
  nops = split(ops, op, " ")
  header = line_start("instructions per op", "")
  for (i = 1; i <= ncols; i++)
    header = header sprintf(" %11s", col[i])
  print header
  for (j = 1; j <= nops; j++) {
    o = op[j]
    if (o ~ /^sendrecv[0-9]+$/) {
      size = substr(o, 9)
      label[o] = "send 1 B +"
      detail[o] = "recv(fd, " size ")"
      calls[o] = 2
    }
    print ""
    if (o == "floor1" || o == "floor2") {
      print_row(label[o], "instr/op", o, "instr")
      print detail[o]
      continue
    }
    print_row(label[o], "instr/op", o, "instr")
    print_row(detail[o], "floor + overhead", o, "split")
    print_row("", "overhead vs " baseline, o, "ratio")
  }
  print ""
  print "User-space instructions per op (callgrind, difference of two run lengths)."
  print "floor + overhead: the floor is the same loop calling a trivial function"
  print "(Lua's rawequal(fd, x), Python's operator.is_, an empty C function) once"
  print "per call of the op; the overhead is what the library and libc add to it."
  print "The UDP ops use a socket connected to itself; sendmmsg+recvmmsg is per"
  print "datagram, and its floor is two calls' for 32 datagrams.  no API: the"
  print "library has no such call; n/a: missing, failed, or not in this version."
  print "luaposix runs under lua5.3 (Debian 12 has no Lua 5.4 build)."
}
