#!/usr/bin/env bash
# Regenerates docs/screens/*.txt from the real TUI: two `qpc` processes in tmux (80x24), a local
# qpc-server started by the first run, throwaway profiles in a temporary directory. Run from the repo root.
set -euo pipefail
ROOT=$(mktemp -d)
PORT=${PORT:-17555}
OUT=docs/screens
SOCK=qpc-capture-$$
KA=$(openssl rand -hex 32)
KB=$(openssl rand -hex 32)
ENV="XDG_DATA_HOME=$ROOT/xdg QPC_LOCAL_SERVER_PORT=$PORT"
mkdir -p "$OUT"

cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  pid=$(grep -o '"pid":[0-9]*' "$ROOT/xdg/quicprochat/server/server.log" 2>/dev/null | head -1 | cut -d: -f2 || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$ROOT"
}
trap cleanup EXIT

k() { tmux -L "$SOCK" send-keys -t "$@"; }
shot() { tmux -L "$SOCK" capture-pane -p -t "$1"; }
# Waits (up to 60 s) until the screen of $1 shows the text $2.
w() {
  for _ in $(seq 1 600); do shot "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' on $1" >&2; shot "$1" >&2; return 1
}

tmux -L "$SOCK" new-session -d -s a -x 80 -y 24 "env $ENV QPC_STORE_KEY=$KA node bin/qpc.js --profile $ROOT/alice; sleep 600"
# The first run opens on a choice: register a new account (selected) or log in with recovery words.
w a "> register a new account"; k a Enter
w a "Server "; k a Enter
w a "> Username"; k a -l alice; k a Enter
w a "> Password "; k a -l 'alice password'; k a Enter
w a "> Password again"; k a -l 'alice password'; w a "Password again   ****"
shot a > "$OUT/firstRun.txt"
k a Enter
w a "Your recovery phrase"; shot a > "$OUT/recoveryPhrase.txt"
k a Enter
w a "type word number"
n=$(shot a | grep -o 'word number [0-9]*' | grep -o '[0-9]*$')
word=$(grep -o "\b$n\. [a-z]*" "$OUT/recoveryPhrase.txt" | head -1 | cut -d' ' -f2)
k a -l "$word"; w a "Word $n: $word"; shot a > "$OUT/recoveryCheck.txt"
k a Enter; w a "Groups (0)"

echo "bob password" | env XDG_DATA_HOME="$ROOT/xdg" QPC_STORE_KEY="$KB" node bin/qpc.js account register bob \
  --password-stdin --server "127.0.0.1:$PORT" --profile "$ROOT/bob" >/dev/null
tmux -L "$SOCK" new-session -d -s b -x 80 -y 24 "env $ENV QPC_STORE_KEY=$KB node bin/qpc.js --profile $ROOT/bob; sleep 600"
# Registered from the CLI, bob has not seen his words yet: the TUI shows them and checks one first.
w b "Your recovery phrase"; shot b > "$ROOT/bobWords.txt"; k b Enter; w b "type word number"
n=$(shot b | grep -o 'word number [0-9]*' | grep -o '[0-9]*$')
word=$(grep -o "\b$n\. [a-z]*" "$ROOT/bobWords.txt" | head -1 | cut -d' ' -f2)
k b -l "$word"; w b "Word $n: $word"; k b Enter
w b "· bob"
k a -l '/create book club'; k a Enter; w a "# book club"
k a -l '/invite bob'; k a Enter; w a "invited bob"; w b ">book club"
k a -l 'hello bob, this is alice from a real terminal'; k a Enter; w b "real terminal"
k b -l 'hi alice! reading you loud and clear'; k b Enter; w a "loud and clear"; w b "✓ hi alice"
shot a > "$OUT/main.txt"
k a Tab; w a "▶ Groups"
k a '?'; w a "Help"; shot a > "$OUT/help.txt"; k a Escape; w a "▶ Groups"
k a i; w a "My identity"; shot a > "$OUT/identity.txt"; k a Escape; w a "▶ Groups"
k a C-n; w a "New group"; k a -l 'film night'; w a "Name: film night"; shot a > "$OUT/createGroup.txt"
k a Escape; w a "▶ Groups"
k a a; w a "Invite to"; k a -l carol; w a "Username: carol"; shot a > "$OUT/invite.txt"; k a Escape
k b Tab; w b "▶ Groups"; k b m; w b "Fingerprint of alice"; shot b > "$OUT/members.txt"
# A profile with no store key and no keychain: the passphrase screen.
tmux -L "$SOCK" new-session -d -s p -x 80 -y 24 "env $ENV node bin/qpc.js --profile $ROOT/pp; sleep 600"
w p "> Passphrase "; k p -l 'my store passphrase'; k p Enter
w p "> Passphrase again"; k p -l 'my store passphrase'; w p "Passphrase again *******************"
shot p > "$OUT/passphrase.txt"
echo "captured: $(ls "$OUT")"
