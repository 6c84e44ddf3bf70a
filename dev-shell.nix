# Contributor shell: `nix-shell dev-shell.nix`, then `just setup`.
# Node 20 matches CI; python3, gcc and make build better-sqlite3-multiple-ciphers; tmux drives the
# TUI end-to-end test; sqlite gives the sqlite3 shell for poking at unencrypted fixtures.
{ pkgs ? import <nixpkgs> { } }:

pkgs.mkShell {
  packages = with pkgs; [
    nodejs_20
    python3
    gcc
    gnumake
    tmux
    sqlite
    just
  ];
  shellHook = ''
    export npm_config_nodedir=${pkgs.nodejs_20}
  '';
}
