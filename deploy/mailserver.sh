#!/usr/bin/env bash
# Runs Dovecot and Postfix from deploy/ on 127.0.0.1 unprivileged ports, in a folder of their
# own, against a popbot database: for the e2e tests and as a local demo. Needs root (Dovecot
# switches to the vmail user, Postfix to postfix) and the Debian packages named in the README.
#
#   deploy/mailserver.sh start <dir> <database-url>   # prints the ports as KEY=VALUE lines
#   deploy/mailserver.sh stop  <dir>
#
# <database-url> logs in as the mail role (deploy/postgres/mail-role.sql), as in production.
# Ports (environment): POP3_PORT=11110 IMAP_PORT=11143 SMTP_PORT=12525 SUBMISSION_PORT=12587
#   LMTP_PORT=12424 QUOTA_PORT=12993 AUTH_PORT=12994 DOVEADM_PORT=12080 (DOVEADM_API_KEY)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,9p' "$0"; exit 2; }

POP3_PORT=${POP3_PORT:-11110}
IMAP_PORT=${IMAP_PORT:-11143}
SMTP_PORT=${SMTP_PORT:-12525}
LMTP_PORT=${LMTP_PORT:-12424}
QUOTA_PORT=${QUOTA_PORT:-12993}
SUBMISSION_PORT=${SUBMISSION_PORT:-12587}
AUTH_PORT=${AUTH_PORT:-12994}
DOVEADM_PORT=${DOVEADM_PORT:-12080}
DOVEADM_API_KEY=${DOVEADM_API_KEY:-popbot-local-doveadm-key}

stop() {
  [ -f "$dir/dovecot/dovecot.conf" ] && dovecot -c "$dir/dovecot/dovecot.conf" stop 2>/dev/null || true
  [ -f "$dir/postfix/main.cf" ] && postfix -c "$dir/postfix" stop 2>/dev/null || true
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "unknown command: $cmd" >&2; exit 2; }
url=${3:?database URL}
[ "$(id -u)" = 0 ] || { echo "mailserver.sh must run as root (Dovecot and Postfix drop privileges themselves)" >&2; exit 1; }
for tool in dovecot postfix; do command -v $tool >/dev/null || { echo "$tool is not installed (see README: Wire your mail server)" >&2; exit 1; }; done

id vmail >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin vmail

# postgres://user:password@host:port/dbname → the pieces Dovecot and Postfix want.
eval "$(node -e '
  const u = new URL(process.argv[1]);
  const q = (s) => "\x27" + decodeURIComponent(s).replace(/\x27/g, "") + "\x27";
  console.log(`DB_HOST=${q(u.hostname || "127.0.0.1")} DB_PORT=${q(u.port || "5432")} DB_NAME=${q(u.pathname.slice(1))} DB_USER=${q(u.username || "postgres")} DB_PASS=${q(u.password)}`);
' "$url")"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# Dovecot and Postfix run as their own users: every folder above this one must let them through.
d=$(dirname "$dir")
while :; do
  runuser -u vmail -- test -x "$d" || { echo "mailserver.sh: $d is not traversable by other users (mode $(stat -c %a "$d")); choose a folder under one that is" >&2; exit 1; }
  [ "$d" = / ] && break
  d=$(dirname "$d")
done
stop
# Whatever fails from here on, nothing is left running.
trap 'status=$?; [ $status -eq 0 ] || { echo "mailserver.sh: start failed; see $dir/start.log, $dir/dovecot.log, $dir/postfix.log" >&2; stop; }' EXIT
rm -rf "$dir/dovecot" "$dir/postfix" "$dir/run" "$dir/state" "$dir/queue" "$dir/data"
mkdir -p "$dir/dovecot" "$dir/postfix" "$dir/run" "$dir/state" "$dir/vmail" "$dir/queue" "$dir/data" "$dir/tls"
chown vmail:vmail "$dir/vmail"
chown postfix "$dir/data"
chmod 755 "$dir"
# A certificate of its own for STARTTLS on the submission port (production: your real one).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=popbot.test \
  -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >/dev/null 2>&1
chmod 600 "$dir/tls/key.pem"

connect="host=$DB_HOST port=$DB_PORT dbname=$DB_NAME user=$DB_USER${DB_PASS:+ password=$DB_PASS}"

# --- Dovecot: the shipped files, with this folder's paths and ports ------------------------
umask 027
for f in dovecot-popbot-sql.conf.ext dovecot-popbot-dict.conf.ext; do
  sed -e "s|^connect = .*|connect = $connect|" -e "s|'/var/vmail/'|'$dir/vmail/'|" "$here/dovecot/$f" > "$dir/dovecot/$f"
