#!/usr/bin/env bash
# Removes the mail of deleted accounts from the mail host, after a retention (SPEC §9).
#
#   deploy/mail-cleanup.sh <vmail-root> <database-url> [--retention-days N]   (default 7)
#
# Run it daily as root (cron or a systemd timer) with the mail role's URL
# (deploy/postgres/mail-role.sql). A mail folder (<vmail-root>/<domain>/<folder>) that no account
# uses is marked when first seen; it is removed once marked for N days (0: at once). A folder that
# an account uses is never touched; folders of accounts are keyed by id, so a name created again
# never gets an old folder back.
set -euo pipefail

root=${1:-}; url=${2:-}
[ -n "$root" ] && [ -n "$url" ] || { sed -n '2,10p' "$0" >&2; exit 2; }
shift 2
days=7
while [ $# -gt 0 ]; do
  case $1 in
    --retention-days) days=${2:-}; shift 2 ;;
    *) echo "mail-cleanup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $days =~ ^[0-9]+$ ]] || { echo "mail-cleanup.sh: --retention-days must be a whole number of days, got '$days'" >&2; exit 2; }
[ -d "$root" ] || { echo "mail-cleanup.sh: $root is not a folder" >&2; exit 1; }
root=$(cd "$root" && pwd)

# The folders first, then the accounts: a folder made after the listing is not looked at, and one
# listed belongs to an account that existed before the query, so a live one is always in the answer.
mapfile -t folders < <(find "$root" -mindepth 2 -maxdepth 2 -type d -printf '%P\n' | sort)
live=$(psql "$url" -X -A -t -v ON_ERROR_STOP=1 -c 'select maildir from mail_users') ||
  { echo "mail-cleanup.sh: cannot read the accounts from the database; nothing removed" >&2; exit 1; }
declare -A in_use=()
while IFS= read -r folder; do [ -n "$folder" ] && in_use[$folder]=1; done <<< "$live"

marker=.popbot-unused-since
now=$(date +%s)
removed=0; waiting=0
for folder in "${folders[@]}"; do
  path="$root/$folder"
  if [ -n "${in_use[$folder]:-}" ]; then
    rm -f "$path/$marker"  # in use again (an account made before this ran cannot be; kept anyway)
    continue
  fi
  [ -f "$path/$marker" ] || date +%s > "$path/$marker"
  since=$(cat "$path/$marker")
  if [ $(( (now - since) / 86400 )) -ge "$days" ]; then
    rm -rf -- "$path"
    echo "removed $folder (unused since $(date -d "@$since" -u '+%Y-%m-%d %H:%M UTC'))"
    removed=$((removed + 1))
  else
    waiting=$((waiting + 1))
  fi
done
echo "mail-cleanup: ${#in_use[@]} folders in use kept, $removed removed, $waiting waiting out the $days-day retention"
