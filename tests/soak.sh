#!/usr/bin/env bash
# Soak test of the TUI. It runs lazyrich inside a shell in a detached tmux
# session for SOAK_SECONDS (default 1800). It presses keys that switch
# presets, scalings, widths, optimisers and chart metrics (m, M and Tab,
# also in compare mode), resizes the window, and samples the resident set
# size (VmRSS in /proc/PID/status). Every two
# minutes it suspends with Ctrl-Z and resumes with `fg`. At the end it
# quits with `q` and checks that the process exited with status 0, that the
# log contains no panic, and that the terminal is usable again: canonical mode
# and echo on, alternate screen off, cursor visible.
#
# Usage: tests/soak.sh [BINARY]   (default target/release/lazyrich)
# Environment: SOAK_SECONDS, SOAK_SAMPLE_SECONDS (default 60), SOAK_DIR
# (default a new temporary folder; it keeps the log and rss.csv).
# Needs tmux. Exit status 0 when every check passes, 1 otherwise.

set -euo pipefail

binary=$(realpath "${1:-target/release/lazyrich}")
duration=${SOAK_SECONDS:-1800}
sample_every=${SOAK_SAMPLE_SECONDS:-60}
dir=${SOAK_DIR:-$(mktemp -d -t lazyrich-soak.XXXXXX)}
session="lazyrich-soak-$$"
log="$dir/lazyrich.log"
rss_file="$dir/rss.csv"

fail() {
    echo "soak: FAILED: $*" >&2
    exit 1
}

cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
}
trap cleanup EXIT
[ -n "${SOAK_KEEP:-}" ] && trap - EXIT

[ -x "$binary" ] || fail "no executable at $binary; run cargo build --release first"
command -v tmux >/dev/null || fail "tmux is not installed"

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

pane() {
    tmux capture-pane -p -t "$session"
}

# Ctrl-Z, then checks that the shell got the terminal back, then `fg`.
suspend_and_resume() {
    tmux send-keys -t "$session" C-z
    sleep 1
    [ "$(tmux display -p -t "$session" '#{alternate_on}')" = 0 ] ||
        fail "alternate screen still on after Ctrl-Z"
    grep -q '^T' <(ps -o stat= -p "$pid") || fail "lazyrich is not stopped after Ctrl-Z"
    tmux send-keys -t "$session" fg Enter
    sleep 1
    [ "$(tmux display -p -t "$session" '#{alternate_on}')" = 1 ] ||
        fail "alternate screen not entered again after fg"
    suspends=$((suspends + 1))
}

tmux new-session -d -s "$session" -x 120 -y 40 \
    "env -i HOME=\"$HOME\" PATH=\"$PATH\" TERM=xterm-256color LANG=C.UTF-8 PS1='soak\$ ' bash --norc --noprofile"
sleep 1
# A child shell reports the exit status, because the interactive shell
# drops the rest of a command line once a job in it has stopped.
tmux send-keys -t "$session" "LAZYRICH_LOG='$log' sh -c '\"\$0\"; echo exit=\$?' '$binary'" Enter

pid=""
for _ in $(seq 50); do
    shell_pid=$(tmux display -p -t "$session" '#{pane_pid}')
    pid=$(pgrep -s "$shell_pid" -x lazyrich || true)
    [ -n "$pid" ] && break
    sleep 0.2
done
[ -n "$pid" ] || fail "lazyrich did not start"
echo "soak: lazyrich pid $pid, $duration s, files in $dir"

echo "seconds,rss_kib" >"$rss_file"
keys=(1 s w W s 2 ']' '[' l + - r 3 s W w 4 ' ' ' ' 5 p s l 1 '?' '?' 6 m m $'\t' M 8 m $'\t' M c m)
sizes=("120 40" "80 24" "200 60" "60 16" "40 10" "1 1" "100 30")
start=$(date +%s)
next_sample=0
step=0
suspends=0
while :; do
    now=$(($(date +%s) - start))
    [ "$now" -ge "$duration" ] && break
    kill -0 "$pid" 2>/dev/null || fail "lazyrich exited after $now s"
    if [ "$now" -ge "$next_sample" ]; then
        echo "$now,$(rss_kib "$pid")" >>"$rss_file"
        next_sample=$((next_sample + sample_every))
    fi
    if [ $((step % 60)) -eq 59 ]; then
        suspend_and_resume
    fi
    tmux send-keys -t "$session" -l -- "${keys[step % ${#keys[@]}]}"
    if [ $((step % 5)) -eq 0 ]; then
        read -r width height <<<"${sizes[(step / 5) % ${#sizes[@]}]}"
        tmux resize-window -t "$session" -x "$width" -y "$height"
    fi
    step=$((step + 1))
    sleep 2
done
end_rss=$(rss_kib "$pid")
echo "$duration,$end_rss" >>"$rss_file"

tmux resize-window -t "$session" -x 120 -y 40
tmux send-keys -t "$session" q
for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
kill -0 "$pid" 2>/dev/null && fail "lazyrich did not exit on q"
sleep 0.5
pane | grep -q '^exit=0$' || fail "exit status is not 0: $(pane | tail -3)"

tmux send-keys -t "$session" "stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo" Enter
sleep 0.5
pane | grep -q '^icanon echo *$' || fail "terminal modes not restored: $(pane | tail -2)"
[ "$(tmux display -p -t "$session" '#{alternate_on}')" = 0 ] || fail "alternate screen still on"
[ "$(tmux display -p -t "$session" '#{cursor_flag}')" = 1 ] || fail "cursor hidden"
if grep -q 'panicked' "$log"; then
    fail "the log reports a panic: $(grep -m1 panicked "$log")"
fi

first_rss=$(sed -n 2p "$rss_file" | cut -d, -f2)
echo "soak: passed; $step key presses, $suspends suspends, RSS $first_rss KiB at start, $end_rss KiB at the end"