done
{
  echo "base_dir = $dir/run"
  echo "state_dir = $dir/state"
  echo "instance_name = popbot-$(basename "$dir")"
  sed -e "s|^listen = .*|listen = 127.0.0.1|" \
      -e "s|^ssl = required|ssl = no|" \
      -e "/^ssl_cert = \|^ssl_key = /d" \
      -e "s|^disable_plaintext_auth = yes|disable_plaintext_auth = no|" \
      -e "s|/etc/dovecot/|$dir/dovecot/|g" \
      -e "s|^log_path = syslog|log_path = $dir/dovecot.log|" \
      -e "s|port = 110$|port = $POP3_PORT|" -e "s|port = 143$|port = $IMAP_PORT|" \
      -e "s|port = 995$|port = 0|" -e "s|port = 993$|port = 0|" \
      -e "s|port = 24$|port = $LMTP_PORT|" -e "s|port = 10993$|port = $QUOTA_PORT|" -e "s|port = 8080$|port = $DOVEADM_PORT|" \
      -e "s|^doveadm_api_key = .*|doveadm_api_key = $DOVEADM_API_KEY|" \
      -e "/unix_listener \/var\/spool\/postfix\/private\/auth {/,/}/c\\
  inet_listener postfix-auth {\\
    address = 127.0.0.1\\
    port = $AUTH_PORT\\
  }" \
      "$here/dovecot/dovecot.conf"
  # Tests only: wrong-password tests must not slow the next login down (2/4/8/15 s penalty).
  echo 'service anvil {'
  echo '  unix_listener anvil-auth-penalty {'
  echo '    mode = 0'
  echo '  }'
  echo '}'
} > "$dir/dovecot/dovecot.conf"

# --- Postfix: a second instance with the shipped settings -------------------------------------
for f in popbot-pgsql-domains.cf popbot-pgsql-mailboxes.cf popbot-pgsql-aliases.cf popbot-pgsql-catchall.cf \
         popbot-pgsql-suspended.cf; do
  sed -e "s|^hosts = .*|hosts = $DB_HOST:$DB_PORT|" -e "s|^dbname = .*|dbname = $DB_NAME|" -e "s|^user = .*|user = $DB_USER|" -e "s|^password = .*|password = $DB_PASS|" \
    "$here/postfix/$f" > "$dir/postfix/$f"
done
{
  cat <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = popbot.test
mydestination =
local_recipient_maps =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
relay_domains =
relayhost =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtputf8_enable = no
biff = no
maillog_file = $dir/postfix.log
maillog_file_prefixes = /var, /dev/stdout, $dir
CF
  sed -e "s|/etc/postfix/|$dir/postfix/|g" -e "s|127.0.0.1:24$|127.0.0.1:$LMTP_PORT|" -e "s|127.0.0.1:10993|127.0.0.1:$QUOTA_PORT|g" \
      -e "s|^smtpd_tls_cert_file = .*|smtpd_tls_cert_file = $dir/tls/cert.pem|" \
      -e "s|^smtpd_tls_key_file = .*|smtpd_tls_key_file = $dir/tls/key.pem|" \
      "$here/postfix/main.cf"
} > "$dir/postfix/main.cf"
cat > "$dir/postfix/master.cf" <<CF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
127.0.0.1:$SUBMISSION_PORT inet n - n - - smtpd
$(sed -n 's|^  -o smtpd_sasl_path=.*|  -o smtpd_sasl_path=inet:127.0.0.1:'"$AUTH_PORT"'|; /^  -o /p' "$here/postfix/master.cf.submission")
tlsmgr    unix - - n 1000? 1 tlsmgr
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF

# Daemons must not hold the caller's stdout/stderr open (a test runner would wait for them).
started() { "$@" </dev/null >>"$dir/start.log" 2>&1 || { cat "$dir/start.log" >&2; exit 1; }; }
# The database password is in these files: readable by root and the service's own group only.
chgrp dovecot "$dir"/dovecot/*.ext && chmod 0640 "$dir"/dovecot/*.ext
chgrp postfix "$dir"/postfix/popbot-pgsql-*.cf && chmod 0640 "$dir"/postfix/popbot-pgsql-*.cf
started postfix -c "$dir/postfix" check
started dovecot -c "$dir/dovecot/dovecot.conf"
started postfix -c "$dir/postfix" start

for port in "$POP3_PORT" "$SMTP_PORT" "$SUBMISSION_PORT" "$LMTP_PORT" "$QUOTA_PORT"; do
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "nothing listens on 127.0.0.1:$port; see $dir/dovecot.log and $dir/postfix.log" >&2; exit 1; }
done
echo "POP3_PORT=$POP3_PORT"
echo "IMAP_PORT=$IMAP_PORT"
echo "SMTP_PORT=$SMTP_PORT"
echo "SUBMISSION_PORT=$SUBMISSION_PORT"
echo "DOVEADM_URL=http://127.0.0.1:$DOVEADM_PORT/doveadm/v1"
echo "MAIL_DIR=$dir"
