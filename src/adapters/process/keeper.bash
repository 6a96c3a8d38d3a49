# goose-flow keeper — see keeper.ts. One per goose-flow process; it outlives it.
#
# For each request (stdin) it forks a waiter, which starts goose in a process group of its own,
# output straight to the attempt's log file, then records goose's pid (<base>.pid) and, when goose
# ends, its exit status (<base>.exit) — whether or not any goose-flow process is alive by then.
# Values are never parsed as shell code: NUL-terminated fields, used as "$@" and quoted expansions.
#
# Request, every field NUL-terminated: a field count, then
#   id base log cwd grace-seconds deadline-epoch-seconds n-unset names… n-set NAME=value… argv…
# Answers (stdout), one line each: started <id> <pid> | failed <id> <code> | exited <id> <status>
set -m
exec 2>/dev/null
# fd 8: a pipe that never has data, so `read -t` waits without starting a sleep process.
exec 8<> <(:)
declare -A waiters=() bases=() deadlines=() graces=()
served=0

# What is left of a group: TERM, up to `grace` seconds for it to go, then KILL.
stop_group() {
  local g=$1 grace=$2 i
  kill -TERM -- "-$g" || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 -- "-$g" || return 0
    read -r -t 0.1 -u 8 _
  done
  kill -KILL -- "-$g"
}

# id base log cwd grace n-unset names… n-set NAME=value… argv…
waiter() {
  local id=$1 base=$2 log=$3 cwd=$4 grace=$5 n g c kv
  shift 5
  refuse() {
    printf 'failed %s\n' "$1" >"$base.exit"
    printf 'failed %s %s\n' "$id" "$1"
  }
  set -m
  cd -- "$cwd" || { refuse ENOCWD; return; }
  n=$1
  shift
  ((n > 0)) && unset -v "${@:1:n}"
  shift "$n"
  n=$1
  shift
  for kv in "${@:1:n}"; do export "$kv"; done
  shift "$n"
  [[ -e $1 ]] || { refuse ENOENT; return; }
  [[ -f $1 && -x $1 ]] || { refuse EACCES; return; }
  # goose-flow made the file, owner-only.
  exec 3>>"$log" || { refuse ELOG; return; }
  "$@" </dev/null >&3 2>&3 3>&- 8<&- &
  g=$!
  exec 3>&-
  # From here on a write to a goose-flow that is gone must fail, not kill the waiter.
  trap '' PIPE
  printf '%s\n' "$g" >"$base.pid"
  printf 'started %s %s\n' "$id" "$g"
  while :; do
    wait "$g"
    c=$?
    # A stopped goose makes `wait` return; it has not ended.
    kill -0 "$g" || break
    read -r -t 1 -u 8 _
  done
  printf '%s\n' "$c" >"$base.exit"
  printf 'exited %s %s\n' "$id" "$c" || stop_group "$g" "$grace"
}

# Forget attempts whose waiter is gone: the tables stay as small as what runs. (`jobs` lets bash
# drop the ended waiters from its own job table too; a script gets no prompt that would.)
prune() {
  local id
  jobs >/dev/null
  for id in "${!waiters[@]}"; do
    kill -0 "${waiters[$id]}" || unset -v "waiters[$id]" "bases[$id]" "graces[$id]" "deadlines[$id]"
  done
}

while IFS= read -r -d '' count; do
  req=()
  for ((i = 0; i < count; i++)); do IFS= read -r -d '' f || break 2; req+=("$f"); done
  waiter "${req[@]:0:5}" "${req[@]:6}" </dev/null &
  waiters[${req[0]}]=$!
  bases[${req[0]}]=${req[1]}
  graces[${req[0]}]=${req[4]}
  deadlines[${req[0]}]=${req[5]}
  ((++served % 256 == 0)) && prune
done

# goose-flow is gone. The keeper stays while any waiter does (so a later goose-flow that finds it
# alive knows a start may still be under way), and keeps the deadlines of what still runs.
trap '' PIPE
declare -A stopped=()
while :; do
  prune
  ((${#waiters[@]} > 0)) || break
  printf -v now '%(%s)T' -1
  for id in "${!waiters[@]}"; do
    base=${bases[$id]}
    [[ -n ${stopped[$id]} || ! -s $base.pid || -e $base.exit ]] && continue
    if ((now >= deadlines[$id])); then
      read -r g <"$base.pid"
      printf 'timeout\n' >"$base.timeout"
      stopped[$id]=1
      stop_group "$g" "${graces[$id]}" &
    fi
  done
  read -r -t 1 -u 8 _
done
